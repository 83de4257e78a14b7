import { sql, type Kysely } from 'kysely';

const now = sql`now()`;
// Spelled out rather than imported: a migration must keep meaning what it meant when it ran.
const SEVERITY_CHECK = sql`severity in ('low', 'medium', 'high', 'critical')`;

/**
 * Compliance rule packs, their results and waivers, and the curated facts rules look at.
 *
 * - `data_sources.tags` and `region`: set by whoever runs the source (e.g. `hipaa`, `eu-west-1`).
 * - `catalog_assets.tags` and `asset_owners`: curated by stewards; scans never write them.
 * - `compliance_rules`: a workspace's own rules, stored as validated data (never code).
 * - `compliance_evaluations`: one row per evaluation of a data source, unique per scan run
 *   (a retried activity finds its evaluation and changes nothing), with counts for trends.
 * - `compliance_results`: the current result of each (asset, rule) that applied at least
 *   once: `pass`, `fail`, or `not_applicable` once it stopped applying. A `fail` row is a
 *   finding; `opened_at`/`resolved_at` date its current state.
 * - `compliance_result_changes`: every transition of a result (opened, resolved, reopened),
 *   so a finding's history and a source's trend can be read back.
 * - `compliance_waivers`: a reason and an expiry, requested and decided by people. An
 *   approved waiver counts only until it expires, so expiry reopens the finding by itself.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('data_sources')
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('region', 'text', (c) => c.check(sql`char_length(region) between 1 and 64`))
    .execute();
  await db.schema
    .alterTable('catalog_assets')
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
  // The per-batch compliance step is gone: rules now judge the catalog after a scan, and the
  // findings it left on datasets would only contradict theirs.
  await db.schema.alterTable('scan_datasets').dropColumn('compliance').execute();
  await sql`update catalog_assets set properties = properties - 'compliance'
             where properties ? 'compliance'`.execute(db);

  await db.schema
    .createTable('asset_owners')
    .addColumn('asset_id', 'uuid', (c) =>
      c.notNull().references('catalog_assets.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('asset_owners_pkey', ['asset_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('compliance_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('pack', 'text', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('compliance_rules_workspace_rule_key', ['workspace_id', 'rule_id'])
    .execute();

  await db.schema
    .createTable('compliance_evaluations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('data_source_id', 'uuid', (c) =>
      c.notNull().references('data_sources.id').onDelete('cascade'),
    )
    .addColumn('scan_run_id', 'uuid', (c) =>
      c.unique().references('scan_runs.id').onDelete('set null'),
    )
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('rules_digest', 'text', (c) => c.notNull())
    .addColumn('rules', 'integer', (c) => c.notNull())
    .addColumn('assets', 'integer', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('opened', 'integer', (c) => c.notNull())
    .addColumn('resolved', 'integer', (c) => c.notNull())
    /** Failed results by framework and severity: `{ "GDPR": { "high": 3 } }`. */
    .addColumn('failed_by', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('compliance_evaluations_source_idx')
    .on('compliance_evaluations')
    .columns(['data_source_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('compliance_results')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('data_source_id', 'uuid', (c) =>
      c.notNull().references('data_sources.id').onDelete('cascade'),
    )
    .addColumn('asset_id', 'uuid', (c) =>
      c.notNull().references('catalog_assets.id').onDelete('cascade'),
    )
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('framework', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull().check(SEVERITY_CHECK))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pass', 'fail', 'not_applicable')`),
    )
    .addColumn('evidence', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('opened_at', 'timestamptz')
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('evaluation_id', 'uuid', (c) =>
      c.notNull().references('compliance_evaluations.id').onDelete('cascade'),
    )
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('compliance_results_asset_rule_key', ['asset_id', 'rule_id'])
    .execute();
  // Finding lists: a workspace's failures, newest first, paged by (opened_at, id).
  await db.schema
    .createIndex('compliance_results_findings_idx')
    .on('compliance_results')
    .columns(['workspace_id', 'status', 'opened_at', 'id'])
    .execute();
  await db.schema
    .createIndex('compliance_results_source_idx')
    .on('compliance_results')
    .columns(['data_source_id', 'status'])
    .execute();

  await db.schema
    .createTable('compliance_result_changes')
    .addColumn('result_id', 'uuid', (c) =>
      c.notNull().references('compliance_results.id').onDelete('cascade'),
    )
    .addColumn('evaluation_id', 'uuid', (c) =>
      c.notNull().references('compliance_evaluations.id').onDelete('cascade'),
    )
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('compliance_result_changes_pkey', ['result_id', 'evaluation_id'])
    .execute();

  await db.schema
    .createTable('compliance_waivers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('result_id', 'uuid', (c) =>
      c.notNull().references('compliance_results.id').onDelete('cascade'),
    )
    .addColumn('reason', 'text', (c) =>
      c.notNull().check(sql`char_length(reason) between 10 and 2000`),
    )
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('requested')
        .check(sql`status in ('requested', 'approved', 'rejected', 'revoked')`),
    )
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_note', 'text', (c) => c.check(sql`char_length(decision_note) <= 2000`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  // At most one live waiver (requested or approved) per finding.
  await db.schema
    .createIndex('compliance_waivers_live_key')
    .on('compliance_waivers')
    .unique()
    .column('result_id')
    .where(sql<boolean>`status in ('requested', 'approved')`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'compliance_waivers',
    'compliance_result_changes',
    'compliance_results',
    'compliance_evaluations',
    'compliance_rules',
    'asset_owners',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.alterTable('scan_datasets').addColumn('compliance', 'jsonb').execute();
  await db.schema.alterTable('catalog_assets').dropColumn('tags').execute();
  await db.schema.alterTable('data_sources').dropColumn('tags').dropColumn('region').execute();
}
