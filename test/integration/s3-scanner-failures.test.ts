import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetworkGuard } from '../../infra/network-policy.js';
import { createObjectStore } from '../../infra/object-store.js';
import type { NetworkGuard, ScannerContext } from '../../scanners/sdk/contract.js';
import { openS3Access } from '../../scanners/s3/s3-access.js';
import { s3ConfigSchema } from '../../scanners/s3/s3-config.js';
import { s3Scanner } from '../../scanners/s3/s3-scanner.js';
import { freePort } from '../helpers/free-port.js';
import { removeBucket, uploadAll } from '../helpers/s3-fixtures.js';
import { testConfig } from '../helpers/test-config.js';

const config = testConfig();
const admin = createObjectStore(config.s3);
const bucket = `s3fail-${randomBytes(4).toString('hex')}`;
const openGuard = createNetworkGuard({ allowCidrs: [], denyCidrs: [] });

type Failure = Error & { kind: string; retryable: boolean };

const context = (
  network: NetworkGuard = openGuard,
  signal = new AbortController().signal,
): ScannerContext => ({
  network,
  signal,
  log: () => undefined,
});

const settings = (overrides: Record<string, unknown> = {}) =>
  s3ConfigSchema.parse({
    endpoint: config.s3.endpoint,
    region: config.s3.region,
    bucket,
    accessKey: config.s3.accessKey,
    secretKey: config.s3.secretKey,
    ...overrides,
  });

/** What `connect` then `check` threw for these settings. */
async function failureOf(
  overrides: Record<string, unknown>,
  network = openGuard,
): Promise<Failure> {
  try {
    const connection = await s3Scanner.connect(settings(overrides), context(network));
    try {
      await connection.check();
    } finally {
      await connection.close();
    }
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected the check to fail');
}

beforeAll(async () => {
  await admin.makeBucket(bucket, config.s3.region);
  await uploadAll(admin, bucket, {
    'a/one.csv': Buffer.from('id\n1\n'),
    'b/two.csv': Buffer.from('id\n2\n'),
  });
});

afterAll(() => removeBucket(admin, bucket));

describe('s3 scanner failures', () => {
  it('reports a wrong secret key as authentication, never retried, without the secret', async () => {
    const secretKey = `wrong-${randomBytes(12).toString('hex')}`;
    const failure = await failureOf({ secretKey });
    expect(failure).toMatchObject({
      name: 'ScannerError',
      kind: 'authentication',
      retryable: false,
    });
    expect(failure.message).toMatch(/SignatureDoesNotMatch/);
    expect(failure.message).not.toContain(secretKey);
    expect(await failureOf({ accessKey: 'nobody-at-all' })).toMatchObject({
      kind: 'authentication',
      message: expect.stringMatching(/InvalidAccessKeyId/),
    });
  });

  it('reports a missing bucket as configuration', async () => {
    const missing = `missing-${randomBytes(4).toString('hex')}`;
    expect(await failureOf({ bucket: missing })).toMatchObject({
      kind: 'configuration',
      retryable: false,
      message: `bucket "${missing}" does not exist at S3 endpoint ${new URL(config.s3.endpoint).host}`,
    });
  });

  it('reports an endpoint where nothing listens as network, worth retrying', async () => {
    const failure = await failureOf({ endpoint: `http://127.0.0.1:${await freePort()}` });
    expect(failure).toMatchObject({ kind: 'network', retryable: true });
    expect(failure.message).toMatch(/ECONNREFUSED/);
  });

  it('cuts a server that accepts and then stays silent, as network', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const s3 = await openS3Access(settings({ endpoint: `http://127.0.0.1:${port}` }), context(), {
        idleTimeoutMs: 300,
      });
      const failure = (await s3.listPage('', undefined).then(
        () => undefined,
        (error: unknown) => error,
      )) as Failure;
      s3.close();
      expect(failure).toMatchObject({ kind: 'network', retryable: true });
      expect(failure.message).toMatch(/stopped answering/);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  it('connects only where the network policy allows, by address or by name', async () => {
    const strict = createNetworkGuard({ allowCidrs: [], denyCidrs: ['127.0.0.0/8', '::1/128'] });
    expect(await failureOf({}, strict)).toMatchObject({ kind: 'network-policy', retryable: false });
    const byName = config.s3.endpoint.replace('127.0.0.1', 'localhost');
    expect(await failureOf({ endpoint: byName }, strict)).toMatchObject({ kind: 'network-policy' });
  });

  it('checks every connection through the guard, not only the first', async () => {
    let lookups = 0;
    const counting: NetworkGuard = {
      resolve: (host) => openGuard.resolve(host),
      lookup: ((...args: Parameters<NetworkGuard['lookup']>) => {
        lookups++;
        return (openGuard.lookup as (...inner: unknown[]) => void)(...args);
      }) as NetworkGuard['lookup'],
    };
    const endpoint = config.s3.endpoint.replace('127.0.0.1', 'localhost');
    const connection = await s3Scanner.connect(settings({ endpoint }), context(counting));
    const items = [];
    for await (const item of connection.discover()) items.push(item);
    await connection.close();
    expect(items.map((item) => item.name)).toEqual([bucket, 'a', 'one.csv', 'b', 'two.csv']);
    expect(lookups).toBeGreaterThan(0);
  });

  it('stops discovering when the scan is cancelled', async () => {
    const controller = new AbortController();
    const connection = await s3Scanner.connect(settings(), context(openGuard, controller.signal));
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const item of connection.discover()) {
        seen.push(item.fqn);
        controller.abort(new Error('scan cancelled'));
      }
    })().catch((error: unknown) => error as Error);
    await connection.close();
    expect(seen).toEqual([bucket]);
    expect(failure).toMatchObject({ message: 'scan cancelled' });
  });
});
