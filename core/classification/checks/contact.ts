import type { CountryCode } from 'libphonenumber-js/max';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import validator from 'validator';

const MAX_EMAIL_LENGTH = 254;
const MAX_URL_LENGTH = 2048;

/**
 * An e-mail address as RFC 5322 allows in practice (validator's `isEmail`: a domain with
 * a top-level part, no display name, no IP literal).
 *
 * @example
 * isEmailAddress('ada@example.com'); // true
 * isEmailAddress('ada@localhost'); // false
 */
export function isEmailAddress(value: string): boolean {
  // Most sampled values are not addresses: refuse them before the parser.
  if (value.length < 6 || value.length > MAX_EMAIL_LENGTH) return false;
  const at = value.indexOf('@');
  if (at < 1 || at === value.length - 1) return false;
  if (value.indexOf('.', at) < 0 || value.includes(' ')) return false;
  return validator.isEmail(value);
}

// Regions whose national numbers (written without `+country`) are tried, in order.
const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = ['US', 'GB', 'DE', 'FR', 'IN'];
const PHONE_CHARS = /^\+?[\d\s().\-/]+$/;
const ISO_DATE_LIKE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$/;

// 3-2-4 digit groups are how US social security numbers are written, never phone numbers.
const SSN_LAYOUT = /^\d{3}-\d{2}-\d{4}$/;
const DECIMAL_OR_DOTTED_QUAD = /^\d+\.\d+$|^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * A telephone number valid in the numbering plan of its country (libphonenumber's full
 * metadata): an international number (`+44 20 7946 0958`, `0044…` is not accepted) or a
 * national number valid in one of the default regions US, GB, DE, FR or IN. A cheap digit
 * count and character gate refuses most non-phones before parsing, which costs ~20 µs.
 *
 * @param regions national numbering plans to try when the number has no `+country`.
 * @example
 * isPhoneNumber('+44 20 7946 0958'); // true
 * isPhoneNumber('(202) 555-0143'); // true (US)
 * isPhoneNumber('2024-01-31'); // false
 */
export function isPhoneNumber(
  value: string,
  regions: readonly CountryCode[] = DEFAULT_PHONE_REGIONS,
): boolean {
  const length = value.length;
  if (length < 6 || length > 24) return false;
  const first = value.charCodeAt(0);
  // '+', '(' or a digit.
  if (first !== 43 && first !== 40 && (first < 48 || first > 57)) return false;
  if (!PHONE_CHARS.test(value) || ISO_DATE_LIKE.test(value) || SSN_LAYOUT.test(value)) return false;
  let digits = 0;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 48 && code <= 57) digits++;
  }
  if (digits < 6 || digits > 15) return false;
  if (first === 43) return parsePhoneNumberFromString(value)?.isValid() ?? false;
  // Cheap refusals before the ~5 µs parse per region: decimals (`24.6357155`) and dotted
  // quads (IPv4) are numbers, and a bare digit run is a national number of the default
  // regions only with 10 digits or a leading trunk prefix 0 or 1.
  if (DECIMAL_OR_DOTTED_QUAD.test(value)) return false;
  if (digits === length && length !== 10 && first !== 48 && first !== 49) return false;
  for (const region of regions) {
    if (parsePhoneNumberFromString(value, region)?.isValid()) return true;
  }
  return false;
}

const URL_OPTIONS = {
  require_protocol: true,
  protocols: ['http', 'https', 'ftp', 'ftps', 'sftp', 'ws', 'wss'],
  require_valid_protocol: true,
  require_tld: true,
};
const WWW_URL_OPTIONS = { require_protocol: false, require_tld: true };

/**
 * A web address with its scheme (`https://…`, also ftp and websockets) or beginning with
 * `www.`: bare domains are {@link isDomainName}, not URLs.
 *
 * @example
 * isUrl('https://example.com/a?b=1'); // true
 * isUrl('www.example.com'); // true
 * isUrl('example.com'); // false
 */
export function isUrl(value: string): boolean {
  if (value.length < 8 || value.length > MAX_URL_LENGTH || value.includes(' ')) return false;
  if (/^www\./i.test(value)) return validator.isURL(value, WWW_URL_OPTIONS);
  if (value.indexOf('://') < 2) return false;
  return validator.isURL(value, URL_OPTIONS);
}
