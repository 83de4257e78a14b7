import { Connection } from '@temporalio/client';
import { createObjectStore } from '../../infra/object-store.js';
import { Redis } from 'ioredis';
import type { Client as MinioClient } from 'minio';
import mysql from 'mysql2/promise';
import pg from 'pg';

/**
 * Probes answer "does a server we can use listen here, with these credentials?". Each throws
 * with the reason on failure and always gives up after `timeoutMs`, because a port held by an
 * unrelated program may accept the connection and then never reply.
 */
export const PROBE_TIMEOUT_MS = 3_000;

export async function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves true when `probe` succeeds, false on any failure. */
export const answers = (probe: () => Promise<unknown>): Promise<boolean> =>
  probe().then(
    () => true,
    () => false,
  );

export type PostgresTarget =
  string | { port: number; password: string; user?: string; database?: string };

export async function probePostgres(
  target: PostgresTarget,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<void> {
  await withPostgres(target, (client) => client.query('select 1'), timeoutMs);
}

/** Runs `work` on a short-lived connection; `target` is a URL or our local server's settings. */
export async function withPostgres<T>(
  target: PostgresTarget,
  work: (client: pg.Client) => Promise<T>,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<T> {
  const client = new pg.Client(
    typeof target === 'string'
      ? { connectionString: target, connectionTimeoutMillis: timeoutMs }
      : {
          host: '127.0.0.1',
          port: target.port,
          user: target.user ?? 'governance',
          password: target.password,
          database: target.database ?? 'postgres',
          connectionTimeoutMillis: timeoutMs,
        },
  );
  client.on('error', () => {});
  try {
    await withTimeout(client.connect(), timeoutMs, 'PostgreSQL');
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export type RedisTarget = string | { port: number; password: string };

export async function probeRedis(target: RedisTarget, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const options = {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  };
  const client =
    typeof target === 'string'
      ? new Redis(target, options)
      : new Redis({ ...options, host: '127.0.0.1', port: target.port, password: target.password });
  client.on('error', () => {});
  try {
    const reply = await withTimeout(
      client.connect().then(() => client.ping()),
      timeoutMs,
      'Redis',
    );
    if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
  } finally {
    client.disconnect();
    // disconnect() only half-closes; a peer that never reads would keep the socket open.
    client.stream?.destroy();
  }
}

/** Frontend healthy and the namespace registered: what workers and clients need. */
export async function probeTemporal(
  address: string,
  namespace: string,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
  try {
    const deadline = Date.now() + timeoutMs;
    const health = await connection.withDeadline(deadline, () =>
      connection.healthService.check({}),
    );
    if (health.status !== 1) throw new Error(`health check says ${String(health.status)}`);
    await connection.withDeadline(deadline, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
  } finally {
    await connection.close().catch(() => {});
  }
}

export interface S3Target {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
}

export function s3Client(target: S3Target): MinioClient {
  return createObjectStore(
    { ...target, region: target.region ?? 'us-east-1' },
    { disableRetry: true },
  );
}

/** Signed request with our keys: a server with other credentials fails here. */
export async function probeS3(target: S3Target, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return withTimeout(s3Client(target).bucketExists(target.bucket), timeoutMs, 'S3');
}

/** MinIO's own readiness endpoint (unauthenticated, 200 once it serves requests). */
export async function probeMinioReady(port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/minio/health/ready`, {
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status !== 200) throw new Error(`/minio/health/ready answered ${response.status}`);
}

export type MariadbTarget = string | { port: number; password: string; user?: string };

/**
 * Runs `work` on a short-lived MariaDB/MySQL connection (a URL, or our local server's settings).
 *
 * @example
 * await withMariadb({ port: 13306, password }, (connection) => connection.query('SELECT 1'));
 */
export async function withMariadb<T>(
  target: MariadbTarget,
  work: (connection: mysql.Connection) => Promise<T>,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<T> {
  const options =
    typeof target === 'string'
      ? { uri: target, connectTimeout: timeoutMs }
      : {
          host: '127.0.0.1',
          port: target.port,
          user: target.user ?? 'governance',
          password: target.password,
          connectTimeout: timeoutMs,
        };
  const pending = mysql.createConnection(options);
  const connection = await withTimeout(pending, timeoutMs, 'MariaDB').catch((error: unknown) => {
    // A connection that completes after we gave up must not linger.
    pending.then(
      (late) => late.destroy(),
      () => undefined,
    );
    throw error;
  });
  connection.on('error', () => {});
  try {
    return await withTimeout(work(connection), timeoutMs, 'MariaDB');
  } finally {
    // A polite COM_QUIT keeps the server log free of "aborted connection" warnings.
    await withTimeout(connection.end(), 1_000, 'MariaDB').catch(() => connection.destroy());
  }
}

/**
 * Logs in with our credentials: a server with another password for `governance` fails here.
 *
 * @example
 * await probeMariadb(config.mariadb.url); // throws when it does not answer
 */
export async function probeMariadb(
  target: MariadbTarget,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<void> {
  await withMariadb(target, (connection) => connection.query('SELECT 1'), timeoutMs);
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`, for printing. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
