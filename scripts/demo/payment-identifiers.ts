import type { SeededRandom } from './seeded-random.js';

/**
 * Card numbers and IBANs that pass the same checksums real validators apply, so the demo
 * exercises classifiers the way production data would (a random 16-digit string is rejected
 * by any serious card detector and would make the demo look broken).
 */

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover';

/** Issuer prefixes in the ranges each network publishes; lengths follow the network. */
const CARD_BINS: Record<CardBrand, { bins: readonly string[]; length: number }> = {
  visa: {
    bins: ['414720', '426684', '453201', '491689', '446291', '497010', '400022'],
    length: 16,
  },
  mastercard: { bins: ['542418', '552433', '517805', '222100', '271058', '535110'], length: 16 },
  amex: { bins: ['378282', '371449', '347201', '379764'], length: 15 },
  discover: { bins: ['601100', '644564', '650031', '601174'], length: 16 },
};

/** The digit that makes `partial + digit` pass the Luhn (mod 10) check. */
export function luhnCheckDigit(partial: string): number {
  let sum = 0;
  for (let i = 0; i < partial.length; i++) {
    let digit = Number(partial[partial.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** Accepts separators (spaces, dashes) the way a human-typed number carries them. */
export function isLuhnValid(cardNumber: string): boolean {
  const digits = cardNumber.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits.slice(-1));
}

export function cardNumber(rng: SeededRandom, brand: CardBrand): string {
  const { bins, length } = CARD_BINS[brand];
  const partial = rng.pick(bins) + rng.digits(length - 7);
  return partial + String(luhnCheckDigit(partial));
}

/** First six and last four stay visible, as PCI DSS allows for display. */
export function maskCardNumber(pan: string): string {
  return pan.slice(0, 6) + '*'.repeat(pan.length - 10) + pan.slice(-4);
}

/** The grouping printed on the card: 4-6-5 for Amex, groups of four otherwise. */
export function formatCardNumber(pan: string): string {
  if (pan.length === 15) return `${pan.slice(0, 4)} ${pan.slice(4, 10)} ${pan.slice(10)}`;
  return pan.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export type IbanCountry = 'DE' | 'FR' | 'GB' | 'ES' | 'NL';

const DE_BANK_CODES = ['37040044', '50010517', '10010010', '20041133', '70020270', '12030000'];
const FR_BANKS = [
  ['30004', '00828'],
  ['30003', '03620'],
  ['20041', '01005'],
  ['10278', '06076'],
];
const GB_BANKS = [
  ['NWBK', '601613'],
  ['BARC', '200415'],
  ['HBUK', '401276'],
  ['LOYD', '309634'],
];
const ES_BANKS = [
  ['2100', '0418'],
  ['0049', '1500'],
  ['0182', '5322'],
  ['2038', '1234'],
];
const NL_BANKS = ['ABNA', 'INGB', 'RABO', 'SNSB', 'TRIO', 'KNAB', 'BUNQ'];

/** ISO 7064 mod 97-10 over a string of digits and upper-case letters (A=10 ... Z=35). */
export function mod97(value: string): number {
  let remainder = 0;
  for (const char of value) {
    const code = char.charCodeAt(0);
    const chunk = code >= 65 && code <= 90 ? String(code - 55) : char;
    for (const digit of chunk) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

export function ibanCheckDigits(country: string, bban: string): string {
  return String(98 - mod97(`${bban}${country}00`)).padStart(2, '0');
}

/** Accepts the spaced print format as well as the electronic one. */
export function isValidIban(iban: string): boolean {
  const compact = iban.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact)) return false;
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

/** The French RIB key: 97 minus the weighted sum of bank, branch and account modulo 97. */
function ribKey(bank: string, branch: string, account: string): string {
  const sum = BigInt(bank) * 89n + BigInt(branch) * 15n + BigInt(account) * 3n;
  return String(97n - (sum % 97n)).padStart(2, '0');
}

/** Spain's two "dígitos de control": one over bank and branch, one over the account. */
function spanishControlDigits(bankBranch: string, account: string): string {
  const weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
  const digit = (ten: string): string => {
    const sum = [...ten].reduce((acc, c, i) => acc + Number(c) * (weights[i] ?? 0), 0);
    const check = 11 - (sum % 11);
    return String(check === 11 ? 0 : check === 10 ? 1 : check);
  };
  return digit(`00${bankBranch}`) + digit(account);
}

function bban(rng: SeededRandom, country: IbanCountry): string {
  switch (country) {
    case 'DE':
      return rng.pick(DE_BANK_CODES) + rng.digits(10);
    case 'FR': {
      const [bank, branch] = rng.pick(FR_BANKS) as [string, string];
      const account = rng.digits(11);
      return bank + branch + account + ribKey(bank, branch, account);
    }
    case 'GB': {
      const [bank, sortCode] = rng.pick(GB_BANKS) as [string, string];
      return bank + sortCode + rng.digits(8);
    }
    case 'ES': {
      const [bank, branch] = rng.pick(ES_BANKS) as [string, string];
      const account = rng.digits(10);
      return bank + branch + spanishControlDigits(bank + branch, account) + account;
    }
    case 'NL':
      return rng.pick(NL_BANKS) + rng.digits(10);
  }
}

export function iban(rng: SeededRandom, country: IbanCountry): string {
  const body = bban(rng, country);
  return `${country}${ibanCheckDigits(country, body)}${body}`;
}

/** The grouping of four used on statements and invoices. */
export function formatIban(value: string): string {
  return value.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * A US ABA routing number: a Federal Reserve prefix (01-12, 21-32) and a check digit that
 * makes 3*(d1+d4+d7) + 7*(d2+d5+d8) + (d3+d6+d9) divisible by 10.
 */
export function abaRoutingNumber(rng: SeededRandom): string {
  const district = rng.chance(0.8) ? rng.int(1, 12) : rng.int(21, 32);
  const head = String(district).padStart(2, '0') + rng.digits(6);
  const d = [...head].map(Number);
  const weights = [3, 7, 1, 3, 7, 1, 3, 7];
  const sum = d.reduce((acc, digit, i) => acc + digit * (weights[i] ?? 0), 0);
  return head + String((10 - (sum % 10)) % 10);
}
