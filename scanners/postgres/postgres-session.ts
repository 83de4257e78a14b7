import { isIP } from 'node:net';
import pg from 'pg';
import type { ScannerContext } from '../sdk/contract.js';
import type { PostgresConfig } from './postgres-config.js';
import { toScannerError, type ErrorScene } from './postgres-errors.js';

/** Shown in `pg_stat_activity.application_name`, so a DBA sees who is reading. */
export const APPLICATION_NAME = 'data-governance-platform scanner';

/** Limits of every scanner session; a scan must never become the source's problem. */
export const SESSION_LIMITS = {
  connectTimeoutMs: 10_000,
  statementTimeoutMs: 60_000,
  /** Never queue behind an `ALTER TABLE` (and make everyone else queue behind us). */
  lockTimeoutMs: 5_000,
  idleInTransactionMs: 60_000,
  /** Connections per database: one discovers while a few sample. */
  poolSize: 4,
} as const;

/**
 * Settings made at login, before any statement of ours runs. Read-only by default, so even a
 * bug of ours cannot write. A fixed time zone and date styles make sampled values the same
 * whatever the server's defaults. No JIT: the catalog queries' cost estimates (a lateral
 * per relation) cross the JIT threshold, and compiling took ~0.9 s of every 1 s batch.
 */
export const SESSION_OPTIONS = [
  'default_transaction_read_only=on',
  'jit=off',
  'TimeZone=UTC',
  'DateStyle=ISO,YMD',
  'IntervalStyle=postgres',
]
  .map((setting) => `-c ${setting}`)
  .join(' ');

/**
 * One pool per configured database on the same server, all opened to the address the network
 * guard resolved (once, so every database is reached at the address that was checked). Every
 * session is read-only by default (`default_transaction_read_only`), has a statement and a
 * lock timeout, and names the platform as its `application_name`.
 *
 * @example
 * const sessions = new PostgresSessions(config, context);
 * const client = await sessions.client('shop'); // a ScannerError on failure
 * try { await client.query('select 1'); } finally { client.release(); }
 * await sessions.close();
 */
export class PostgresSessions {
  private address: Promise<string> | undefined;
  private readonly pools = new Map<string, pg.Pool>();

  constructor(
    private readonly config: PostgresConfig,
    private readonly context: ScannerContext,
  ) {}

  /** What an error message may say about a session on `database`. */
  scene(database: string): ErrorScene {
    const { host, port, user, password } = this.config;
    return { host, port, user, password, database };
  }

  /**
   * `error` as the `ScannerError` a steward reads, for a session on `database`; once the scan
   * is cancelled, the abort itself, so that cancelling is not taken for a failure to retry.
   */
  fail(error: unknown, database: string): Error {
    if (this.context.signal.aborted && error instanceof Error) return error;
    return toScannerError(error, this.scene(database));
  }

  /** A pooled client on `database`; release it when done. Errors are `ScannerError`s. */
  async client(database: string): Promise<pg.PoolClient> {
    this.context.signal.throwIfAborted();
    try {
      const pool = await this.pool(database);
      return await pool.connect();
    } catch (error) {
      throw this.fail(error, database);
    }
  }

  /** Runs `fn` with a client and releases it; a client that failed is thrown away. */
  async with<T>(database: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.client(database);
    let failed: Error | undefined;
    try {
      return await fn(client);
    } catch (error) {
      failed = this.fail(error, database);
      throw failed;
    } finally {
      client.release(failed);
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((pool) => pool.end()));
  }

  private async pool(database: string): Promise<pg.Pool> {
    const existing = this.pools.get(database);
    if (existing) return existing;
    // The first failure is not cached: a DNS hiccup must not poison later retries.
    this.address ??= this.context.network.resolve(this.config.host).then(
      (resolved) => resolved.address,
      (error: unknown) => {
        this.address = undefined;
        throw error;
      },
    );
    const host = await this.address;
    const raced = this.pools.get(database);
    if (raced) return raced;
    const pool = new pg.Pool(this.poolConfig(host, database));
    // An idle client dropped by the server must not crash the worker; the next query reconnects.
    pool.on('error', (error) =>
      this.context.log('warn', 'idle PostgreSQL session failed', {
        database,
        error: toScannerError(error, this.scene(database)).message,
      }),
    );
    this.pools.set(database, pool);
    return pool;
  }

  private poolConfig(address: string, database: string): pg.PoolConfig {
    const { config } = this;
    return {
      host: address,
      port: config.port,
      database,
      user: config.user,
      password: config.password,
      ssl: this.ssl(),
      application_name: APPLICATION_NAME,
      connectionTimeoutMillis: SESSION_LIMITS.connectTimeoutMs,
      statement_timeout: SESSION_LIMITS.statementTimeoutMs,
      lock_timeout: SESSION_LIMITS.lockTimeoutMs,
      idle_in_transaction_session_timeout: SESSION_LIMITS.idleInTransactionMs,
      options: SESSION_OPTIONS,
      max: SESSION_LIMITS.poolSize,
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
    };
  }

  private ssl(): pg.PoolConfig['ssl'] {
    const { sslMode, host, sslRootCert } = this.config;
    if (sslMode === 'disable') return false;
    // We connect to the resolved address; the certificate is checked against the name the
    // steward typed (SNI must not carry an IP literal, RFC 6066).
    const servername = isIP(host) === 0 ? host : undefined;
    if (sslMode === 'require') return { rejectUnauthorized: false, servername };
    return { rejectUnauthorized: true, servername, ...(sslRootCert ? { ca: sslRootCert } : {}) };
  }
}
