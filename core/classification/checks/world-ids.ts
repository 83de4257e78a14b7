import { luhnValid, verhoeffValid, weightedSum } from './check-digits.js';
import { digitsWithout, isOneRepeatedChar } from './text.js';

/**
 * An Indian Aadhaar number: twelve digits (often grouped 4-4-4), not starting with 0 or 1,
 * with a Verhoeff check digit.
 *
 * @example
 * isInAadhaar('2345 6789 0124'); // true
 */
export function isInAadhaar(value: string): boolean {
  if (value.length < 12 || value.length > 14) return false;
  const digits = digitsWithout(value, ' -');
  if (digits?.length !== 12 || digits.charAt(0) < '2' || isOneRepeatedChar(digits)) return false;
  return verhoeffValid(digits);
}

/**
 * An Indian Permanent Account Number (PAN): five letters, the fourth saying who holds it
 * (P person, C company, H, F, A, T, B, L, J, G), four digits and a letter.
 *
 * @example
 * isInPan('ABCPD1234E'); // true
 */
export function isInPan(value: string): boolean {
  return value.length === 10 && /^[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z]$/.test(value.toUpperCase());
}

/**
 * A Brazilian CPF: eleven digits, bare or `000.000.000-00`, with its two mod-11 check
 * digits; one repeated digit is refused.
 *
 * @example
 * isBrCpf('529.982.247-25'); // true
 */
export function isBrCpf(value: string): boolean {
  if (value.length !== 11 && value.length !== 14) return false;
  const digits = digitsWithout(value, '.-');
  if (digits?.length !== 11 || isOneRepeatedChar(digits)) return false;
  const first = ((weightedSum(digits, [10, 9, 8, 7, 6, 5, 4, 3, 2]) * 10) % 11) % 10;
  const second = ((weightedSum(digits, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]) * 10) % 11) % 10;
  return first === digits.charCodeAt(9) - 48 && second === digits.charCodeAt(10) - 48;
}

/**
 * A Canadian Social Insurance Number: nine digits (grouped 3-3-3 by spaces or dashes
 * allowed), not starting with 0 or 8, with a Luhn check.
 *
 * @example
 * isCaSin('130 692 544'); // true
 */
export function isCaSin(value: string): boolean {
  if (value.length !== 9 && value.length !== 11) return false;
  const digits = digitsWithout(value, ' -');
  if (digits?.length !== 9 || digits.charAt(0) === '0' || digits.charAt(0) === '8') return false;
  return !isOneRepeatedChar(digits) && luhnValid(digits);
}

/**
 * An Australian Tax File Number: eight or nine digits (grouped by spaces allowed) whose
 * weighted sum is a multiple of 11.
 *
 * @example
 * isAuTfn('123 456 782'); // true
 */
export function isAuTfn(value: string): boolean {
  if (value.length < 8 || value.length > 11) return false;
  const digits = digitsWithout(value, ' ');
  if (digits === null || isOneRepeatedChar(digits)) return false;
  if (digits.length === 9) return weightedSum(digits, [1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 === 0;
  if (digits.length === 8) return weightedSum(digits, [10, 7, 8, 4, 6, 3, 5, 1]) % 11 === 0;
  return false;
}

const NRIC_CITIZEN = 'JZIHGFEDCBA';
const NRIC_FOREIGNER = 'XWUTRQPNMLK';

/**
 * A Singapore NRIC or FIN: `S`/`T` (citizens and residents), `F`/`G` (foreigners) with the
 * weighted mod-11 check letter, or `M` (foreigners from 2022; layout only).
 *
 * @example
 * isSgNricFin('S1234567D'); // true
 */
export function isSgNricFin(value: string): boolean {
  if (value.length !== 9) return false;
  const upper = value.toUpperCase();
  if (!/^[STFGM]\d{7}[A-Z]$/.test(upper)) return false;
  const prefix = upper.charAt(0);
  if (prefix === 'M') return true;
  const offset = prefix === 'T' || prefix === 'G' ? 4 : 0;
  const index = (weightedSum(upper.slice(1, 8), [2, 7, 6, 5, 4, 3, 2]) + offset) % 11;
  const letters = prefix === 'S' || prefix === 'T' ? NRIC_CITIZEN : NRIC_FOREIGNER;
  return letters.charAt(index) === upper.charAt(8);
}
