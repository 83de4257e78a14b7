import { luhnValid } from './check-digits.js';
import { digitsWithout, isOneRepeatedChar } from './text.js';

const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
// Transliteration of VIN letters (I, O and Q never appear).
const VIN_LETTER_VALUES: Readonly<Record<string, number>> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};

function vinCheckDigitValid(vin: string): boolean {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const char = vin.charAt(i);
    const value = char <= '9' ? char.charCodeAt(0) - 48 : (VIN_LETTER_VALUES[char] ?? 0);
    sum += value * (VIN_WEIGHTS[i] ?? 0);
  }
  const remainder = sum % 11;
  return vin.charAt(8) === (remainder === 10 ? 'X' : String(remainder));
}

/**
 * A vehicle identification number (ISO 3779): 17 letters and digits without I, O or Q,
 * with a letter and a digit among them and digits in the last four places. The check digit
 * in position 9 is mandatory only for North American VINs (world manufacturer codes 1-5),
 * so it is enforced for those alone: European and Asian VINs often carry a letter or an
 * unchecked digit there and are accepted on their layout.
 *
 * @example
 * isVin('1HGCM82633A004352'); // true (check digit 3 is right)
 * isVin('1HGCM82623A004352'); // false (North American, check digit wrong)
 * isVin('WVWZZZ1JZXW000001'); // true (German, no check digit)
 */
export function isVin(value: string): boolean {
  if (value.length !== 17) return false;
  const vin = value.toUpperCase();
  if (!/^[A-HJ-NPR-Z0-9]{13}\d{4}$/.test(vin) || !/[A-Z]/.test(vin)) return false;
  const first = vin.charAt(0);
  if (first >= '1' && first <= '5') return vinCheckDigitValid(vin);
  return true;
}

/**
 * An IMEI: fifteen digits (dash- or space-grouped allowed) with a Luhn check digit, or the
 * sixteen-digit IMEISV whose last two digits are a software version.
 *
 * @example
 * isImei('490154203237518'); // true
 */
export function isImei(value: string): boolean {
  if (value.length < 15 || value.length > 19) return false;
  const digits = digitsWithout(value, ' -');
  if (digits === null || isOneRepeatedChar(digits)) return false;
  if (digits.length === 16) return !isOneRepeatedChar(digits.slice(0, 14));
  return digits.length === 15 && luhnValid(digits);
}

/**
 * A UUID/GUID: 32 hex digits grouped 8-4-4-4-12, optionally in braces.
 *
 * @example
 * isUuid('123e4567-e89b-12d3-a456-426614174000'); // true
 */
export function isUuid(value: string): boolean {
  const length = value.length;
  if (length !== 36 && length !== 38) return false;
  const core = length === 38 ? value.slice(1, 37) : value;
  if (length === 38 && (value.charAt(0) !== '{' || value.charAt(37) !== '}')) return false;
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(core);
}

/**
 * A device identifier as apps and MDM tools store them: a UUID (advertising ids, IDFV), a
 * 16-hex-digit Android id, an IMEI, or a MAC address. Layouts only: the catalogue wants a
 * column name that says device.
 *
 * @example
 * isDeviceId('9774d56d682e549c'); // true (Android id)
 */
export function isDeviceId(value: string): boolean {
  if (value.length < 12 || value.length > 38) return false;
  if (value.length === 16 && /^[0-9a-f]{16}$/i.test(value)) return !isOneRepeatedChar(value);
  return isUuid(value) || isImei(value) || /^[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}$/.test(value);
}
