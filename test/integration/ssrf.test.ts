import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { createNetworkGuard, type HostResolver } from '../../infra/network-policy.js';
import { AddressPolicyConfigError } from '../../core/network/address-policy.js';
import { ScannerError, type NetworkGuard } from '../../scanners/sdk/contract.js';

// Security regression suite for server-side request forgery through scanner connections.

/** A resolver that answers every name with fixed addresses, and counts its calls. */
function fixedResolver(...addresses: string[]): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (host: string): Promise<LookupAddress[]> => {
    calls.push(host);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { calls });
}

async function refusal(promise: Promise<unknown>): Promise<ScannerError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, 'expected the network policy to refuse').toBeInstanceOf(ScannerError);
  expect((error as ScannerError).kind).toBe('network-policy');
  return error as ScannerError;
}

function lookupOnce(
  guard: NetworkGuard,
  host: string,
  options: Record<string, unknown>,
): Promise<{ address: unknown; family: unknown }> {
  return new Promise((resolve, reject) => {
    guard.lookup(host, options, (error, address, family) =>
      error ? reject(error) : resolve({ address, family }),
    );
  });
}

// A literal must never go to DNS: answering every name with loopback makes a literal that
// slipped through as a "name" pass, and fail these tests.
const defaults = () =>
  createNetworkGuard({ allowCidrs: [], denyCidrs: [], resolver: fixedResolver('127.0.0.1') });

describe('always-forbidden addresses', () => {
  // Rule → hosts (whitespace-separated) that it must refuse, in every spelling we know.
  const byRule: Record<string, string> = {
    '169.254.0.0/16': `169.254.169.254 169.254.0.1 2852039166 0xA9FEA9FE 0xa9fea9fe
      0251.0376.0251.0376 169.254.43518 169.16689662 0xa9.0xfe.0xa9.0xfe 169.254.169.254.
      [::ffff:a9fe:a9fe] ::ffff:169.254.169.254 [0:0:0:0:0:ffff:169.254.169.254]
      64:ff9b::a9fe:a9fe [64:ff9b::169.254.169.254] ::169.254.169.254`,
    'fe80::/10': 'fe80::1 [fe80::a9fe:a9fe%eth0] FEBF:FFFF::1',
    'fd00:ec2::254/128': 'fd00:ec2::254 [fd00:0ec2:0000::0254]',
    '100.100.100.200/32': '100.100.100.200 ::ffff:100.100.100.200',
    '0.0.0.0/8': '0.0.0.0 0 0x0 0x ::ffff:0.0.0.0',
    '::/128': ':: [::]',
    '224.0.0.0/4': '224.0.0.1 239.255.255.250',
    'ff00::/8': 'ff02::1',
    '255.255.255.255/32': '255.255.255.255 4294967295',
  };
  const forbidden = Object.entries(byRule).flatMap(([rule, hosts]) =>
    hosts.split(/\s+/).map((host) => [host, rule] as [string, string]),
  );

  it.each(forbidden)('refuses %s (%s) and names host, address and rule', async (host, rule) => {
    const guard = defaults();
    const error = await refusal(guard.resolve(host));
    expect(error.message).toContain(JSON.stringify(host));
    expect(error.message).toContain(`always refused ${rule}`);
    expect(error.retryable).toBe(false);
    await refusal(lookupOnce(guard, host, {}));
    await refusal(lookupOnce(guard, host, { all: true }));
  });

  it('stays refused when the allow list covers everything', async () => {
    const guard = createNetworkGuard({ allowCidrs: ['0.0.0.0/0', '::/0'], denyCidrs: [] });
    for (const [host] of forbidden) await refusal(guard.resolve(host));
  });

  it('refuses numeric hosts that are not addresses instead of resolving them', async () => {
    const resolver = fixedResolver('127.0.0.1');
    const guard = createNetworkGuard({ allowCidrs: [], denyCidrs: [], resolver });
    for (const host of ['1.2.3.256', '256.1.1.1', '4294967296', '1.2.3.4.5', '09', 'foo.0x10']) {
      expect((await refusal(guard.resolve(host))).message).toContain('numeric host');
    }
    for (const host of ['[::1', '::1]', '127.0.0.1 evil.com', 'db\u0000.internal', 'a..b', '']) {
      await refusal(guard.resolve(host));
    }
    expect(resolver.calls).toEqual([]);
  });
});

