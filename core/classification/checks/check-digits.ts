import { base36Value } from './text.js';

/**
 * Luhn's mod-10 check over a string of digits (cards, IMEI, Canadian SIN, Swedish
 * personnummer).
 *
 * @example
 * luhnValid('4111111111111111'); // true
 */
export function luhnValid(digits: string): boolean {
  if (digits.length === 0) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * The digit that makes `digits` followed by it Luhn-valid.
 *
 * @example
 * luhnCheckDigit('411111111111111'); // 1
 */
export function luhnCheckDigit(digits: string): number {
  for (let candidate = 0; candidate <= 9; candidate++) {
    if (luhnValid(digits + String(candidate))) return candidate;
  }
  return -1;
}

/**
 * The ISO 7064 mod-97 remainder of digits and letters, letters counting as 10-35 (IBAN).
 * Returns -1 on any other character.
 *
 * @example
 * mod97('370400440532013000DE89'); // 1 (DE89 3704 0044 0532 0130 00 rearranged)
 */
export function mod97(text: string): number {
  let remainder = 0;
  for (let i = 0; i < text.length; i++) {
    const value = base36Value(text.charAt(i));
    if (value < 0) return -1;
    remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
  }
  return remainder;
}

const VERHOEFF_MULTIPLY = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

const VERHOEFF_PERMUTE = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/**
 * The Verhoeff dihedral-group check (Indian Aadhaar). Catches every single-digit error and
 * every swap of adjacent digits, which Luhn does not.
 *
 * @example
 * verhoeffValid('2363'); // true
 */
export function verhoeffValid(digits: string): boolean {
  if (digits.length === 0) return false;
  let check = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (digit < 0 || digit > 9) return false;
    const permuted = VERHOEFF_PERMUTE[i % 8]?.[digit] ?? 0;
    check = VERHOEFF_MULTIPLY[check]?.[permuted] ?? 0;
  }
  return check === 0;
}

/**
 * The sum of each digit times its weight, for the many national schemes that take a
 * weighted sum modulo 11 or 10. Expects as many digits as weights.
 *
 * @example
 * weightedSum('123', [3, 2, 1]); // 10
 */
export function weightedSum(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (digits.charCodeAt(i) - 48) * (weights[i] ?? 0);
  return sum;
}
