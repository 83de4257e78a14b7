import ipaddr from 'ipaddr.js';

/**
 * An IPv4 or IPv6 address as parsed by `ipaddr.js`.
 *
 * @example
 * const address: IpAddress = ipaddr.parse('10.0.0.1');
 */
export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * What a host string turned out to be: an address literal, a DNS name, or neither.
 *
 * @example
 * const parsed: ParsedHost = parseHost('db.internal'); // { kind: 'name', name: 'db.internal' }
 */
export type ParsedHost =
  | { kind: 'ip'; address: IpAddress }
  | { kind: 'name'; name: string }
  | { kind: 'invalid'; reason: string };

// RFC 1035 sizes. Underscores are tolerated because internal zones use them (`_db.corp`).
const MAX_NAME_LENGTH = 253;
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Classifies a host the way the WHATWG URL parser does. Every numeric spelling that a URL
 * parser or the C library's `inet_aton` would turn into an IPv4 address (`2852039166`,
 * `0xA9FEA9FE`, `0251.0376.0251.0376`, `169.254.43518`, a trailing dot) is normalised to that
 * address rather than refused, so that the policy judges the address a connection would
 * really reach and a plugin receives a canonical literal it can connect to. Numeric-looking
 * hosts that are not valid addresses (`1.2.3.256`, `foo.0x1`) and names with characters
 * outside letters, digits, `-`, `_` and `.` are `invalid`: they have no safe reading.
 *
 * @example
 * parseHost('0xA9FEA9FE'); // { kind: 'ip', address: 169.254.169.254 }
 * parseHost('[::ffff:a9fe:a9fe]'); // { kind: 'ip', address: ::ffff:a9fe:a9fe }
 * parseHost('db.internal'); // { kind: 'name', name: 'db.internal' }
 */
export function parseHost(host: string): ParsedHost {
  const lower = host.toLowerCase();
  if (lower.startsWith('[') || lower.endsWith(']')) {
    const inner = /^\[([^[\]]*)\]$/.exec(lower)?.[1];
    return inner === undefined ? invalid('unbalanced brackets') : parseIpv6(inner);
  }
  if (lower.includes(':')) return parseIpv6(lower);
  if (endsInANumber(lower)) {
    const value = parseWhatwgIpv4(lower);
    return value === undefined
      ? invalid('a numeric host that is not a valid IPv4 address')
      : { kind: 'ip', address: ipv4FromNumber(value) };
  }
  return validName(lower) ? { kind: 'name', name: lower } : invalid('not a valid host name');
}

/**
 * Parses an address string exactly as given by a resolver: canonical dotted-quad IPv4 or any
 * IPv6 text form (with an optional zone). Anything else is undefined.
 *
 * @example
 * parseAddress('::ffff:169.254.169.254')?.toString(); // '::ffff:a9fe:a9fe'
 */
export function parseAddress(text: string): IpAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  const parsed = parseIpv6(text.toLowerCase());
  return parsed.kind === 'ip' ? parsed.address : undefined;
}

function invalid(reason: string): ParsedHost {
  return { kind: 'invalid', reason };
}

function parseIpv6(text: string): ParsedHost {
  // ipaddr.js accepts a zone (`fe80::1%eth0`); the zone picks an interface, not a range.
  if (!ipaddr.IPv6.isValid(text)) return invalid('not a valid IPv6 address');
  return { kind: 'ip', address: ipaddr.IPv6.parse(text) };
}

function validName(name: string): boolean {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare.length === 0 || bare.length > MAX_NAME_LENGTH) return false;
  return bare.split('.').every((label) => LABEL.test(label));
}

function ipv4FromNumber(value: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
}

/** WHATWG URL "ends in a number": decides whether a host is read as IPv4 at all. */
function endsInANumber(host: string): boolean {
  const parts = host.split('.');
  if (parts.at(-1) === '' && parts.length > 1) parts.pop();
  const last = parts.at(-1) ?? '';
  if (/^[0-9]+$/.test(last)) return true;
  return parseIpv4Number(last) !== undefined;
}

/** WHATWG URL IPv4 parser: one to four parts, the last one filling the remaining bytes. */
function parseWhatwgIpv4(host: string): number | undefined {
  const parts = host.split('.');
  if (parts.at(-1) === '' && parts.length > 1) parts.pop();
  if (parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const value = parseIpv4Number(part);
    if (value === undefined) return undefined;
    numbers.push(value);
  }
  const last = numbers.pop() ?? 0;
  if (numbers.some((value) => value > 255)) return undefined;
  if (last >= 256 ** (4 - numbers.length)) return undefined;
  return numbers.reduce((sum, value, index) => sum + value * 256 ** (3 - index), last);
}

/** One part: `0x` prefix is hexadecimal, a leading `0` octal, otherwise decimal. */
function parseIpv4Number(part: string): number | undefined {
  if (part === '') return undefined;
  let digits = part;
  let radix = 10;
  if (/^0x/.test(digits)) {
    digits = digits.slice(2);
    radix = 16;
  } else if (digits.length > 1 && digits.startsWith('0')) {
    digits = digits.slice(1);
    radix = 8;
  }
  if (digits === '') return 0;
  const pattern = radix === 16 ? /^[0-9a-f]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!pattern.test(digits)) return undefined;
  // Huge values lose precision here but stay far above 2^32, so the range checks refuse them.
  return parseInt(digits, radix);
}
