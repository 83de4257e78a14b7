import ipaddr from 'ipaddr.js';
import { parseAddress, type IpAddress } from './host-literal.js';

/** A CIDR block with the reason it is in a list, used in refusal messages. */
interface Block {
  range: [IpAddress, number];
  label: string;
}

/**
 * Ranges no scanner may ever reach, whatever the configuration: the cloud metadata services
 * (which hand out credentials), link-local, and addresses that are not a single host.
 * Loopback (127.0.0.0/8, ::1) and the private ranges (10/8, 172.16/12, 192.168/16, fc00::/7)
 * are deliberately not here: the demo source and most on-premises databases live there.
 * Operators who need them closed add them to `SCANNER_DENY_CIDRS`.
 *
 * @example
 * ALWAYS_FORBIDDEN.map(({ cidr }) => cidr); // ['0.0.0.0/8', '169.254.0.0/16', …]
 */
export const ALWAYS_FORBIDDEN: readonly { cidr: string; reason: string }[] = [
  { cidr: '0.0.0.0/8', reason: 'unspecified "this network" (0.0.0.0 reaches the local host)' },
  { cidr: '169.254.0.0/16', reason: 'IPv4 link-local, incl. cloud metadata 169.254.169.254' },
  { cidr: '100.100.100.200/32', reason: 'Alibaba Cloud metadata' },
  { cidr: '224.0.0.0/4', reason: 'IPv4 multicast' },
  { cidr: '255.255.255.255/32', reason: 'IPv4 broadcast' },
  { cidr: '::/128', reason: 'IPv6 unspecified' },
  { cidr: 'fe80::/10', reason: 'IPv6 link-local' },
  { cidr: 'fd00:ec2::254/128', reason: 'AWS IPv6 metadata' },
  { cidr: 'ff00::/8', reason: 'IPv6 multicast' },
];

/**
 * IPv6 ranges that carry an IPv4 address in their last 32 bits (or bits 16-48 for 6to4).
 * A connection there may end at that IPv4 host, so the IPv4 address is judged as well.
 */
const EMBEDDING: readonly { range: [IpAddress, number]; offset: number }[] = [
  { range: ipaddr.parseCIDR('::ffff:0:0/96'), offset: 12 }, // IPv4-mapped
  { range: ipaddr.parseCIDR('::/96'), offset: 12 }, // IPv4-compatible (deprecated)
  { range: ipaddr.parseCIDR('::ffff:0:0:0/96'), offset: 12 }, // IPv4-translated (RFC 6145)
  { range: ipaddr.parseCIDR('64:ff9b::/96'), offset: 12 }, // NAT64 well-known prefix
  { range: ipaddr.parseCIDR('64:ff9b:1::/48'), offset: 12 }, // NAT64 local use (RFC 8215)
  { range: ipaddr.parseCIDR('2002::/16'), offset: 2 }, // 6to4
];

const FORBIDDEN_BLOCKS: readonly Block[] = ALWAYS_FORBIDDEN.map(({ cidr, reason }) => ({
  range: ipaddr.parseCIDR(cidr),
  label: `always refused ${cidr}: ${reason}`,
}));

/**
 * The policy's answer for one address; `rule` says which rule refused it.
 *
 * @example
 * const verdict: AddressVerdict = { allowed: false, address: '10.0.0.1', rule: 'deny list 10.0.0.0/8' };
 */
export type AddressVerdict =
  | { allowed: true; address: string; family: 4 | 6 }
  | { allowed: false; address: string; rule: string };

/**
 * Scanners' network policy, compiled once from the configuration.
 *
 * @example
 * const verdict = policy.check(ipaddr.parse('10.0.0.1'));
 */
export interface AddressPolicy {
  check(address: IpAddress): AddressVerdict;
}

/**
 * The two lists from `config.scan`.
 *
 * @example
 * const options: AddressPolicyOptions = { allowCidrs: ['10.0.0.0/8'], denyCidrs: [] };
 */
export interface AddressPolicyOptions {
  /** When non-empty, only addresses inside one of these blocks are allowed. */
  allowCidrs: readonly string[];
  /** Never allowed; wins over `allowCidrs`. */
  denyCidrs: readonly string[];
}

