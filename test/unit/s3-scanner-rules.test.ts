import { describe, expect, it } from 'vitest';
import { pluginProblems } from '../../scanners/sdk/validate-plugin.js';
import { ScannerError } from '../../scanners/sdk/contract.js';
import { extensionOf } from '../../scanners/s3/file-formats.js';
import { createKeyClassifier, globToRegExp } from '../../scanners/s3/object-classes.js';
import { s3ConfigSchema, s3Targets } from '../../scanners/s3/s3-config.js';
import { toS3Error } from '../../scanners/s3/s3-errors.js';
import { s3Scanner } from '../../scanners/s3/s3-scanner.js';
import { uniqueNames } from '../../scanners/s3/file-schema.js';

const base = {
  endpoint: 'http://127.0.0.1:19000',
  bucket: 'landing',
  accessKey: 'scanner',
  secretKey: 'super-secret-key',
};

describe('s3 plugin and config', () => {
  it('is a valid scanner plugin with the secret key marked', () => {
    expect(pluginProblems(s3Scanner)).toEqual([]);
    expect(s3Scanner.secretFields).toEqual(['secretKey']);
  });

  it('fills defaults and refuses unknown keys, bad endpoints and bucket names', () => {
    expect(s3ConfigSchema.parse(base)).toEqual({ ...base, region: 'us-east-1', pathStyle: true });
    expect(s3ConfigSchema.safeParse({ ...base, extra: 1 }).success).toBe(false);
    for (const endpoint of [
      'ftp://host',
      'http://user:pw@host',
      'http://host/path',
      'http://host?x=1',
      'nope',
    ]) {
      expect(s3ConfigSchema.safeParse({ ...base, endpoint }).success, endpoint).toBe(false);
    }
    for (const bucket of ['UPPER', 'a', 'under_score', '-dash']) {
      expect(s3ConfigSchema.safeParse({ ...base, bucket }).success, bucket).toBe(false);
    }
  });

  it('names the hosts it will connect to', () => {
    expect(s3Targets(s3ConfigSchema.parse(base))).toEqual([{ host: '127.0.0.1', port: 19000 }]);
    const virtual = s3ConfigSchema.parse({
      ...base,
      endpoint: 'https://s3.example.com',
      pathStyle: false,
    });
    expect(s3Targets(virtual)).toEqual([{ host: 'landing.s3.example.com', port: 443 }]);
    const aws = s3ConfigSchema.parse({
      ...base,
      endpoint: 'https://s3.amazonaws.com',
      region: 'eu-west-1',
    });
    expect(s3Targets(aws)).toEqual([{ host: 'landing.s3.eu-west-1.amazonaws.com', port: 443 }]);
    const v6 = s3ConfigSchema.parse({ ...base, endpoint: 'http://[::1]:9000' });
    expect(s3Targets(v6)).toEqual([{ host: '::1', port: 9000 }]);
  });
});

