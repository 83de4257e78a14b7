import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetworkGuard } from '../../infra/network-policy.js';
import { createObjectStore } from '../../infra/object-store.js';
import type { DiscoveredDataset, ScannerContext } from '../../scanners/sdk/contract.js';
import { s3ConfigSchema } from '../../scanners/s3/s3-config.js';
import { s3Scanner } from '../../scanners/s3/s3-scanner.js';
import { removeBucket, uploadAll } from '../helpers/s3-fixtures.js';
import { testConfig } from '../helpers/test-config.js';

const config = testConfig();
const admin = createObjectStore(config.s3);
const bucket = `s3access-${randomBytes(4).toString('hex')}`;
const csv = Buffer.from('id,name\n1,a\n');
const FILES = ['private/b.csv', 'public/a.csv', 'public/secret.csv', 'sales/year=2023/p.csv'];
/** A member of the `sales/` file set, which is what an anonymous reader would fetch. */
const SALES_MEMBER = 'sales/year=2024/p.csv';

type Logged = { level: string; message: string } & Record<string, unknown>;

async function discover(endpoint = config.s3.endpoint, logs: Logged[] = []) {
  const context: ScannerContext = {
    network: createNetworkGuard({ allowCidrs: [], denyCidrs: [] }),
    signal: new AbortController().signal,
    log: (level, message, fields) => logs.push({ level, message, ...fields }),
  };
  const settings = s3ConfigSchema.parse({
    endpoint,
    region: config.s3.region,
    bucket,
    accessKey: config.s3.accessKey,
    secretKey: config.s3.secretKey,
  });
  const connection = await s3Scanner.connect(settings, context);
  try {
    const datasets = new Map<string, DiscoveredDataset>();
    for await (const item of connection.discover()) {
      if (item.kind === 'dataset') datasets.set(item.path[1]!, item);
    }
    return datasets;
  } finally {
    await connection.close();
  }
}

const accessOf = (datasets: Map<string, DiscoveredDataset>) =>
  Object.fromEntries([...datasets].map(([key, dataset]) => [key, dataset.properties?.access]));

/** What MinIO itself answers an anonymous GET: the ground truth the scanner must agree with. */
async function anonymousStatus(key: string): Promise<number> {
  const url = `${config.s3.endpoint}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const response = await fetch(url);
  await response.body?.cancel();
  return response.status;
}

const objects = (...keys: string[]) => keys.map((key) => `arn:aws:s3:::${bucket}/${key}`);
const setPolicy = (statements: object[]) =>
  admin.setBucketPolicy(bucket, JSON.stringify({ Version: '2012-10-17', Statement: statements }));

const PRIVATE = { publicRead: false, readers: [] };
const PUBLIC = { publicRead: true, readers: ['*'] };

beforeAll(async () => {
  await admin.makeBucket(bucket, config.s3.region);
  await uploadAll(admin, bucket, Object.fromEntries([...FILES, SALES_MEMBER].map((k) => [k, csv])));
});

afterAll(() => removeBucket(admin, bucket));

describe('s3 scanner: who may read each dataset', () => {
  it('reports every dataset private when the bucket has no policy', async () => {
    const datasets = await discover();
    expect(accessOf(datasets)).toEqual({
      'private/b.csv': PRIVATE,
      'public/a.csv': PRIVATE,
      'public/secret.csv': PRIVATE,
      'sales/': PRIVATE,
    });
    expect(await anonymousStatus('public/a.csv')).toBe(403);
  });

  it('follows an anonymous read policy, a Deny taking one object back, as MinIO does', async () => {
    const before = await discover();
    await setPolicy([
      {
        Effect: 'Allow',
        Principal: { AWS: ['*'] },
        Action: ['s3:GetObject'],
        Resource: objects('public/*', 'sales/year=2024/*'),
      },
      { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: objects('*/secret.csv') },
    ]);
    try {
      const datasets = await discover();
      expect(accessOf(datasets)).toEqual({
        'private/b.csv': PRIVATE,
        'public/a.csv': PUBLIC,
        'public/secret.csv': PRIVATE,
        // One public partition is enough to expose the file set.
        'sales/': PUBLIC,
      });
      const truth = { 'private/b.csv': 403, 'public/a.csv': 200, 'public/secret.csv': 403 };
      for (const [key, status] of Object.entries(truth)) {
        expect(await anonymousStatus(key), key).toBe(status);
      }
      expect(await anonymousStatus(SALES_MEMBER)).toBe(200);
      // Who may read is no part of the structure.
      for (const [key, dataset] of before) {
        expect(datasets.get(key)!.fingerprint, key).toBe(dataset.fingerprint);
      }
    } finally {
      await admin.setBucketPolicy(bucket, '');
    }
  });

  it('does not count a read allowed only under a condition as public', async () => {
    await setPolicy([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:*',
        Resource: objects('*'),
        Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      },
    ]);
    try {
      const datasets = await discover();
      expect(Object.values(accessOf(datasets))).toEqual(Array(4).fill(PRIVATE));
      expect(await anonymousStatus('public/a.csv')).toBe(403);
    } finally {
      await admin.setBucketPolicy(bucket, '');
    }
  });

  it('leaves access out, logging at debug, when the key may not read the policy', async () => {
    const upstream = new URL(config.s3.endpoint);
    // Forwards everything to MinIO but answers the policy request as AWS does to a key
    // without s3:GetBucketPolicy; the Host header is kept, so signatures still match.
    const proxy = http.createServer((request, response) => {
      if (new URL(request.url ?? '/', 'http://proxy').searchParams.has('policy')) {
        response.writeHead(403, { 'content-type': 'application/xml' });
        response.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>' +
            '<Message>Access Denied.</Message></Error>',
        );
        return;
      }
      const forwarded = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: request.url,
          method: request.method,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on('error', () => response.destroy());
      request.pipe(forwarded);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as { port: number };
    try {
      const logs: Logged[] = [];
      const datasets = await discover(`http://127.0.0.1:${port}`, logs);
      expect(datasets.size).toBe(4);
      for (const dataset of datasets.values())
        expect(dataset.properties).not.toHaveProperty('access');
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 'debug',
          message: 'S3 bucket policy unreadable: datasets carry no access',
          reason: expect.stringMatching(/AccessDenied/),
        }),
      );
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
