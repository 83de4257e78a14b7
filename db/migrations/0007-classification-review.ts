import { sql, type Kysely } from 'kysely';

/**
 * `column_classifications`: the information types proposed for a column and what stewards
 * decided about them, one row per (column asset, type).
 *
 * - Scans write `suggested` rows with their confidence, evidence and engine version, and
 *   replace them on the next scan that samples the column.
 * - A steward moves a row to `approved` or `rejected`, or adds an `approved` one by hand
 *   (`source` = `steward`). Scans never touch decided rows: an approval is kept, and a
 *   rejection keeps that type from being proposed for that column again.
 * - `workspace_id` and `data_source_id` copy the asset's, so review queues filter and page
 *   on this table alone, with the same permission filters as the catalog.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('column_classifications')
    .addColumn('asset_id', 'uuid', (c) =>
      c.notNull().references('catalog_assets.id').onDelete('cascade'),
    )
    .addColumn('info_type', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('data_source_id', 'uuid', (c) =>
      c.notNull().references('data_sources.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('suggested')
        .check(sql`status in ('suggested', 'approved', 'rejected')`),
    )
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('rules', 'custom', 'llm', 'steward')`),
    )
    .addColumn('confidence', 'real', (c) =>
      c.notNull().check(sql`confidence >= 0 and confidence <= 1`),
    )
    .addColumn('evidence', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('engine_version', 'text')
    .addColumn('scan_run_id', 'uuid', (c) => c.references('scan_runs.id').onDelete('set null'))
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('note', 'text', (c) => c.check(sql`char_length(note) <= 2000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('column_classifications_pkey', ['asset_id', 'info_type'])
    .execute();
  // The review queue: a workspace's or a source's suggestions, newest first.
  await db.schema
    .createIndex('column_classifications_queue_idx')
    .on('column_classifications')
    .columns(['workspace_id', 'status', 'updated_at', 'asset_id', 'info_type'])
    .execute();
  await db.schema
    .createIndex('column_classifications_source_idx')
    .on('column_classifications')
    .columns(['data_source_id', 'status'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('column_classifications').ifExists().execute();
}