describe('defaults: loopback and private ranges are allowed', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1', 4],
    ['0x7f000001', '127.0.0.1', 4],
    ['2130706433', '127.0.0.1', 4],
    ['127.1', '127.0.0.1', 4],
    ['10.1.2.3', '10.1.2.3', 4],
    ['192.168.0.10', '192.168.0.10', 4],
    ['::1', '::1', 6],
    ['[::1]', '::1', 6],
    ['fd12::5', 'fd12::5', 6],
    ['::ffff:127.0.0.1', '::ffff:7f00:1', 6],
  ] as const)('%s → %s', async (host, address, family) => {
    expect(await defaults().resolve(host)).toEqual({ address, family });
  });
});

describe('allow and deny lists', () => {
  it('refuses denied blocks, also behind IPv4-mapped and NAT64 spellings', async () => {
    const guard = createNetworkGuard({ allowCidrs: [], denyCidrs: ['10.0.0.0/8', 'fd00::/8'] });
    for (const host of ['10.0.0.1', '012.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1', 'fd00::1']) {
      expect((await refusal(guard.resolve(host))).message).toMatch(
        /deny list (10\.0\.0\.0\/8|fd00::\/8)/,
      );
    }
    expect(await guard.resolve('192.168.1.1')).toEqual({ address: '192.168.1.1', family: 4 });
  });

  it('refuses everything outside a non-empty allow list, IPv6 included', async () => {
    const guard = createNetworkGuard({ allowCidrs: ['10.20.0.0/16'], denyCidrs: [] });
    expect(await guard.resolve('10.20.1.2')).toEqual({ address: '10.20.1.2', family: 4 });
    expect(await guard.resolve('::ffff:10.20.1.2')).toMatchObject({ family: 6 });
    for (const host of ['10.21.0.1', '127.0.0.1', '::1', 'fd00::1']) {
      const error = await refusal(guard.resolve(host));
      expect(error.message).toContain('outside the allow list 10.20.0.0/16');
    }
  });

  it('lets deny win over allow', async () => {
    const guard = createNetworkGuard({ allowCidrs: ['10.0.0.0/8'], denyCidrs: ['10.9.0.0/16'] });
    expect(await guard.resolve('10.8.0.1')).toMatchObject({ address: '10.8.0.1' });
    expect((await refusal(guard.resolve('10.9.0.1'))).message).toContain('deny list 10.9.0.0/16');
  });

  it('reports every malformed list entry at once', () => {
    const create = () =>
      createNetworkGuard({ allowCidrs: ['10.0.0.0/33', 'db.internal'], denyCidrs: ['0x0a.0/8'] });
    expect(create).toThrow(AddressPolicyConfigError);
    expect(create).toThrow(/10\.0\.0\.0\/33.*db\.internal.*0x0a\.0\/8/);
  });
});

