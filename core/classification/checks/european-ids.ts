import { luhnValid, weightedSum } from './check-digits.js';
import { base36Value, digitsWithout, isDigits, isOneRepeatedChar } from './text.js';

/**
 * A UK National Insurance number: two prefix letters from the allowed set (not `BG`, `GB`,
 * `KN`, `NK`, `NT`, `TN`, `ZZ`), six digits and a suffix A-D; spaces allowed.
 *
 * @example
 * isUkNino('AB 12 34 56 C'); // true
 */
export function isUkNino(value: string): boolean {
  if (value.length < 9 || value.length > 13) return false;
  const compact = value.replace(/ /g, '').toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(compact)) return false;
  return !['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(compact.slice(0, 2));
}

/**
 * A UK NHS number: ten digits (often grouped 3-3-4) with a mod-11 check digit.
 *
 * @example
 * isUkNhsNumber('943 476 5919'); // true
 */
export function isUkNhsNumber(value: string): boolean {
  if (value.length < 10 || value.length > 12) return false;
  const digits = digitsWithout(value, ' -');
  if (digits?.length !== 10 || isOneRepeatedChar(digits)) return false;
  const check = 11 - (weightedSum(digits, [10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11);
  const expected = check === 11 ? 0 : check;
  return expected !== 10 && expected === digits.charCodeAt(9) - 48;
}

/**
 * A French social security number (NIR): sex, year, month, department (Corsica `2A`/`2B`
 * counted as 19/18 for the key), commune, order and the 97-complement key; spaces allowed.
 *
 * @example
 * isFrNir('2 55 08 14 168 025 38'); // true
 */
export function isFrNir(value: string): boolean {
  if (value.length < 15 || value.length > 21) return false;
  const compact = value.replace(/ /g, '').toUpperCase();
  if (!/^[1278]\d{4}(?:\d{2}|2[AB])\d{8}$/.test(compact)) return false;
  const month = Number(compact.slice(3, 5));
  // Months 20-42 and 50+ are legal for people registered without a known birth month.
  if (month === 0 || (month > 12 && month < 20)) return false;
  const body = compact.slice(0, 13).replace('2A', '19').replace('2B', '18');
  const key = 97 - Number(BigInt(body) % 97n);
  return key === Number(compact.slice(13));
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/**
 * A Spanish NIF for people: a DNI (eight digits and the mod-23 letter) or an NIE (`X`, `Y`
 * or `Z`, seven digits and the letter); a dash or space before the letter is accepted.
 *
 * @example
 * isEsNif('12345678Z'); // true
 * isEsNif('X1234567L'); // true
 */
export function isEsNif(value: string): boolean {
  if (value.length < 9 || value.length > 10) return false;
  const match = /^([XYZ]|\d)(\d{7})[- ]?([A-Z])$/.exec(value.toUpperCase());
  if (!match) return false;
  const [, lead = '', rest = '', letter] = match;
  const prefix = lead === 'X' ? '0' : lead === 'Y' ? '1' : lead === 'Z' ? '2' : lead;
  return DNI_LETTERS.charAt(Number(prefix + rest) % 23) === letter;
}

/**
 * A Dutch citizen service number (BSN): nine digits passing the eleven test (weights 9…2
 * and -1). One random nine-digit number in eleven passes: weak without a name.
 *
 * @example
 * isNlBsn('111222333'); // true
 */
export function isNlBsn(value: string): boolean {
  if (value.length !== 9 || !isDigits(value) || isOneRepeatedChar(value)) return false;
  const sum = weightedSum(value, [9, 8, 7, 6, 5, 4, 3, 2, -1]);
  return sum % 11 === 0;
}

/**
 * A German tax identification number (Steuer-ID): eleven digits, no leading zero, one
 * digit of the first ten used two or three times and the others at most once, and an
 * ISO 7064 MOD 11,10 check digit.
 *
 * @example
 * isDeTaxId('86095742719'); // true
 */
export function isDeTaxId(value: string): boolean {
  if (value.length !== 11 || !isDigits(value) || value.charAt(0) === '0') return false;
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) counts[value.charCodeAt(i) - 48]! += 1;
  const repeated = counts.filter((count) => count > 1);
  if (repeated.length !== 1 || (repeated[0] ?? 0) > 3) return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (value.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product === 10 ? 0 : 11 - product;
  return check === value.charCodeAt(10) - 48;
}

// Values of the characters in odd positions (1st, 3rd…), indexed by base-36 value.
const CF_ODD = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8,
  12, 14, 16, 10, 22, 25, 24, 23,
];

/**
 * An Italian fiscal code (codice fiscale) for people: surname and name letters, birth
 * year, month letter, day (plus 40 for women), place code, and the check letter; digits
 * replaced by letters (omocodia) are accepted.
 *
 * @example
 * isItFiscalCode('RSSMRA85T10A562S'); // true
 */
export function isItFiscalCode(value: string): boolean {
  if (value.length !== 16) return false;
  const code = value.toUpperCase();
  const digitOrOmocode = '[0-9LMNPQRSTUV]';
  const layout = new RegExp(
    `^[A-Z]{6}${digitOrOmocode}{2}[ABCDEHLMPRST]${digitOrOmocode}{2}[A-Z]${digitOrOmocode}{3}[A-Z]$`,
  );
  if (!layout.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const char = code.charAt(i);
    const value36 = base36Value(char);
    const plain = value36 >= 10 ? value36 - 10 : value36;
    sum += i % 2 === 0 ? (CF_ODD[value36] ?? 0) : plain;
  }
  return String.fromCharCode(65 + (sum % 26)) === code.charAt(15);
}

/**
 * A Swedish personal identity number (personnummer) or coordination number: `YYMMDD-NNNC`
 * (`+` for people over 100), or with a four-digit year, with a real month, a day of 1-31
 * (61-91 for coordination numbers) and a Luhn check over the ten-digit form.
 *
 * @example
 * isSePersonnummer('811218-9876'); // true
 */
export function isSePersonnummer(value: string): boolean {
  if (value.length < 10 || value.length > 13) return false;
  const match = /^(?:(?:19|20)?(\d{6}))[-+]?(\d{4})$/.exec(value);
  if (!match) return false;
  const date = match[1] ?? '';
  const month = Number(date.slice(2, 4));
  const day = Number(date.slice(4, 6));
  const dayOk = (day >= 1 && day <= 31) || (day >= 61 && day <= 91);
  return month >= 1 && month <= 12 && dayOk && luhnValid(date + (match[2] ?? ''));
}
