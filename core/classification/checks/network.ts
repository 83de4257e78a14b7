import validator from 'validator';
import { ISO_COUNTRY_ALPHA2 } from '../dictionaries/countries.js';

/**
 * An IPv4 address in dotted-quad form. Version strings (`1.2.3`) have three parts and are
 * refused; so are parts with leading zeros (`01.2.3.4`), which are ambiguous.
 *
 * @example
 * isIpv4Address('192.168.0.1'); // true
 * isIpv4Address('1.2.3'); // false
 */
export function isIpv4Address(value: string): boolean {
  if (value.length < 7 || value.length > 15) return false;
  return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(value) && validator.isIP(value, 4);
}

/**
 * An IPv6 address in any textual form RFC 4291 allows (compressed `::`, embedded IPv4,
 * zone id).
 *
 * @example
 * isIpv6Address('2001:db8::1'); // true
 */
export function isIpv6Address(value: string): boolean {
  if (value.length < 2 || value.length > 64 || value.indexOf(':') < 0) return false;
  // Times (`12:30:00`) and MAC addresses have colons too but not hex-only groups of that count.
  if (!/^[0-9A-Fa-f:.]+(?:%[\w.]+)?$/.test(value)) return false;
  return validator.isIP(value, 6);
}

/**
 * An IPv4 or IPv6 address.
 *
 * @example
 * isIpAddress('10.0.0.1'); // true
 */
export function isIpAddress(value: string): boolean {
  return isIpv4Address(value) || isIpv6Address(value);
}

/**
 * A MAC (EUI-48) address: six hex pairs separated by colons or dashes, or three groups of
 * four separated by dots (Cisco). Twelve bare hex digits are not accepted: too many other
 * ids look like that.
 *
 * @example
 * isMacAddress('00:1A:2B:3C:4D:5E'); // true
 * isMacAddress('001a.2b3c.4d5e'); // true
 */
export function isMacAddress(value: string): boolean {
  if (value.length !== 17 && value.length !== 14) return false;
  if (value.length === 14) return /^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/.test(value);
  return /^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}$/.test(value);
}

// Generic top-level domains in common use; country-code domains come from ISO 3166.
const GENERIC_TLDS = new Set(
  (
    'com org net edu gov mil int info biz name pro aero coop museum mobi app dev io ai co cloud ' +
    'tech online site store shop blog xyz top club live news media agency digital email group ' +
    'company solutions services network systems design studio global world today page link ' +
    'space website health bank insurance finance capital law legal eu asia uk'
  ).split(' '),
);

/**
 * A domain name: two or more dot-separated labels of letters, digits and dashes, ending in
 * a known top-level domain (generic ones in common use, or any country code). The TLD list
 * keeps file names (`report.pdf`) and dotted words out; bare `name.surname` is refused too.
 *
 * @example
 * isDomainName('mail.example.co.uk'); // true
 * isDomainName('report.pdf'); // false
 */
export function isDomainName(value: string): boolean {
  if (value.length < 4 || value.length > 253 || value.indexOf('.') < 1) return false;
  const lower = value.toLowerCase().replace(/\.$/, '');
  if (!/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$/.test(lower)) return false;
  const tld = lower.slice(lower.lastIndexOf('.') + 1);
  return GENERIC_TLDS.has(tld) || (tld.length === 2 && ISO_COUNTRY_ALPHA2.has(tld.toUpperCase()));
}

/**
 * A web address written without its scheme: a domain name, optionally followed by a path
 * (`example.com/about`). Counts as a URL only beside a column name that says so.
 *
 * @example
 * hasUrlLayout('example.com/about'); // true
 * hasUrlLayout('about'); // false
 */
export function hasUrlLayout(value: string): boolean {
  if (value.length < 4 || value.length > 2_048 || value.includes(' ')) return false;
  const slash = value.indexOf('/');
  return isDomainName(slash < 0 ? value : value.slice(0, slash));
}
