import { connect as tcpConnect } from 'node:net';
import mysql, { type Connection, type ConnectionOptions, type RowDataPacket } from 'mysql2';
import type { ScannerContext } from '../sdk/contract.js';
import type { MysqlConfig } from './mysql-config.js';
import { toScannerError, type ErrorScope } from './mysql-errors.js';

/** Every statement a session runs is stopped by the server after this long. */
export const STATEMENT_TIMEOUT_SECONDS = 60;
const CONNECT_TIMEOUT_MS = 15_000;

export type Flavour = 'MariaDB' | 'MySQL';

/**
 * One read-only connection to the source. `select` binds parameters server-side (prepared
 * statements), so no value is ever spliced into SQL text, whatever the server's `sql_mode`.
 */
export interface MysqlSession {
  readonly flavour: Flavour;
  /** The server's `VERSION()`, e.g. `10.11.19-MariaDB-0+deb12u1` or `8.0.36`. */
  readonly version: string;
  /** Without `params` the text protocol is used (some statements cannot be prepared). */
  select<T>(sql: string, params?: readonly (string | number)[]): Promise<T[]>;
  /** Rows as arrays in select-list order, streamed with backpressure. */
  stream(sql: string): AsyncIterable<unknown[]>;
  /** False once a stream was abandoned half-way or the connection failed: do not reuse. */
  reusable(): boolean;
  close(): Promise<void>;
  destroy(): void;
}

/**
 * What error messages may name about this source: user, host and port, never the password
 * (which is only carried to be scrubbed from messages).
 *
 * @example
 * throw toScannerError(error, errorScope(config, 'shop.orders'));
 */
export function errorScope(config: MysqlConfig, datasetFqn?: string): ErrorScope {
  return {
    user: config.user,
    host: config.host,
    port: config.port,
    password: config.password,
    statementTimeoutSeconds: STATEMENT_TIMEOUT_SECONDS,
    ...(datasetFqn === undefined ? {} : { datasetFqn }),
  };
}

function tlsOptions(config: MysqlConfig): ConnectionOptions['ssl'] {
  if (config.tls === 'disable') return undefined;
  if (config.tls === 'require') return { rejectUnauthorized: false };
  return {
    rejectUnauthorized: true,
    verifyIdentity: true,
    ...(config.tlsCa ? { ca: config.tlsCa } : {}),
  };
}

function run<T>(connection: Connection, sql: string, params?: readonly (string | number)[]) {
  return new Promise<T[]>((resolve, reject) => {
    const done = (error: Error | null, rows: unknown) =>
      error ? reject(error) : resolve(rows as T[]);
    if (params === undefined) connection.query(sql, done);
    else connection.execute(sql, [...params], done);
  });
}

/**
 * Opens a session through the network guard: the host is resolved and checked by the policy,
 * the TCP connection goes to that very address, while TLS still verifies the certificate
 * against the host name the steward typed (mysql2 takes SNI and identity from `host`). The
 * session is read-only and every statement has a server-side time limit.
 *
 * @example
 * const session = await openSession(config, context);
 * const [{ version }] = await session.select<{ version: string }>('SELECT VERSION() AS version');
 * await session.close();
 */
export async function openSession(
  config: MysqlConfig,
  context: ScannerContext,
): Promise<MysqlSession> {
  const scope = errorScope(config);
  const { address } = await context.network.resolve(config.host);
  const connection = mysql.createConnection({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    stream: () => tcpConnect({ host: address, port: config.port, noDelay: true }),
    ssl: tlsOptions(config),
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Exact values: big integers and decimals as strings, dates and JSON as the server wrote them.
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    jsonStrings: true,
    multipleStatements: false,
    // A hostile server could ask the client for a local file (LOAD DATA LOCAL); never offer it.
    flags: ['-LOCAL_FILES'],
  });
  let broken = false;
  connection.on('error', () => {
    broken = true;
  });
  try {
    await new Promise<void>((resolve, reject) =>
      connection.connect((error) => (error ? reject(error) : resolve())),
    );
    const [info] = await run<RowDataPacket>(connection, 'SELECT VERSION() AS version');
    const version = String(info?.version ?? '');
    const flavour: Flavour = /mariadb/i.test(version) ? 'MariaDB' : 'MySQL';
    await run(connection, 'SET SESSION TRANSACTION READ ONLY');
    // MariaDB counts seconds in max_statement_time, MySQL milliseconds in max_execution_time.
    await run(
      connection,
      flavour === 'MariaDB'
        ? `SET SESSION max_statement_time = ${STATEMENT_TIMEOUT_SECONDS}`
        : `SET SESSION max_execution_time = ${STATEMENT_TIMEOUT_SECONDS * 1000}`,
    ).catch((error: { errno?: number }) => {
      // MySQL before 5.7.8 has no statement time limit; the connection still works.
      if (error.errno !== 1193) throw error;
    });
    return session(connection, flavour, version, () => broken);
  } catch (error) {
    connection.destroy();
    throw toScannerError(error, scope);
  }
}

function session(
  connection: Connection,
  flavour: Flavour,
  version: string,
  failed: () => boolean,
): MysqlSession {
  let abandoned = false;
  return {
    flavour,
    version,
    select: (sql, params) => run(connection, sql, params),
    async *stream(sql) {
      const rows = connection.query({ sql, rowsAsArray: true }).stream({ highWaterMark: 64 });
      // mysql2 reports some fatal errors (a result it cannot parse) on the connection only;
      // without this the stream would wait forever.
      const onFailure = (error: Error) => rows.destroy(error);
      connection.once('error', onFailure);
      let finished = false;
      try {
        for await (const row of rows) yield row as unknown[];
        finished = true;
      } finally {
        connection.removeListener('error', onFailure);
        // Rows still in flight would reach the next query on this connection.
        if (!finished) {
          abandoned = true;
          rows.destroy();
          connection.destroy();
        }
      }
    },
    reusable: () => !abandoned && !failed(),
    close: () =>
      new Promise<void>((resolve) => {
        if (abandoned || failed()) {
          connection.destroy();
          resolve();
          return;
        }
        // A server that never acknowledges the goodbye must not hold up the scan.
        const timer = setTimeout(() => {
          connection.destroy();
          resolve();
        }, 2_000);
        connection.end(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
    destroy: () => connection.destroy(),
  };
}
