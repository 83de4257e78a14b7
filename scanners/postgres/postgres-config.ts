import { z } from 'zod';

/** Schemas that hold the server's own catalog, never data worth governing. */
export const SYSTEM_SCHEMAS: readonly string[] = ['pg_catalog', 'information_schema', 'pg_toast'];

// PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1); longer names cannot exist.
const identifier = (what: string) =>
  z
    .string()
    .min(1, { error: `${what} must not be empty` })
    .refine((name) => Buffer.byteLength(name) <= 63, {
      error: `${what} must be at most 63 bytes long`,
    })
    .refine((name) => !name.includes('\0'), { error: `${what} must not contain NUL` });

const schemaList = z.array(identifier('a schema name')).max(1000);

/**
 * Connection settings of a PostgreSQL data source. Strict: unknown keys are refused.
 *
 * `sslMode` defaults to `disable` because that is what a fresh PostgreSQL and the demo data
 * source speak, and a password is never sent in clear text under the server's default
 * `scram-sha-256` authentication. Sampled values do travel unencrypted without TLS, so any
 * source reached over a network it does not own should use `verify-full` (certificate
 * checked against the system CAs, or `sslRootCert`, and the host name) or at least
 * `require` (encrypted, certificate not checked).
 *
 * @example
 * postgresConfigSchema.parse({ host: 'db.internal', database: 'shop', user: 'scanner', password: 's3cret' });
 * // { host: 'db.internal', port: 5432, database: 'shop', user: 'scanner', password: 's3cret', sslMode: 'disable' }
 */
export const postgresConfigSchema = z.strictObject({
  host: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[^\s/@?#]+$/, { error: 'host must be a host name or an IP address' }),
  port: z.number().int().min(1).max(65_535).default(5432),
  /** The database connected to first; its containers come first in discovery. */
  database: identifier('database'),
  /** More databases on the same server, scanned with the same credentials. */
  databases: z.array(identifier('a database name')).max(100).optional(),
  user: identifier('user'),
  password: z.string().max(1024),
  sslMode: z.enum(['disable', 'require', 'verify-full']).default('disable'),
  /** PEM certificate(s) of a private CA for `verify-full`; the system CAs otherwise. */
  sslRootCert: z.string().max(65_536).optional(),
  /** Only these schemas (system schemas are excluded whatever this says). */
  includeSchemas: schemaList.optional(),
  excludeSchemas: schemaList.optional(),
  /**
   * Relations read per catalog batch: discovery issues three catalog queries per batch, so
   * memory stays bounded and the query count grows with tables / batch, not with tables.
   */
  catalogBatchSize: z.number().int().min(10).max(5000).default(500),
});

export type PostgresConfig = z.output<typeof postgresConfigSchema>;

/**
 * The configured databases, the main one first, each once.
 *
 * @example
 * databasesOf({ ...config, database: 'shop', databases: ['crm', 'shop'] }); // ['shop', 'crm']
 */
export function databasesOf(config: PostgresConfig): string[] {
  return [...new Set([config.database, ...(config.databases ?? [])])];
}

/**
 * The schema filter as SQL parameters: `include` is `null` when every schema is wanted.
 *
 * @example
 * schemaFilterOf({ ...config, excludeSchemas: ['audit'] });
 * // { include: null, exclude: ['pg_catalog', 'information_schema', 'pg_toast', 'audit'] }
 */
export function schemaFilterOf(config: PostgresConfig): {
  include: string[] | null;
  exclude: string[];
} {
  return {
    include:
      config.includeSchemas && config.includeSchemas.length > 0 ? config.includeSchemas : null,
    exclude: [...SYSTEM_SCHEMAS, ...(config.excludeSchemas ?? [])],
  };
}