describe('names are checked after DNS resolution', () => {
  it('refuses a name that resolves to a forbidden address', async () => {
    const guard = createNetworkGuard({
      allowCidrs: [],
      denyCidrs: [],
      resolver: fixedResolver('169.254.169.254'),
    });
    const error = await refusal(guard.resolve('metadata.attacker.example'));
    expect(error.message).toContain('"metadata.attacker.example"');
    expect(error.message).toContain('169.254.169.254 (always refused 169.254.0.0/16');
  });

  it('refuses forbidden answers in IPv6 spellings and answers that are no address', async () => {
    for (const answer of ['::ffff:169.254.169.254', 'fe80::1', '0xa9fea9fe', 'garbage']) {
      const resolver = fixedResolver(answer);
      const guard = createNetworkGuard({ allowCidrs: [], denyCidrs: [], resolver });
      await refusal(guard.resolve('db.example'));
    }
  });

  it('returns the first allowed address and lookup returns only allowed ones', async () => {
    const resolver = fixedResolver('169.254.169.254', '10.0.0.5', 'fe80::1', 'fd00::5');
    const guard = createNetworkGuard({ allowCidrs: [], denyCidrs: [], resolver });
    expect(await guard.resolve('db.example')).toEqual({ address: '10.0.0.5', family: 4 });
    expect(await lookupOnce(guard, 'db.example', { all: true })).toEqual({
      address: [
        { address: '10.0.0.5', family: 4 },
        { address: 'fd00::5', family: 6 },
      ],
      family: undefined,
    });
    expect(await lookupOnce(guard, 'db.example', { family: 6 })).toEqual({
      address: 'fd00::5',
      family: 6,
    });
  });

  it('supports every call shape Node uses for lookup', async () => {
    const guard = createNetworkGuard({
      allowCidrs: [],
      denyCidrs: [],
      resolver: fixedResolver('10.0.0.5', 'fd00::5'),
    });
    const lookup = guard.lookup as unknown as (...args: unknown[]) => void;
    const call = (...args: unknown[]) =>
      new Promise<unknown[]>((resolve) =>
        lookup('db.example', ...args, (...r: unknown[]) => resolve(r)),
      );
    expect(await call()).toEqual([null, '10.0.0.5', 4]);
    expect(await call(6)).toEqual([null, 'fd00::5', 6]);
    expect(await call({ family: 'IPv6', all: true })).toEqual([
      null,
      [{ address: 'fd00::5', family: 6 }],
    ]);
  });

  it('reports a name that does not resolve as a retryable network error', async () => {
    const guard = createNetworkGuard({
      allowCidrs: [],
      denyCidrs: [],
      resolver: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    const error = await guard.resolve('nowhere.invalid').catch((reason: unknown) => reason);
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect((error as Error).message).toContain('ENOTFOUND');
  });

  it('uses the system resolver by default (localhost from /etc/hosts)', async () => {
    const guard = createNetworkGuard({ allowCidrs: [], denyCidrs: [] });
    const { address } = await guard.resolve('localhost');
    expect(['127.0.0.1', '::1']).toContain(address);
    const denied = createNetworkGuard({ allowCidrs: [], denyCidrs: ['127.0.0.0/8', '::1/128'] });
    expect((await refusal(denied.resolve('localhost'))).message).toContain('"localhost"');
  });
});

describe('lookup protects real connections', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function get(guard: NetworkGuard, host: string): Promise<string> {
    const agent = new http.Agent({ lookup: guard.lookup });
    return new Promise<string>((resolve, reject) => {
      http
        .get({ host, port, path: '/', agent, family: 4 }, (response) => {
          response.setEncoding('utf8');
          let body = '';
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve(body));
        })
        .on('error', reject);
    }).finally(() => agent.destroy());
  }

  it('connects through an http.Agent when the policy allows the address', async () => {
    const guard = createNetworkGuard({ allowCidrs: [], denyCidrs: [] });
    expect(await get(guard, 'localhost')).toBe('ok');
    // Not a URL, so nothing normalised the literal before the guard's lookup did.
    expect(await get(guard, '0x7f000001')).toBe('ok');
  });

  it('fails with the policy error when 127.0.0.0/8 is denied', async () => {
    const guard = createNetworkGuard({ allowCidrs: [], denyCidrs: ['127.0.0.0/8'] });
    const error = await refusal(get(guard, 'localhost'));
    expect(error.message).toContain('deny list 127.0.0.0/8');
    await refusal(get(guard, '0x7f000001'));
  });

  it('checks the answer the connection uses, not an earlier one (DNS rebinding)', async () => {
    let answers = 0;
    const rebinding: HostResolver = async () => [
      { address: answers++ === 0 ? '127.0.0.1' : '169.254.169.254', family: 4 },
    ];
    const guard = createNetworkGuard({ allowCidrs: [], denyCidrs: [], resolver: rebinding });
    expect(await guard.resolve('rebind.example')).toEqual({ address: '127.0.0.1', family: 4 });
    await refusal(get(guard, 'rebind.example'));
  });

  it('protects net.connect with the single-address callback shape', async () => {
    const connect = (guard: NetworkGuard) =>
      new Promise<void>((resolve, reject) => {
        const socket = net.connect({
          host: 'localhost',
          port,
          lookup: guard.lookup,
          autoSelectFamily: false,
          family: 4,
        });
        socket.on('connect', () => socket.end(resolve)).on('error', reject);
      });
    await connect(createNetworkGuard({ allowCidrs: [], denyCidrs: [] }));
    await refusal(connect(createNetworkGuard({ allowCidrs: ['10.0.0.0/8'], denyCidrs: [] })));
  });
});

