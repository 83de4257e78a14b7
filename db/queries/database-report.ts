import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { appliedMigrations } from '../migrate.js';

export interface DatabaseReport {
  serverVersion: string;
  database: string;
  sizeBytes: number;
  migrations: string[];
  /** Exact row counts of the platform's own tables. */
  tables: { name: string; rows: number }[];
}

const PLATFORM_TABLES = [
  'workspaces',
  'users',
  'workspace_memberships',
  'data_sources',
  'scan_runs',
  'catalog_assets',
  'audit_log',
] as const satisfies readonly (keyof Database)[];

/** What an operator wants to know first about the platform database. */
export async function readDatabaseReport(db: Kysely<Database>): Promise<DatabaseReport> {
  const info = await sql<{ version: string; database: string; size: string }>`
    select current_setting('server_version') as version,
           current_database() as database,
           pg_database_size(current_database())::text as size`.execute(db);
  const row = info.rows[0];
  if (!row) throw new Error('the database returned no server information');
  const tables = [];
  for (const name of PLATFORM_TABLES) {
    const { rows } = await db
      .selectFrom(name)
      .select((eb) => eb.fn.countAll<string>().as('rows'))
      .executeTakeFirstOrThrow()
      .then((r) => ({ rows: Number(r.rows) }));
    tables.push({ name, rows });
  }
  return {
    serverVersion: row.version,
    database: row.database,
    sizeBytes: Number(row.size),
    migrations: await appliedMigrations(db),
    tables,
  };
}
