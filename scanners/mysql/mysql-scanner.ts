import type {
  CheckResult,
  ScannerConnection,
  ScannerContext,
  ScannerPlugin,
} from '../sdk/contract.js';
import { ScannerError } from '../sdk/contract.js';
import { discoverCatalog } from './mysql-catalog.js';
import {
  isScannedDatabase,
  MYSQL_SECRET_FIELDS,
  mysqlConfigSchema,
  type MysqlConfig,
} from './mysql-config.js';
import { toScannerError } from './mysql-errors.js';
import { sampleDataset } from './mysql-sample.js';
import { errorScope, openSession, type MysqlSession } from './mysql-session.js';
import { SessionPool } from './session-pool.js';

/** "10.11.19-MariaDB-0+deb12u1" → "MariaDB 10.11.19"; "8.0.36" → "MySQL 8.0.36". */
function versionLabel(session: MysqlSession): string {
  const number = /^\d+(\.\d+)*/.exec(session.version)?.[0] ?? session.version;
  return `${session.flavour} ${number}`;
}

async function check(session: MysqlSession, config: MysqlConfig): Promise<CheckResult> {
  const [account] = await session.select<{ account: string }>('SELECT CURRENT_USER() AS account');
  const [cipher] = await session.select<{ Value?: string }>(
    "SHOW SESSION STATUS LIKE 'Ssl_cipher'",
  );
  const visible = (
    await session.select<{ name: string }>(
      'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA',
    )
  ).map((row) => String(row.name));
  const missing = (config.databases ?? []).filter((name) => !visible.includes(name));
  if (missing.length > 0) {
    throw new ScannerError(
      'configuration',
      `database ${missing.map((name) => JSON.stringify(name)).join(', ')} does not exist at ${config.host}:${config.port} or user "${config.user}" may not see it`,
    );
  }
  const scanned = visible.filter((name) => isScannedDatabase(config, name));
  if (scanned.length === 0 && !config.databases) {
    throw new ScannerError(
      'permission',
      `user "${config.user}" sees no database besides the system ones at ${config.host}:${config.port}; grant it SELECT and SHOW VIEW on the databases to scan`,
    );
  }
  return {
    serverVersion: versionLabel(session),
    details: {
      account: String(account?.account ?? config.user),
      databases: scanned.length,
      tls: Boolean(cipher?.Value),
    },
  };
}

/**
 * The built-in MySQL/MariaDB scanner. One plugin serves both servers: the catalog comes from
 * information_schema, which they share; only the statement time limit is set differently.
 *
 * @example
 * const connection = await mysqlScanner.connect(mysqlScanner.configSchema.parse(settings), context);
 * const { serverVersion } = await connection.check(); // 'MariaDB 10.11.19'
 */
export const mysqlScanner: ScannerPlugin<MysqlConfig> = {
  id: 'mysql',
  title: 'MySQL / MariaDB',
  description:
    'Tables, views, columns, keys and comments of MySQL 5.7+ and MariaDB 10.3+ databases, read from information_schema over a read-only session; samples the first rows of each table.',
  version: '1.0.0',
  configSchema: mysqlConfigSchema,
  secretFields: MYSQL_SECRET_FIELDS,
  capabilities: {
    views: true,
    foreignKeys: true,
    rowEstimates: true,
    files: false,
    sampling: 'first-rows',
  },
  targets: (config) => [{ host: config.host, port: config.port }],
  async connect(config: MysqlConfig, context: ScannerContext): Promise<ScannerConnection> {
    const pool = new SessionPool(() => openSession(config, context), context.signal);
    const scope = errorScope(config);
    // A cancelled scan ends with the signal's reason, not with a made-up server error.
    const failure = (error: unknown, datasetFqn?: string): unknown =>
      context.signal.aborted
        ? context.signal.reason
        : toScannerError(error, datasetFqn ? errorScope(config, datasetFqn) : scope);
    const acquire = () =>
      pool.acquire().catch((error: unknown) => {
        throw failure(error);
      });
    const using = async <T>(work: (session: MysqlSession) => Promise<T>): Promise<T> => {
      try {
        return await pool.use(work);
      } catch (error) {
        throw failure(error);
      }
    };
    return {
      check: () => using((session) => check(session, config)),
      async *discover() {
        const session = await acquire();
        try {
          yield* discoverCatalog(session, config, context.log);
        } catch (error) {
          throw failure(error);
        } finally {
          pool.release(session);
        }
      },
      async *sample(dataset, sampleOptions) {
        const session = await acquire();
        try {
          yield* sampleDataset(session, dataset, sampleOptions);
        } catch (error) {
          throw failure(error, dataset.fqn);
        } finally {
          pool.release(session);
        }
      },
      close: () => pool.close(),
    };
  },
};
