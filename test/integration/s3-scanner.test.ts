import { randomBytes } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '../../infra/object-store.js';
import { createNetworkGuard } from '../../infra/network-policy.js';
import type { DatasetRef, ScannerConnection, ScannerContext } from '../../scanners/sdk/contract.js';
import { s3Scanner } from '../../scanners/s3/s3-scanner.js';
import { s3ConfigSchema } from '../../scanners/s3/s3-config.js';
import { expectedDiscovery } from '../helpers/s3-expected.js';
import {
  LARGE_KEY,
  ODD_KEY,
  SMALL_FILES,
  largeCsv,
  rowGroupsParquet,
  removeBucket,
  uploadAll,
} from '../helpers/s3-fixtures.js';
import { testConfig } from '../helpers/test-config.js';

const config = testConfig();
const admin = createObjectStore(config.s3);
const bucket = `s3scan-${randomBytes(4).toString('hex')}`;
const guard = createNetworkGuard({ allowCidrs: [], denyCidrs: [] });
const endpoint = new URL(config.s3.endpoint).host;

type Logged = { level: string; message: string } & Record<string, unknown>;

function context(logs: Logged[] = [], network = guard): ScannerContext {
  return {
    network,
    signal: new AbortController().signal,
    log: (level, message, fields) => logs.push({ level, message, ...fields }),
  };
}

const settings = (overrides: Record<string, unknown> = {}) =>
  s3ConfigSchema.parse({
    endpoint: config.s3.endpoint,
    region: config.s3.region,
    bucket,
    accessKey: config.s3.accessKey,
    secretKey: config.s3.secretKey,
    ...overrides,
  });

