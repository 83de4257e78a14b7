import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// bigint (int8) columns such as audit ids and counts come back as strings by default; they
// stay strings so no precision is lost, while numeric(…) is parsed for aggregates.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/**
 * Opens a pooled Kysely instance on the platform database.
 *
 * @example
 * const db = createDb(config.postgres.url);
 * await db.selectFrom('workspaces').selectAll().execute();
 */
export function createDb(url: string, options: { max?: number } = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'governance-platform',
  });
  // A dropped idle connection (server restart) must not crash the process; the pool
  // replaces it on the next checkout.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