/** Renders one IPv4 part (or trailing group) in decimal, octal or hexadecimal. */
const part = (value: number) =>
  fc.constantFrom('dec', 'oct', 'hex', 'HEX').map((radix) => {
    if (radix === 'oct') return `0${value.toString(8)}`;
    if (radix === 'dec') return String(value);
    const hex = `0x${value.toString(16)}`;
    return radix === 'HEX' ? hex.toUpperCase() : hex;
  });

/** Every spelling of an IPv4 address a URL parser or inet_aton accepts, and IPv6 wrappings. */
const ipv4Spelling = (value: number) => {
  const [a, b, c, d] = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
  const hex = (n: number) => n.toString(16);
  const v4 = `${a}.${b}.${c}.${d}`;
  const literal = fc.oneof(
    fc.tuple(part(a), part(b), part(c), part(d)).map((p) => p.join('.')),
    fc.tuple(part(a), part(b), part((c << 8) | d)).map((p) => p.join('.')),
    fc.tuple(part(a), part(value & 0xffffff)).map((p) => p.join('.')),
    part(value),
  );
  const wrapped = fc.constantFrom(
    `::ffff:${v4}`,
    `::ffff:${hex(value >>> 16)}:${hex(value & 0xffff)}`,
    `0:0:0:0:0:FFFF:${v4}`,
    `0000:0000:0000:0000:0000:ffff:${hex(value >>> 16).padStart(4, '0')}:${hex(value & 0xffff)}`,
    `64:ff9b::${v4}`,
    `64:ff9b::${hex(value >>> 16)}:${hex(value & 0xffff)}`,
  );
  return fc.tuple(fc.oneof(literal, wrapped), fc.boolean()).map(([text, decorate]) => {
    if (!decorate) return text;
    return text.includes(':') ? `[${text}]` : `${text}.`;
  });
};

const linkLocalV6 = fc
  .tuple(
    fc.integer({ min: 0xfe80, max: 0xfebf }),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }),
  )
  .chain(([first, rest]) => {
    const address = new ipaddr.IPv6([first, ...rest]);
    return fc
      .tuple(
        fc.constantFrom(
          address.toRFC5952String(),
          address.toNormalizedString(),
          [first, ...rest].map((n) => n.toString(16).padStart(4, '0')).join(':'),
        ),
        fc.constantFrom('', '%eth0', '%1'),
        fc.boolean(),
        fc.boolean(),
      )
      .map(([text, zone, upper, bracket]) => {
        const cased = upper ? text.toUpperCase() : text;
        return bracket ? `[${cased}${zone}]` : `${cased}${zone}`;
      });
  });

describe('property: link-local in any spelling is always refused', () => {
  const guard = createNetworkGuard({
    allowCidrs: ['0.0.0.0/0', '::/0'],
    denyCidrs: [],
    resolver: fixedResolver('127.0.0.1'),
  });

  it('169.254.0.0/16', async () => {
    const addresses = fc.integer({ min: 0xa9fe0000, max: 0xa9feffff }).chain(ipv4Spelling);
    await fc.assert(
      fc.asyncProperty(addresses, async (host) => {
        await refusal(guard.resolve(host));
        await refusal(lookupOnce(guard, host, { all: true }));
      }),
      { numRuns: 500 },
    );
  });

  it('fe80::/10', async () => {
    await fc.assert(
      fc.asyncProperty(linkLocalV6, async (host) => {
        await refusal(guard.resolve(host));
        await refusal(lookupOnce(guard, host, { all: true }));
      }),
      { numRuns: 500 },
    );
  });
});
