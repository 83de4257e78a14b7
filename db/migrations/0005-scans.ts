import { sql, type Kysely } from 'kysely';

/**
 * What the durable scan needs in the database rather than in workflow history:
 *
 * - `scan_datasets`, the manifest of one run: every container and dataset discovery found,
 *   in discovery order (`seq`), grouped into `batch`es (0 holds the containers), with its
 *   structure as JSON, the stage it reached and, when it failed, why. Written by `discover`
 *   and advanced batch by batch, so 100,000 datasets never pass through Temporal.
 * - `scan_changes`, the diff of one run against the catalog: assets added, removed and
 *   type-changed, unique per (run, fqn, change) so that a retried batch records nothing twice.
 * - progress columns on `scan_runs` and the run that deleted a catalog asset.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scan_datasets')
    .addColumn('scan_run_id', 'uuid', (c) =>
      c.notNull().references('scan_runs.id').onDelete('cascade'),
    )
    // Byte order ("C"): lists page in the same order on every server, served by the key.
    .addColumn('fqn', sql`text collate "C"`, (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('batch', 'integer', (c) => c.notNull())
    .addColumn('item_kind', 'text', (c) =>
      c.notNull().check(sql`item_kind in ('container', 'dataset')`),
    )
    .addColumn('dataset', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'sampled', 'done', 'failed')`),
    )
    .addColumn('error_kind', 'text')
    .addColumn('error', 'text')
    .addColumn('sample_rows', 'integer')
    .addColumn('classification', 'jsonb')
    .addColumn('compliance', 'jsonb')
    // Set once the dataset's batch reached the catalog: counts each dataset once in progress.
    .addColumn('settled_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('scan_datasets_pkey', ['scan_run_id', 'fqn'])
    .execute();
  // Every batch activity reads its batch in discovery order.
  await db.schema
    .createIndex('scan_datasets_batch_idx')
    .on('scan_datasets')
    .columns(['scan_run_id', 'batch', 'seq'])
    .execute();
  // The errors of a run, without visiting its 100,000 good rows.
  await db.schema
    .createIndex('scan_datasets_failed_idx')
    .on('scan_datasets')
    .columns(['scan_run_id', 'fqn'])
    .where(sql.ref('status'), '=', 'failed')
    .execute();

  await db.schema
    .createTable('scan_changes')
    .addColumn('scan_run_id', 'uuid', (c) =>
      c.notNull().references('scan_runs.id').onDelete('cascade'),
    )
    .addColumn('fqn', sql`text collate "C"`, (c) => c.notNull())
    .addColumn('change', 'text', (c) =>
      c.notNull().check(sql`change in ('added', 'removed', 'type-changed')`),
    )
    .addColumn('asset_kind', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'uuid', (c) => c.references('catalog_assets.id').onDelete('set null'))
    .addColumn('dataset_fqn', 'text')
    .addColumn('column_name', 'text')
    .addColumn('old_type', 'text')
    .addColumn('new_type', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('scan_changes_pkey', ['scan_run_id', 'fqn', 'change'])
    .execute();

  await db.schema
    .alterTable('scan_runs')
    .addColumn('stage_timings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('datasets_failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('containers_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('batches_total', 'integer', (c) => c.notNull().defaultTo(0))
    // Set when discovery wrote the whole manifest: only then may a run mark assets deleted.
    .addColumn('discovered_at', 'timestamptz')
    .addColumn('samples_expire_at', 'timestamptz')
    .execute();
  // The API answers "a scan is already running" from this without asking Temporal.
  await db.schema
    .createIndex('scan_runs_active_idx')
    .on('scan_runs')
    .column('data_source_id')
    .where(sql.ref('status'), 'in', sql`('queued', 'running')`)
    .execute();

  await db.schema
    .alterTable('catalog_assets')
    .addColumn('deleted_by_scan_id', 'uuid', (c) =>
      c.references('scan_runs.id').onDelete('set null'),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('catalog_assets').dropColumn('deleted_by_scan_id').execute();
  await db.schema.dropIndex('scan_runs_active_idx').ifExists().execute();
  await db.schema
    .alterTable('scan_runs')
    .dropColumn('stage_timings')
    .dropColumn('datasets_failed')
    .dropColumn('containers_total')
    .dropColumn('batches_total')
    .dropColumn('discovered_at')
    .dropColumn('samples_expire_at')
    .execute();
  await db.schema.dropTable('scan_changes').ifExists().execute();
  await db.schema.dropTable('scan_datasets').ifExists().execute();
}
