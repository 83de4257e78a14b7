import { ISO_COUNTRY_ALPHA2 } from '../dictionaries/countries.js';
import { luhnValid, mod97 } from './check-digits.js';
import { IBAN_LENGTHS } from './iban-lengths.js';
import { digitsWithout, isDigits, isOneRepeatedChar } from './text.js';

// Issuer prefixes of Visa (4), Mastercard (51-55, 2221-2720), Amex (34, 37), Discover
// (6011, 644-649, 65), Diners (300-305, 36, 38-39), JCB (3528-3589), UnionPay (62),
// Maestro (50, 56-58, 6…).
const CARD_PREFIX = /^(?:4|5[0-8]|2[2-7]|3[0-9]|6)/;

/**
 * A payment card number: 13 to 19 digits, optionally grouped by spaces or dashes, with the
 * prefix of a major scheme and a valid Luhn check digit. One repeated digit is refused.
 *
 * @example
 * isCardNumber('4111 1111 1111 1111'); // true
 * isCardNumber('4111 1111 1111 1112'); // false (Luhn)
 */
export function isCardNumber(value: string): boolean {
  if (value.length < 13 || value.length > 23) return false;
  const digits = digitsWithout(value, ' -');
  if (digits === null || digits.length < 13 || digits.length > 19) return false;
  if (!CARD_PREFIX.test(digits) || isOneRepeatedChar(digits)) return false;
  return luhnValid(digits);
}

/**
 * The layout of a card number without its check digit: 13 to 19 digits, optionally in
 * groups of four (or Amex's 4-6-5) separated by spaces or dashes. Test and tokenised card
 * numbers have it and fail Luhn; the catalogue counts it only beside a telling name.
 *
 * @example
 * hasCardLayout('8638-5407-3631-8196'); // true
 * hasCardLayout('12345'); // false
 */
export function hasCardLayout(value: string): boolean {
  if (value.length < 13 || value.length > 23) return false;
  const digits = digitsWithout(value, ' -');
  if (digits === null || digits.length < 13 || digits.length > 19) return false;
  return digits.length === value.length || /^\d{4}([ -])\d{4,6}\1\d{4,5}(\1\d{1,4})?$/.test(value);
}

/**
 * A card security code (CVV, CVC, CID): three or four digits. Far too weak alone; the
 * catalogue requires a column name that says so.
 *
 * @example
 * isCardSecurityCode('123'); // true
 */
export function isCardSecurityCode(value: string): boolean {
  return (value.length === 3 || value.length === 4) && isDigits(value);
}

/**
 * A card expiry date as printed or typed: `MM/YY`, `MM/YYYY`, `MM-YY`, or `YYYY-MM`, with a
 * real month.
 *
 * @example
 * isCardExpiry('09/27'); // true
 * isCardExpiry('13/27'); // false
 */
export function isCardExpiry(value: string): boolean {
  if (value.length < 4 || value.length > 9) return false;
  const monthFirst = /^(\d{1,2}) ?[/-] ?(\d{2}|20\d{2})$/.exec(value);
  const month = monthFirst ? Number(monthFirst[1]) : Number(/^20\d{2}-(\d{2})$/.exec(value)?.[1]);
  return month >= 1 && month <= 12;
}

/**
 * An IBAN (ISO 13616): a registry country, two check digits and the national account
 * number, exactly as long as that country's IBANs, with a valid ISO 7064 mod-97 check.
 * Spaces between groups and lower case are accepted.
 *
 * @example
 * isIban('DE89 3704 0044 0532 0130 00'); // true
 * isIban('DE89 3704 0044 0532 0130 01'); // false
 */
export function isIban(value: string): boolean {
  if (value.length < 15 || value.length > 42) return false;
  const compact = value.replace(/ /g, '').toUpperCase();
  if (compact.length !== IBAN_LENGTHS.get(compact.slice(0, 2))) return false;
  if (!isDigits(compact.slice(2, 4)) || !/^[A-Z0-9]+$/.test(compact)) return false;
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

/**
 * A SWIFT/BIC code (ISO 9362): four-letter institution, ISO country, two-character
 * location and an optional three-character branch, in upper case as banks write it.
 *
 * @example
 * isSwiftCode('DEUTDEFF'); // true
 * isSwiftCode('DEUTDEFF500'); // true
 */
export function isSwiftCode(value: string): boolean {
  if (value.length !== 8 && value.length !== 11) return false;
  if (!/^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(value)) return false;
  return ISO_COUNTRY_ALPHA2.has(value.slice(4, 6));
}

/**
 * An ABA routing transit number: nine digits, a Federal Reserve prefix (00-12, 21-32,
 * 61-72, 80) and the 3-7-1 weighted check digit.
 *
 * @example
 * isAbaRoutingNumber('011000015'); // true
 */
export function isAbaRoutingNumber(value: string): boolean {
  if (value.length !== 9 || !isDigits(value) || isOneRepeatedChar(value)) return false;
  const prefix = Number(value.slice(0, 2));
  const validPrefix =
    prefix <= 12 ||
    (prefix >= 21 && prefix <= 32) ||
    (prefix >= 61 && prefix <= 72) ||
    prefix === 80;
  if (!validPrefix) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (value.charCodeAt(i) - 48) * ([3, 7, 1][i % 3] ?? 0);
  return sum % 10 === 0;
}

/**
 * A US bank account number as stored: 8 to 17 digits. A layout only, with no check digit,
 * so it counts only next to a column name that says account.
 *
 * @example
 * isUsBankAccountNumber('000123456789'); // true
 */
export function isUsBankAccountNumber(value: string): boolean {
  return value.length >= 8 && value.length <= 17 && isDigits(value) && !isOneRepeatedChar(value);
}
