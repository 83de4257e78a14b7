/**
 * Value checks behind the built-in information types. Each takes one sampled value as text
 * and answers whether it has the type's layout and, where the type defines them, valid check
 * digits, so that look-alikes (order numbers, timestamps, random digits) are not counted.
 * All checks are linear in the value's length and refuse values longer than any real one
 * before looking at them.
 */

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * An e-mail address: a plain local part, `@`, and a domain of at least two labels. Quoted
 * local parts and address literals are legal but practically never stored in databases.
 *
 * @example
 * isEmailAddress('ada@example.com'); // true
 * isEmailAddress('ada@localhost'); // false
 */
export function isEmailAddress(value: string): boolean {
  // Cheap gates first: most sampled values are not addresses, and regexes cost.
  const at = value.indexOf('@');
  if (at < 1 || value.length > 254 || value.startsWith('.') || value.includes('..')) return false;
  return EMAIL.test(value);
}

/**
 * Luhn's mod-10 check over a string of digits.
 *
 * @example
 * luhnValid('4111111111111111'); // true
 */
export function luhnValid(digits: string): boolean {
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
 * A payment card number: 13 to 19 digits, optionally grouped by spaces or dashes, starting
 * like a card of a major scheme (2-6), with a valid Luhn check digit.
 *
 * @example
 * isCardNumber('4111 1111 1111 1111'); // true
 * isCardNumber('4111 1111 1111 1112'); // false (Luhn)
 */
export function isCardNumber(value: string): boolean {
  const first = value.charCodeAt(0);
  if (value.length < 13 || value.length > 23 || first < 50 || first > 54) return false;
  if (!/^[2-6][\d -]+$/.test(value)) return false;
  const digits = value.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19 || !/^\d+$/.test(digits)) return false;
  // All one digit passes Luhn for some lengths and is never a real card.
  if (/^(\d)\1+$/.test(digits)) return false;
  return luhnValid(digits);
}

// Lengths of the IBAN in countries that use it most; others are checked by range only.
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AT: 20,
  BE: 16,
  CH: 21,
  CZ: 24,
  DE: 22,
  DK: 18,
  ES: 24,
  FI: 18,
  FR: 27,
  GB: 22,
  IE: 22,
  IT: 27,
  LU: 20,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  SE: 24,
};

/**
 * An IBAN (ISO 13616): country code, two check digits, the national account number, with
 * a valid ISO 7064 mod-97 check. Spaces between groups are allowed.
 *
 * @example
 * isIban('DE89 3704 0044 0532 0130 00'); // true
 */
export function isIban(value: string): boolean {
  if (value.length < 15 || value.length > 42 || !isLetter(value.charCodeAt(0))) return false;
  const compact = value.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const expected = IBAN_LENGTHS[compact.slice(0, 2)];
  if (expected !== undefined && compact.length !== expected) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const number = code >= 65 ? code - 55 : code - 48;
    remainder = (remainder * (number >= 10 ? 100 : 10) + number) % 97;
  }
  return remainder === 1;
}

/**
 * A national identity number in one of the layouts recognised so far: US SSN, UK National
 * Insurance number, French NIR (with its key), Spanish DNI (with its letter), Dutch BSN
 * (eleven test). A bare nine-digit number passes only the BSN check, which one in eleven
 * random numbers does: the column-level ratio, not one value, decides.
 *
 * @example
 * isNationalId('123-45-6789'); // true (US SSN)
 * isNationalId('12345678Z'); // true (ES DNI)
 */
export function isNationalId(value: string): boolean {
  const length = value.length;
  if (length < 9 || length > 21) return false;
  if (isLetter(value.charCodeAt(0))) return isUkNino(value);
  return isUsSsn(value) || isFrInsee(value) || isEsDni(value) || isNlBsn(value);
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isUsSsn(value: string): boolean {
  const match = /^(\d{3})-(\d{2})-(\d{4})$/.exec(value);
  if (!match) return false;
  const [, area = '', group, serial] = match;
  return area !== '000' && area !== '666' && area < '900' && group !== '00' && serial !== '0000';
}

function isUkNino(value: string): boolean {
  const compact = value.replace(/ /g, '').toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(compact)) return false;
  return !['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(compact.slice(0, 2));
}

function isFrInsee(value: string): boolean {
  const compact = value.replace(/ /g, '');
  if (!/^[12]\d{14}$/.test(compact)) return false;
  return 97n - (BigInt(compact.slice(0, 13)) % 97n) === BigInt(compact.slice(13));
}

function isEsDni(value: string): boolean {
  const match = /^(\d{8})-?([A-Z])$/.exec(value.toUpperCase());
  if (!match) return false;
  return 'TRWAGMYFPDXBNJZSQVHLCKE'.charAt(Number(match[1]) % 23) === match[2];
}

function isNlBsn(value: string): boolean {
  if (!/^\d{9}$/.test(value) || value === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(value[i]) * (i === 8 ? -1 : 9 - i);
  return sum % 11 === 0;
}

/**
 * A telephone number as people write them: E.164 (`+` and 8-15 digits), or 7-15 digits in
 * groups separated by spaces, dots, dashes or a bracketed area code, or a national number of
 * 10-11 digits starting with 0 or 1. ISO dates and bare digit runs (ids) are not phones.
 *
 * @example
 * isPhoneNumber('+44 20 7946 0958'); // true
 * isPhoneNumber('2024-01-31'); // false
 */
export function isPhoneNumber(value: string): boolean {
  const first = value.charCodeAt(0);
  if (value.length < 7 || value.length > 24) return false;
  // '+', '(' or a digit.
  if (first !== 43 && first !== 40 && (first < 48 || first > 57)) return false;
  if (!/^\+?[\d\s().-]+$/.test(value)) return false;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) || /^\d+\.\d+$/.test(value)) return false;
  const digits = value.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  if (value.startsWith('+')) return digits.length >= 8;
  if (/^\d+$/.test(value)) return /^[01]\d{9,10}$/.test(value);
  return /\d[\s().-]+\d/.test(value);
}
