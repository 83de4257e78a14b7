import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/load-config.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'config-test-'));

function problemsOf(env: NodeJS.ProcessEnv, cwd = tempDir()): string[] {
  try {
    loadConfig(env, cwd);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const productionEnv = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app:pw@db:5432/governance',
  REDIS_URL: 'redis://:pw@cache:6379',
  TEMPORAL_ADDRESS: 'temporal:7233',
  S3_ENDPOINT: 'http://minio:9000',
  S3_ACCESS_KEY: 'access',
  S3_SECRET_KEY: 'secret-key-value',
  JWT_SIGNING_KEY: 'x'.repeat(48),
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

describe('loadConfig', () => {
  it('gives a complete development configuration from an empty environment', () => {
    const cwd = tempDir();
    const config = loadConfig({}, cwd);
    expect(config.env).toBe('development');
    expect(config.api).toEqual({ host: '127.0.0.1', port: 8400 });
    expect(config.postgres.managed).toBe(true);
    expect(config.postgres.url).toMatch(
      /^postgres:\/\/governance:.+@127\.0\.0\.1:15432\/governance$/,
    );
    expect(config.redis.url).toContain('127.0.0.1:16379');
    expect(config.temporal.address).toBe('127.0.0.1:17233');
    expect(config.s3.endpoint).toBe('http://127.0.0.1:19000');
    expect(config.secrets.dataEncryptionKey).toHaveLength(32);
    expect(config.secrets.jwtSigningKey.length).toBeGreaterThanOrEqual(32);
    expect(config.dataDir).toBe(join(cwd, '.data'));
  });

  it('generates development secrets once, private to the owner, and keeps them', () => {
    const cwd = tempDir();
    const first = loadConfig({}, cwd);
    const second = loadConfig({}, cwd);
    expect(second.secrets.jwtSigningKey).toBe(first.secrets.jwtSigningKey);
    expect(second.postgres.password).toBe(first.postgres.password);
    const file = join(cwd, '.data', 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).jwtSigningKey).toBe(first.secrets.jwtSigningKey);
  });

  it('reports every bad key together', () => {
    const problems = problemsOf({
      API_PORT: '99999',
      REDIS_PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      TEMPORAL_ADDRESS: 'no-port',
      DEMO: 'maybe',
      NODE_ENV: 'staging',
    });
    const keys = problems.map((p) => p.split(':')[0]);
    expect(keys.sort()).toEqual(
      ['API_PORT', 'DATABASE_URL', 'DEMO', 'NODE_ENV', 'REDIS_PORT', 'TEMPORAL_ADDRESS'].sort(),
    );
  });

  it('uses a given service URL as it is and marks the service external', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db.internal:5432/gov' }, tempDir());
    expect(config.postgres).toMatchObject({
      url: 'postgres://u:p@db.internal:5432/gov',
      managed: false,
    });
    expect(config.redis.managed).toBe(true);
  });

  it('refuses production without secrets or service addresses, naming each', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    for (const key of [
      'JWT_SIGNING_KEY',
      'DATA_ENCRYPTION_KEY',
      'DATABASE_URL',
      'REDIS_URL',
      'TEMPORAL_ADDRESS',
      'S3_ENDPOINT',
    ]) {
      expect(problems.some((p) => p.startsWith(`${key}:`))).toBe(true);
    }
  });

  it('accepts a complete production environment and writes no secrets file', () => {
    const cwd = tempDir();
    const config = loadConfig(productionEnv, cwd);
    expect(config.env).toBe('production');
    expect(config.secrets.dataEncryptionKey.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(() => statSync(join(cwd, '.data', 'secrets.json'))).toThrow();
  });

  it('rejects a data encryption key of the wrong length and a short JWT key', () => {
    const problems = problemsOf({
      ...productionEnv,
      DATA_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64'),
      JWT_SIGNING_KEY: 'short',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'DATA_ENCRYPTION_KEY',
      'JWT_SIGNING_KEY',
    ]);
  });

  it('needs S3 credentials with an S3 endpoint', () => {
    const problems = problemsOf({ S3_ENDPOINT: 'https://s3.example.com' });
    expect(problems).toEqual(['S3_ACCESS_KEY and S3_SECRET_KEY: required when S3_ENDPOINT is set']);
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', API_PORT: '' }, tempDir());
    expect(config.postgres.managed).toBe(true);
    expect(config.api.port).toBe(8400);
  });
});
