import { sql, type Kysely } from 'kysely';

const now = sql`now()`;
const uuidPk = sql`gen_random_uuid()`;

/**
 * The tables the platform's first capabilities stand on: tenancy, identity, data sources,
 * scan runs, the catalog and the audit log. Every mutable row carries a `version` for
 * optimistic concurrency (`If-Match`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(uuidPk))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(uuidPk))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'invited', 'disabled')`),
    )
    .addColumn('is_platform_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('users_email_key')
    .on('users')
    .unique()
    .expression(sql`lower(email)`)
    .execute();

  await db.schema
    .createTable('workspace_memberships')
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('admin', 'data_steward', 'data_engineer', 'viewer')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('workspace_memberships_pkey', ['workspace_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('workspace_memberships_user_idx')
    .on('workspace_memberships')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('data_sources')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(uuidPk))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scanner', 'text', (c) => c.notNull())
    .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('secret_ciphertext', 'bytea')
    .addColumn('secret_key_id', 'text')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('data_sources_workspace_name_key', ['workspace_id', 'name'])
    .execute();

  await db.schema
    .createTable('scan_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(uuidPk))
    .addColumn('data_source_id', 'uuid', (c) =>
      c.notNull().references('data_sources.id').onDelete('cascade'),
    )
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('mode', 'text', (c) =>
      c
        .notNull()
        .defaultTo('full')
        .check(sql`mode in ('full', 'incremental')`),
    )
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')`),
    )
    .addColumn('stage', 'text')
    .addColumn('tables_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tables_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stats', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('error', 'jsonb')
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('scan_runs_source_created_idx')
    .on('scan_runs')
    .columns(['data_source_id', 'created_at desc'])
    .execute();

  await db.schema
    .createTable('catalog_assets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(uuidPk))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('data_source_id', 'uuid', (c) =>
      c.notNull().references('data_sources.id').onDelete('cascade'),
    )
    .addColumn('parent_id', 'uuid', (c) => c.references('catalog_assets.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('fqn', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('data_type', 'text')
    .addColumn('description', 'text')
    .addColumn('properties', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('fingerprint', 'text')
    .addColumn('first_seen_scan_id', 'uuid', (c) =>
      c.references('scan_runs.id').onDelete('set null'),
    )
    .addColumn('last_seen_scan_id', 'uuid', (c) =>
      c.references('scan_runs.id').onDelete('set null'),
    )
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('catalog_assets_source_fqn_key', ['data_source_id', 'fqn'])
    .execute();
  await db.schema
    .createIndex('catalog_assets_parent_idx')
    .on('catalog_assets')
    .column('parent_id')
    .execute();
  await db.schema
    .createIndex('catalog_assets_workspace_kind_idx')
    .on('catalog_assets')
    .columns(['workspace_id', 'kind'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('actor_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'uuid', (c) => c.references('workspaces.id').onDelete('set null'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('request_id', 'text')
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute();
  await db.schema
    .createIndex('audit_log_occurred_idx')
    .on('audit_log')
    .columns(['occurred_at desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('audit_log_object_idx')
    .on('audit_log')
    .columns(['object_type', 'object_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_log',
    'catalog_assets',
    'scan_runs',
    'data_sources',
    'workspace_memberships',
    'users',
    'workspaces',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
