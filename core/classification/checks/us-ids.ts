import { digitsWithout, isDigits } from './text.js';

const MAX_ID_LENGTH = 24;

function usNineDigits(value: string): string | null {
  if (value.length !== 9 && value.length !== 11) return null;
  if (value.length === 9) return isDigits(value) ? value : null;
  // Grouped 3-2-4 with the same separator twice.
  const separator = value.charAt(3);
  if ((separator !== '-' && separator !== ' ') || value.charAt(6) !== separator) return null;
  const digits = digitsWithout(value, separator);
  return digits?.length === 9 ? digits : null;
}

/**
 * A US Social Security number, `123-45-6789` or nine bare digits, within the ranges the
 * SSA issues: area not 000, 666 or 9xx, group not 00, serial not 0000.
 *
 * @example
 * isUsSsn('123-45-6789'); // true
 * isUsSsn('666-45-6789'); // false
 */
export function isUsSsn(value: string): boolean {
  const digits = usNineDigits(value);
  if (digits === null) return false;
  const area = digits.slice(0, 3);
  return (
    area !== '000' &&
    area !== '666' &&
    area.charAt(0) !== '9' &&
    digits.slice(3, 5) !== '00' &&
    digits.slice(5) !== '0000'
  );
}

/**
 * A US Individual Taxpayer Identification Number: like an SSN but starting with 9, with a
 * middle group in 50-65, 70-88, 90-92 or 94-99.
 *
 * @example
 * isUsItin('912-70-1234'); // true
 * isUsItin('912-89-1234'); // false
 */
export function isUsItin(value: string): boolean {
  const digits = usNineDigits(value);
  if (digits?.charAt(0) !== '9') return false;
  const group = Number(digits.slice(3, 5));
  return (
    (group >= 50 && group <= 65) ||
    (group >= 70 && group <= 88) ||
    (group >= 90 && group <= 92) ||
    group >= 94
  );
}

/**
 * A US passport number: nine digits (books issued before 2021) or one letter and eight
 * digits (next-generation passports). A layout only: nine digits are also many other ids.
 *
 * @example
 * isUsPassportNumber('A12345678'); // true
 */
export function isUsPassportNumber(value: string): boolean {
  return value.length === 9 && /^[A-Za-z0-9]\d{8}$/.test(value);
}

/**
 * A passport number of any country by layout: 6 to 9 letters and digits with at least five
 * digits and at most three letters, as most ICAO document numbers are. Weak alone.
 *
 * @example
 * isPassportNumber('C01X00T47'); // true
 */
export function isPassportNumber(value: string): boolean {
  if (value.length < 6 || value.length > 9 || !/^[A-Za-z0-9]+$/.test(value)) return false;
  let digits = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) <= 57) digits++;
  return digits >= 5 && value.length - digits <= 3;
}

// State layouts are many; these cover most of them: a letter or two followed by digits (CA,
// FL, IL, NY, WI…), possibly grouped by dashes or spaces, or 7-9 bare digits (TX, PA, GA…).
const LETTER_LICENCE = /^[A-Z]{1,2}\d{4,14}$/;
const DIGIT_LICENCE = /^\d{7,9}$/;

/**
 * A US driver's licence number in one of the common state layouts: one or two letters then
 * 4-14 digits (grouping dashes or spaces allowed), or 7-9 digits. Weak: a layout, no check.
 *
 * @example
 * isUsDriverLicense('D1234567'); // true
 * isUsDriverLicense('S530-4608-9012'); // true
 */
export function isUsDriverLicense(value: string): boolean {
  if (value.length < 5 || value.length > MAX_ID_LENGTH) return false;
  const compact = value.replace(/[ -]/g, '').toUpperCase();
  return LETTER_LICENCE.test(compact) || DIGIT_LICENCE.test(compact);
}