async function connected<T>(
  run: (connection: ScannerConnection) => Promise<T>,
  logs: Logged[] = [],
  overrides = {},
) {
  const connection = await s3Scanner.connect(settings(overrides), context(logs));
  try {
    return await run(connection);
  } finally {
    await connection.close();
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const ref = (
  key: string,
  datasetType: DatasetRef['datasetType'] = 'file',
  properties = {},
): DatasetRef => ({
  fqn: `${bucket}.${key}`,
  path: [bucket, key],
  datasetType,
  properties,
});

/** Bytes every TCP socket opened while `run` ran received: headers and bodies, measured by Node. */
async function bytesOnTheWire<T>(run: () => Promise<T>): Promise<{ result: T; bytes: number }> {
  const sockets: Socket[] = [];
  const onSocket = (message: unknown) => sockets.push((message as { socket: Socket }).socket);
  diagnostics.subscribe('net.client.socket', onSocket);
  try {
    const result = await run();
    return { result, bytes: sockets.reduce((sum, socket) => sum + socket.bytesRead, 0) };
  } finally {
    diagnostics.unsubscribe('net.client.socket', onSocket);
  }
}

let large: { body: Buffer; rows: number };

beforeAll(async () => {
  await admin.makeBucket(bucket, config.s3.region);
  large = largeCsv(50 * 1024 * 1024);
  await uploadAll(admin, bucket, { ...SMALL_FILES, [LARGE_KEY]: large.body });
});

afterAll(async () => {
  await removeBucket(admin, bucket);
});

describe('s3 scanner: check and discover', () => {
  it('checks that the bucket is there and readable', async () => {
    const result = await connected((connection) => connection.check());
    expect(result).toEqual({
      serverVersion: `S3 bucket ${bucket} at ${endpoint}`,
      details: { endpoint, bucket, region: 'us-east-1', empty: false },
    });
  });

  it('discovers containers, files and the partitioned file set, reporting the broken files', async () => {
    const logs: Logged[] = [];
    const items = await connected((connection) => collect(connection.discover()), logs);
    expect(items).toEqual(expectedDiscovery(bucket, endpoint));

    const largeItem = items.find((item) => item.fqn === `${bucket}."${LARGE_KEY}"`);
    const estimate = (largeItem as { rowEstimate: number }).rowEstimate;
    // Scaled from the head by bytes: the fixture's early rows are shorter (smaller ids).
    expect(Math.abs(estimate - large.rows) / large.rows).toBeLessThan(0.25);
    // Heads and footers only: the 50 MB file costs its first 64 KiB.
    const finished = logs.find((log) => log.message === 'S3 discovery finished')!;
    expect(finished).toMatchObject({ objects: 17, datasets: 11, skipped: 4 });
    console.info(`discovering 17 objects (${finished.ms} ms) read ${finished.bytesRead} bytes`);
    expect(finished.bytesRead).toBeLessThan(80 * 1024);
  });

  it('keeps to the prefix and the globs, and counts what they leave out', async () => {
    const overrides = { prefix: 'exports/', exclude: ['**/eu/*'] };
    const items = await connected((connection) => collect(connection.discover()), [], overrides);
    expect(items.map((item) => item.fqn)).toEqual([
      bucket,
      `${bucket}.exports`,
      `${bucket}."exports/customers.csv"`,
    ]);
    expect(items[0]!.properties).toMatchObject({
      prefix: 'exports/',
      objectCount: 2,
      skipped: { excluded: 1 },
    });
  });
});

describe('s3 scanner: sampling', () => {
  const sample = (dataset: DatasetRef, rows: number, columns?: string[]) =>
    connected((connection) =>
      collect(connection.sample(dataset, { rows, ...(columns ? { columns } : {}) })),
    );

  it('reads quoted, multi-line and semicolon-delimited CSV', async () => {
    expect(await sample(ref('exports/customers.csv'), 2, ['name', 'zip', 'note'])).toEqual([
      { name: 'Smith, Anna', zip: '01234', note: 'said "hi"' },
      { name: 'Bob Jones', zip: '98765', note: null },
    ]);
    expect((await sample(ref('exports/customers.csv'), 5))[2]).toMatchObject({
      id: '3',
      name: 'Multi\r\nLine',
    });
    expect(await sample(ref('exports/eu/orders-eu.csv'), 10, ['customer', 'amount'])).toEqual([
      { customer: 'Müller; Hans', amount: '19.99' },
      { customer: 'Dupont', amount: '5' },
      { customer: "O'Brien", amount: '100.5' },
    ]);
    expect(await sample(ref(ODD_KEY), 1)).toEqual([{ k: 'x', v: '1' }]);
  });

  it('reads JSON Lines and Parquet with JSON-safe values', async () => {
    expect(await sample(ref('events/clicks.jsonl'), 2, ['event_id', 'user', 'score'])).toEqual([
      { event_id: 1, user: '{"id":7,"email":"x@example.com"}' },
      { event_id: 2, user: '{"id":8}', score: 0.5 },
    ]);
    expect(await sample(ref('warehouse/payments.parquet'), 2)).toEqual([
      {
        payment_id: 1,
        method: 'card',
        amount: 1.5,
        card_number: '4111111111111111',
        created_at: '2024-03-01T10:00:00.000Z',
        paid_on: '2024-03-01',
      },
      {
        payment_id: 2,
        method: 'iban',
        amount: 2,
        card_number: null,
        created_at: '2024-03-02T11:00:00.000Z',
        paid_on: '2024-03-02',
      },
    ]);
  });

  it('samples a file set across its members with the partition values', async () => {
    const fileSet = ref('sales/', 'file-set', {
      format: 'parquet',
      prefix: 'sales/',
      partitionKeys: ['year', 'month', 'day'],
    });
    const rows = await sample(fileSet, 10, ['order_id', 'coupon', 'month', 'day']);
    expect(rows).toEqual([
      { order_id: 1, month: '01', day: '15' },
      { order_id: 2, month: '01', day: '15' },
      { order_id: 3, month: '02', day: '01' },
      { order_id: 4, month: '02', day: '01' },
      { order_id: 5, coupon: 'SPRING', month: '02', day: '03' },
    ]);
    expect(await sample(fileSet, 3)).toHaveLength(3);
  });

  it('reads only the head of a 50 MB file to sample it', async () => {
    const logs: Logged[] = [];
    const started = performance.now();
    const { result: rows, bytes } = await bytesOnTheWire(() =>
      connected((connection) => collect(connection.sample(ref(LARGE_KEY), { rows: 100 })), logs),
    );
    const ms = performance.now() - started;
    expect(rows).toHaveLength(100);
    expect(rows[99]).toMatchObject({ id: '100', email: 'c100@example.com' });
    const read = logs.find((log) => log.message === 'S3 sample read')!.bytesRead as number;
    console.info(
      `sampling 100 rows of a ${large.body.length}-byte CSV: ${read} object bytes, ${bytes} bytes on the wire, ${ms.toFixed(0)} ms`,
    );
    expect(read).toBeLessThanOrEqual(64 * 1024);
    expect(bytes).toBeLessThan(96 * 1024);
    expect(ms).toBeLessThan(2000);
  });

  it('reads only the footer and the first pages of a Parquet file to sample it', async () => {
    const body = rowGroupsParquet();
    await admin.putObject(bucket, 'tmp-rg/groups.parquet', body, body.length);
    const logs: Logged[] = [];
    const rows = await connected(
      (connection) => collect(connection.sample(ref('tmp-rg/groups.parquet'), { rows: 10 })),
      logs,
    );
    await admin.removeObject(bucket, 'tmp-rg/groups.parquet');
    expect(rows.map((row) => row.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const read = logs.find((log) => log.message === 'S3 sample read')!.bytesRead as number;
    console.info(`sampling 10 rows of a ${body.length}-byte Parquet file read ${read} bytes`);
    expect(read).toBeLessThan(body.length / 5);
  });

  it('reports an object deleted after discovery as not-found', async () => {
    await admin.putObject(bucket, 'tmp/soon-gone.csv', 'a,b\n1,2\n');
    const items = await connected((connection) => collect(connection.discover()), [], {
      prefix: 'tmp/',
    });
    const dataset = items.find((item) => item.kind === 'dataset')!;
    await admin.removeObject(bucket, 'tmp/soon-gone.csv');
    const failure = await sample(dataset as DatasetRef, 10).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'ScannerError', kind: 'not-found', retryable: false });
  });
});

describe('s3 scanner: scale', () => {
  const many = `s3many-${randomBytes(4).toString('hex')}`;
  const files = Object.fromEntries(
    Array.from({ length: 1000 }, (_, index) => [
      `daily/${String(index).padStart(4, '0')}.csv`,
      Buffer.from(`id,amount,day\n${index},${index / 4},2024-01-01\n`),
    ]),
  );
  afterAll(() => removeBucket(admin, many));

  it('discovers 1,000 small files with bounded parallel reads', async () => {
    await admin.makeBucket(many, config.s3.region);
    await uploadAll(admin, many, files);
    const started = performance.now();
    const items = await connected((connection) => collect(connection.discover()), [], {
      bucket: many,
    });
    const ms = performance.now() - started;
    console.info(`discovering 1,000 objects took ${ms.toFixed(0)} ms`);
    expect(items).toHaveLength(1002);
    expect(items.at(-1)).toMatchObject({ fqn: `${many}."daily/0999.csv"`, rowEstimate: 1 });
    expect(ms).toBeLessThan(30_000);
  });
});