/**
 * A list entry that is not a CIDR block; lists every bad entry at once.
 *
 * @example
 * compileAddressPolicy({ allowCidrs: ['10.0.0.0/33'], denyCidrs: [] }); // throws, naming it
 */
export class AddressPolicyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid network policy: ${problems.join('; ')}`);
    this.name = 'AddressPolicyConfigError';
  }
}

/**
 * Compiles the allow and deny lists. An address is refused when it, or the IPv4 address it
 * embeds (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, ...), is always forbidden or in
 * `denyCidrs`, or when `allowCidrs` is non-empty and neither form is inside it: deny wins.
 *
 * @example
 * const policy = compileAddressPolicy({ allowCidrs: [], denyCidrs: ['10.0.0.0/8'] });
 * policy.check(ipaddr.parse('::ffff:169.254.169.254'));
 * // { allowed: false, address: '::ffff:a9fe:a9fe', rule: 'always refused 169.254.0.0/16: …' }
 */
export function compileAddressPolicy(options: AddressPolicyOptions): AddressPolicy {
  const problems: string[] = [];
  const allow = parseBlocks(options.allowCidrs, 'allow list', problems);
  const deny = parseBlocks(options.denyCidrs, 'deny list', problems);
  if (problems.length > 0) throw new AddressPolicyConfigError(problems);

  return {
    check(address) {
      const text = address.toString();
      const forms = [address, ...embeddedIpv4(address)];
      for (const form of forms) {
        const via = form === address ? '' : `embeds ${form.toString()}, `;
        const hit = firstMatch(form, FORBIDDEN_BLOCKS) ?? firstMatch(form, deny);
        if (hit) return { allowed: false, address: text, rule: `${via}${hit.label}` };
      }
      if (allow.length > 0 && !forms.some((form) => firstMatch(form, allow))) {
        const listed = allow.map((block) => block.label.replace('allow list ', '')).join(', ');
        return { allowed: false, address: text, rule: `outside the allow list ${listed}` };
      }
      return { allowed: true, address: text, family: address.kind() === 'ipv4' ? 4 : 6 };
    },
  };
}

/**
 * The IPv4 address an IPv6 address carries, if it is in a range that embeds one. The
 * loopback `::1` is not read as the IPv4-compatible `0.0.0.1`.
 *
 * @example
 * embeddedIpv4(ipaddr.parse('64:ff9b::a9fe:a9fe')); // [169.254.169.254]
 */
export function embeddedIpv4(address: IpAddress): ipaddr.IPv4[] {
  if (address.kind() !== 'ipv6') return [];
  const bytes = address.toByteArray();
  const range = address.range();
  if (range === 'loopback' || range === 'unspecified') return [];
  return EMBEDDING.filter(({ range: block }) => address.match(block)).map(
    ({ offset }) => new ipaddr.IPv4(bytes.slice(offset, offset + 4)),
  );
}

function firstMatch(address: IpAddress, blocks: readonly Block[]): Block | undefined {
  return blocks.find(
    ({ range }) => range[0].kind() === address.kind() && address.match(range[0], range[1]),
  );
}

function parseBlocks(entries: readonly string[], list: string, problems: string[]): Block[] {
  const blocks: Block[] = [];
  for (const entry of entries) {
    const block = parseCidr(entry.trim());
    if (block) blocks.push({ range: block, label: `${list} ${entry.trim()}` });
    else problems.push(`${list}: "${entry}" is not a CIDR block such as 10.0.0.0/8 or fd00::/8`);
  }
  return blocks;
}

/**
 * Config entries must be canonical: `10.0.0.0/8`, `fd00::/8`, or a bare address (one host).
 * A numeric trick in the configuration (`0x0a.0/8`) is refused rather than guessed at.
 */
function parseCidr(entry: string): [IpAddress, number] | undefined {
  const [, host, bits] = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry) ?? [];
  const address = host === undefined ? undefined : parseAddress(host);
  if (address === undefined) return undefined;
  const max = address.kind() === 'ipv4' ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  return prefix <= max ? [address, prefix] : undefined;
}
