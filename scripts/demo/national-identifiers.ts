import type { SeededRandom } from './seeded-random.js';

/**
 * National identity numbers in each country's official layout, with their check digits, so
 * that classifiers tuned to reject look-alikes still recognise the demo values.
 */

export type NationalIdType =
  'US_SSN' | 'UK_NINO' | 'FR_INSEE' | 'DE_STEUER_ID' | 'ES_DNI' | 'NL_BSN';

export interface NationalId {
  type: NationalIdType;
  value: string;
}

/** Areas 000, 666 and 900-999 are never issued, nor group 00 or serial 0000. */
export function usSsn(rng: SeededRandom, withDashes = true): string {
  let area = rng.int(1, 899);
  if (area === 666) area = 667;
  const group = String(rng.int(1, 99)).padStart(2, '0');
  const serial = String(rng.int(1, 9999)).padStart(4, '0');
  const areaText = String(area).padStart(3, '0');
  return withDashes ? `${areaText}-${group}-${serial}` : `${areaText}${group}${serial}`;
}

const NINO_FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const NINO_SECOND = 'ABCEGHJKLMNPRSTWXYZ';
const NINO_UNUSED_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/** HMRC's National Insurance number: two prefix letters, six digits, suffix A-D. */
export function ukNino(rng: SeededRandom, spaced = true): string {
  let prefix = '';
  do prefix = rng.letters(1, NINO_FIRST) + rng.letters(1, NINO_SECOND);
  while (NINO_UNUSED_PREFIXES.has(prefix));
  const digits = rng.digits(6);
  const suffix = rng.letters(1, 'ABCD');
  if (!spaced) return `${prefix}${digits}${suffix}`;
  return `${prefix} ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4)} ${suffix}`;
}

/**
 * The French NIR ("numéro INSEE"): sex, birth year and month, département, commune, birth
 * order, then a key of 97 minus the 13-digit number modulo 97.
 */
export function frInsee(rng: SeededRandom, sex: 'female' | 'male', birthDate: string): string {
  const [year = '1990', month = '01'] = birthDate.split('-');
  let department = rng.int(1, 95);
  if (department === 20) department = 21; // Corsica uses 2A/2B, which needs its own key rule
  const body =
    (sex === 'male' ? '1' : '2') +
    year.slice(2) +
    month +
    String(department).padStart(2, '0') +
    String(rng.int(1, 990)).padStart(3, '0') +
    String(rng.int(1, 999)).padStart(3, '0');
  const key = String(97n - (BigInt(body) % 97n)).padStart(2, '0');
  return `${body[0]} ${body.slice(1, 3)} ${body.slice(3, 5)} ${body.slice(5, 7)} ${body.slice(7, 10)} ${body.slice(10)} ${key}`;
}

export function isValidInsee(value: string): boolean {
  const compact = value.replace(/\s/g, '');
  if (!/^[12]\d{14}$/.test(compact)) return false;
  return 97n - (BigInt(compact.slice(0, 13)) % 97n) === BigInt(compact.slice(13));
}

/**
 * The German tax id: ten digits where exactly one digit repeats, then an ISO 7064
 * MOD 11,10 check digit.
 */
export function deSteuerId(rng: SeededRandom): string {
  const pool = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const missing = rng.int(0, 9);
  const digits = pool.filter((d) => d !== missing);
  digits.push(rng.pick(digits));
  for (let i = digits.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [digits[i], digits[j]] = [digits[j] as number, digits[i] as number];
  }
  if (digits[0] === 0) digits.push(digits.shift() as number);
  let product = 10;
  for (const digit of digits) {
    let sum = (digit + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = (11 - product) % 10;
  const text = digits.join('') + String(check);
  return `${text.slice(0, 2)} ${text.slice(2, 5)} ${text.slice(5, 8)} ${text.slice(8)}`;
}

/** Spain's DNI: eight digits and the letter for their remainder modulo 23. */
export function esDni(rng: SeededRandom): string {
  const number = rng.int(10_000_000, 79_999_999);
  return `${number}${'TRWAGMYFPDXBNJZSQVHLCKE'.charAt(number % 23)}`;
}

/** The Dutch BSN passes the "elfproef": weights 9..2 and -1, sum divisible by 11. */
export function nlBsn(rng: SeededRandom): string {
  for (;;) {
    const head = String(rng.int(1, 9)) + rng.digits(7);
    const sum = [...head].reduce((acc, c, i) => acc + Number(c) * (9 - i), 0);
    const last = sum % 11;
    if (last < 10) return head + String(last);
  }
}

export function isValidBsn(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const sum = [...value].reduce((acc, c, i) => acc + Number(c) * (i === 8 ? -1 : 9 - i), 0);
  return sum % 11 === 0;
}