describe('key classification', () => {
  const classifier = createKeyClassifier({
    include: ['data/**'],
    exclude: ['data/tmp/**', '**/*.bak.csv'],
  });

  it('reads known formats by extension, whatever their case', () => {
    expect(classifier.classify('data/a.CSV')).toMatchObject({
      kind: 'data',
      format: 'csv',
      tab: false,
    });
    expect(classifier.classify('data/a.tsv')).toMatchObject({
      kind: 'data',
      format: 'csv',
      tab: true,
    });
    expect(classifier.classify('data/a.ndjson')).toMatchObject({ kind: 'data', format: 'jsonl' });
    expect(classifier.classify('data/dt=1/a.parquet')).toMatchObject({
      kind: 'data',
      format: 'parquet',
      partitioned: { root: 'data/' },
    });
  });

  it('says why a key is skipped', () => {
    expect(classifier.classify('data/a.json')).toEqual({
      kind: 'skip',
      reason: 'unknown-format',
      extension: '.json',
    });
    expect(classifier.classify('data/README')).toEqual({
      kind: 'skip',
      reason: 'unknown-format',
      extension: '(none)',
    });
    expect(classifier.classify('data/_SUCCESS')).toEqual({ kind: 'skip', reason: 'hidden' });
    expect(classifier.classify('data/.part-0.csv.crc')).toEqual({ kind: 'skip', reason: 'hidden' });
    expect(classifier.classify('data/_temporary/0/a.csv')).toEqual({
      kind: 'skip',
      reason: 'hidden',
    });
    expect(classifier.classify('data/tmp/a.csv')).toEqual({ kind: 'skip', reason: 'excluded' });
    expect(classifier.classify('data/x/old.bak.csv')).toEqual({ kind: 'skip', reason: 'excluded' });
    expect(classifier.classify('other/a.csv')).toEqual({ kind: 'skip', reason: 'excluded' });
    expect(classifier.classify('data/dir/')).toEqual({ kind: 'skip', reason: 'directory-marker' });
  });

  it('never hides what the configured prefix itself names', () => {
    const underscored = createKeyClassifier({ prefix: '_landing/' });
    expect(underscored.classify('_landing/a.csv')).toMatchObject({ kind: 'data' });
    expect(underscored.classify('_landing/_SUCCESS')).toMatchObject({ reason: 'hidden' });
  });

  it('matches globs within and across directories', () => {
    expect(globToRegExp('*.csv').test('a.csv')).toBe(true);
    expect(globToRegExp('*.csv').test('x/a.csv')).toBe(false);
    expect(globToRegExp('**/*.csv').test('a.csv')).toBe(true);
    expect(globToRegExp('**/*.csv').test('x/y/a.csv')).toBe(true);
    expect(globToRegExp('a/?.csv').test('a/b.csv')).toBe(true);
    expect(globToRegExp('a/?.csv').test('a/bc.csv')).toBe(false);
    expect(globToRegExp('(x)+[y].csv').test('(x)+[y].csv')).toBe(true);
    expect(extensionOf('.hidden')).toBe('');
  });

  it('makes header names unique and non-empty', () => {
    expect(uniqueNames(['id', '', 'id', 'id_2'])).toEqual(['id', 'column_2', 'id_2', 'id_2_2']);
  });
});

describe('toS3Error', () => {
  const scene = { server: 'minio:9000', bucket: 'landing', secretKey: 'super-secret-key' };
  const s3Error = (code: string, message = 'S3 said no') =>
    Object.assign(new Error(message), { code });

  it.each([
    ['SignatureDoesNotMatch', 'authentication', false],
    ['InvalidAccessKeyId', 'authentication', false],
    ['NoSuchBucket', 'configuration', false],
    ['AuthorizationHeaderMalformed', 'configuration', false],
    ['AccessDenied', 'permission', false],
    ['NoSuchKey', 'not-found', false],
    ['NotFound', 'not-found', false],
    ['SlowDown', 'unavailable', true],
    ['ECONNREFUSED', 'network', true],
    ['ETIMEDOUT', 'network', true],
    ['ENOTFOUND', 'network', true],
    ['CERT_HAS_EXPIRED', 'configuration', false],
  ] as const)('%s is %s', (code, kind, retryable) => {
    const error = toS3Error(s3Error(code), { ...scene, key: 'a.csv' });
    expect(error).toBeInstanceOf(ScannerError);
    expect(error).toMatchObject({ kind, retryable });
  });

  it('takes a 404 without an object for a wrong bucket or endpoint', () => {
    expect(toS3Error(s3Error('NotFound'), scene)).toMatchObject({ kind: 'configuration' });
  });

  it('reads the code of a happy-eyeballs AggregateError and keeps ScannerErrors as they are', () => {
    const aggregate = new AggregateError(
      [s3Error('ECONNREFUSED'), s3Error('ECONNREFUSED')],
      'failed',
    );
    expect(toS3Error(aggregate, scene).kind).toBe('network');
    const own = new ScannerError('network-policy', 'refused');
    expect(toS3Error(own, scene)).toBe(own);
  });

  it('names the object concerned and never the secret key', () => {
    const missing = toS3Error(s3Error('NoSuchKey'), { ...scene, key: 'a "b".csv' });
    expect(missing.message).toBe('object "a \\"b\\".csv" no longer exists in bucket "landing"');
    const echoed = toS3Error(s3Error('Weird', 'server echoed super-secret-key back'), scene);
    expect(echoed.message).not.toContain('super-secret-key');
    expect(echoed.kind).toBe('unavailable');
  });
});
