import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** Every row of every table, as sorted JSON text per table. */
export type DatabaseSnapshot = Record<string, string[]>;

/**
 * Reads every row of every table of the platform schema (the migrator's own tables left
 * out), so a test can assert that a refused request changed nothing at all, in tables that
 * exist today and in those added later.
 *
 * @example
 * const before = await snapshotDatabase(db);
 * // …refused requests…
 * expect(await snapshotDatabase(db)).toEqual(before);
 */
export async function snapshotDatabase(db: Kysely<Database>): Promise<DatabaseSnapshot> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
      and table_name not like 'kysely\\_%'
    order by table_name`.execute(db);
  const snapshot: DatabaseSnapshot = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ row: string }>`
      select to_jsonb(t)::text as row from ${sql.table(name)} as t`.execute(db);
    snapshot[name] = rows.map((r) => r.row).sort();
  }
  return snapshot;
}

/** The newest audit entry's id, to find the entries written after a point in a test. */
export async function lastAuditId(db: Kysely<Database>): Promise<bigint> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return BigInt(row?.id ?? 0);
}

/** Audit entries written after `afterId`, oldest first. */
export async function auditEntriesAfter(db: Kysely<Database>, afterId: bigint) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('id', '>', String(afterId))
    .orderBy('id')
    .execute();
}
