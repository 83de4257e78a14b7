import { z } from 'zod';

/**
 * Schemas of the server itself. They describe the server, not data a steward governs, so they
 * are never discovered, whatever the include list says.
 */
export const SYSTEM_DATABASES: ReadonlySet<string> = new Set([
  'mysql',
  'information_schema',
  'performance_schema',
  'sys',
]);

// MySQL and MariaDB cap database names at 64 characters.
const databaseName = z
  .string()
  .min(1, { error: 'a database name must not be empty' })
  .max(64, { error: 'a database name has at most 64 characters' });

/**
 * Connection settings of a MySQL or MariaDB data source. Strict: unknown keys are refused.
 *
 * `tls`: `disable` sends everything in clear text (only for loopback or a trusted network),
 * `require` encrypts without checking the certificate (the default: MySQL 8 and MariaDB
 * 11.4+ servers come with a self-signed one; an older MariaDB without TLS fails with a message
 * saying to choose `disable`), `verify-full` also checks the certificate chain (system CAs or
 * `tlsCa`) and that it names `host`.
 *
 * @example
 * mysqlConfigSchema.parse({ host: 'db.internal', user: 'scanner', password: 's3cret' });
 * // { host: 'db.internal', port: 3306, user: 'scanner', password: 's3cret', tls: 'require', catalogBatchSize: 500 }
 */
export const mysqlConfigSchema = z.strictObject({
  host: z
    .string()
    .min(1, { error: 'host must not be empty' })
    .max(253, { error: 'host has at most 253 characters' })
    .regex(/^[^\s/@?#]+$/, { error: 'host must be a host name or an IP address' }),
  port: z.number().int().min(1).max(65535).default(3306),
  // MariaDB allows 80 characters, MySQL 32; the server says which.
  user: z.string().min(1, { error: 'user must not be empty' }).max(80),
  password: z.string().max(1024),
  /** Only these databases; all the user can see when absent. */
  databases: z.array(databaseName).min(1).max(10_000).optional(),
  /** Never these databases (in addition to the system schemas). */
  excludeDatabases: z.array(databaseName).max(10_000).optional(),
  tls: z.enum(['disable', 'require', 'verify-full']).default('require'),
  /** PEM certificate(s) of a private CA for `verify-full`; the system CAs otherwise. */
  tlsCa: z.string().max(65_536).optional(),
  /**
   * Tables per catalog batch: discovery issues four information_schema queries per batch
   * (five when it holds views), so memory stays bounded and the query count grows with
   * tables / batch, never with tables.
   */
  catalogBatchSize: z.number().int().min(1).max(5000).default(500),
});

/** A validated config, defaults applied. */
export type MysqlConfig = z.output<typeof mysqlConfigSchema>;

/** The keys whose values are secrets: encrypted at rest and masked in every response. */
export const MYSQL_SECRET_FIELDS = ['password'] as const;

/**
 * True when discovery should cover `name`: not a system schema, in the include list when
 * there is one, and not excluded. Names compare exactly, as the server stores them.
 *
 * @example
 * isScannedDatabase(config, 'mysql'); // false, always
 */
export function isScannedDatabase(config: MysqlConfig, name: string): boolean {
  if (SYSTEM_DATABASES.has(name.toLowerCase())) return false;
  if (config.databases && !config.databases.includes(name)) return false;
  return !config.excludeDatabases?.includes(name);
}
