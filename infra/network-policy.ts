import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import {
  compileAddressPolicy,
  type AddressPolicyOptions,
  type AddressVerdict,
} from '../core/network/address-policy.js';
import { parseAddress, parseHost, type IpAddress } from '../core/network/host-literal.js';
import { ScannerError, type NetworkGuard } from '../scanners/sdk/contract.js';

/**
 * Resolves a DNS name to every address it has; the default uses the system resolver.
 *
 * @example
 * const resolver: HostResolver = async () => [{ address: '10.0.0.5', family: 4 }];
 */
export type HostResolver = (host: string) => Promise<readonly LookupAddress[]>;

/**
 * The policy lists (from `config.scan`) and, optionally, the resolver.
 *
 * @example
 * const options: NetworkGuardOptions = { allowCidrs: [], denyCidrs: ['127.0.0.0/8'] };
 */
export interface NetworkGuardOptions extends AddressPolicyOptions {
  /** Replaces `dns.promises.lookup(host, { all: true })`, e.g. in tests. */
  resolver?: HostResolver;
}

type Family = 0 | 4 | 6;
type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address?: string | LookupAddress[],
  family?: number,
) => void;

const systemResolver: HostResolver = (host) => dns.lookup(host, { all: true });

// Refusal messages list a few addresses; a name with hundreds of records stays one line.
const MAX_LISTED = 5;

/**
 * The scanners' only way onto the network. Every host, whether a name or an IP literal in any
 * spelling, is turned into concrete addresses that are each checked against the policy:
 * cloud metadata, link-local, unspecified, multicast and broadcast addresses are always
 * refused (also when wrapped as IPv4-mapped or NAT64 IPv6), then `denyCidrs`, then
 * `allowCidrs` when it is non-empty. Deny wins over allow.
 *
 * Loopback and private ranges are allowed by default: the demo data source listens on
 * 127.0.0.1 and most databases worth scanning sit on private networks. Deployments where
 * users must not reach the platform's own hosts deny them with `SCANNER_DENY_CIDRS` (e.g.
 * `127.0.0.0/8,::1/128,10.0.0.0/8`) or narrow `SCANNER_ALLOW_CIDRS`.
 *
 * `lookup` answers with checked addresses only, so a client given it (`http.Agent`,
 * `net.connect`, drivers) connects to exactly what passed, and a DNS answer that changes
 * between a check and the connection (rebinding) is checked again. Node skips `lookup` for a
 * host that already is a canonical IP literal, so plugins connect to what `resolve`
 * returned, or to hosts the engine has already passed through `resolve`.
 *
 * @example
 * const guard = createNetworkGuard({ allowCidrs: [], denyCidrs: config.scan.denyCidrs });
 * const { address } = await guard.resolve('db.internal'); // or a ScannerError 'network-policy'
 * const agent = new http.Agent({ lookup: guard.lookup });
 */
export function createNetworkGuard(options: NetworkGuardOptions): NetworkGuard {
  const policy = compileAddressPolicy(options);
  const resolver = options.resolver ?? systemResolver;

  async function allowed(host: string, family: Family): Promise<LookupAddress[]> {
    const shown = quote(host);
    const candidates = (await candidatesOf(host, shown, resolver)).filter(
      (candidate) => family === 0 || family === familyOf(candidate),
    );
    if (candidates.length === 0) {
      throw new ScannerError('network', `host ${shown} has no IPv${family} address`);
    }
    const verdicts = candidates.map((candidate) =>
      candidate === undefined ? notAnAddress : policy.check(candidate),
    );
    const passed = verdicts.flatMap((verdict) =>
      verdict.allowed ? [{ address: verdict.address, family: verdict.family }] : [],
    );
    if (passed.length > 0) return passed;
    throw new ScannerError('network-policy', refusal(shown, verdicts));
  }

  const lookup = (hostname: string, second: unknown, third?: unknown): void => {
    const callback = (typeof second === 'function' ? second : third) as LookupCallback;
    const options = lookupOptions(second);
    allowed(hostname, options.family).then(
      // Callbacks run outside the promise so that an exception they throw is not swallowed.
      (list) =>
        process.nextTick(() =>
          options.all ? callback(null, list) : callback(null, list[0]!.address, list[0]!.family),
        ),
      (error: unknown) => process.nextTick(() => callback(error as NodeJS.ErrnoException)),
    );
  };

  return {
    async resolve(host) {
      const [first] = await allowed(host, 0);
      return { address: first!.address, family: first!.family === 4 ? 4 : 6 };
    },
    lookup: lookup as LookupFunction,
  };
}

const notAnAddress: AddressVerdict = {
  allowed: false,
  address: '(unparseable resolver answer)',
  rule: 'not an IP address',
};

/** The addresses to judge; undefined stands for a resolver answer that is no address. */
async function candidatesOf(
  host: string,
  shown: string,
  resolver: HostResolver,
): Promise<(IpAddress | undefined)[]> {
  const parsed = parseHost(host);
  if (parsed.kind === 'invalid') {
    throw new ScannerError('network-policy', `host ${shown} refused: ${parsed.reason}`);
  }
  if (parsed.kind === 'ip') return [parsed.address];
  let answers: readonly LookupAddress[];
  try {
    answers = await resolver(parsed.name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'lookup failed';
    throw new ScannerError('network', `could not resolve host ${shown} (${code})`, {
      cause: error,
    });
  }
  if (answers.length === 0) {
    throw new ScannerError('network', `could not resolve host ${shown} (no addresses)`);
  }
  return answers.map((answer) => parseAddress(String(answer.address)));
}

function familyOf(address: IpAddress | undefined): Family {
  if (address === undefined) return 0;
  return address.kind() === 'ipv4' ? 4 : 6;
}

/** Node calls `lookup(host, cb)`, `lookup(host, family, cb)` or `lookup(host, options, cb)`. */
function lookupOptions(second: unknown): { family: Family; all: boolean } {
  if (typeof second === 'number') return { family: toFamily(second), all: false };
  if (typeof second !== 'object' || second === null) return { family: 0, all: false };
  const { family, all } = second as { family?: unknown; all?: unknown };
  return { family: toFamily(family), all: all === true };
}

function toFamily(value: unknown): Family {
  if (value === 4 || value === 'IPv4') return 4;
  if (value === 6 || value === 'IPv6') return 6;
  return 0;
}

function refusal(shown: string, verdicts: readonly AddressVerdict[]): string {
  const reasons = verdicts
    .slice(0, MAX_LISTED)
    .map((verdict) => (verdict.allowed ? verdict.address : `${verdict.address} (${verdict.rule})`));
  const more = verdicts.length > MAX_LISTED ? `; and ${verdicts.length - MAX_LISTED} more` : '';
  return `connection to ${shown} refused by the network policy: ${reasons.join('; ')}${more}`;
}

/** Quotes a host for a message; JSON escaping keeps control characters out of log lines. */
function quote(host: string): string {
  return JSON.stringify(host.length > 100 ? `${host.slice(0, 100)}…` : host);
}
