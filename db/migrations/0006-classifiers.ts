import { sql, type Kysely } from 'kysely';

const now = sql`now()`;
// Spelled out rather than imported: a migration must keep meaning what it meant when it ran.
const SENSITIVITY_CHECK = sql`sensitivity in ('public', 'internal', 'confidential', 'restricted')`;

/**
 * Stewards' own classifiers and their per-workspace settings for every information type:
 *
 * - `classifiers`: patterns and dictionaries stored as data (validated by the API, compiled
 *   by the scan on RE2), finding a built-in type or a new one of their own. A new type has a
 *   sensitivity and a built-in never does, so "one classifier per new type and workspace" is
 *   a partial unique index on rows with a sensitivity.
 * - `info_type_settings`: a workspace's overrides of a type's thresholds, or turning it off.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('classifiers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('info_type', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('category', 'text')
    .addColumn('sensitivity', 'text', (c) => c.check(SENSITIVITY_CHECK))
    .addColumn('name_patterns', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('value_patterns', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('dictionary', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('min_match_ratio', 'real', (c) =>
      c
        .notNull()
        .defaultTo(0.6)
        .check(sql`min_match_ratio between 0 and 1`),
    )
    .addColumn('confidence', 'real', (c) =>
      c
        .notNull()
        .defaultTo(0.9)
        .check(sql`confidence between 0 and 1`),
    )
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('classifiers_workspace_name_key', ['workspace_id', 'name'])
    .execute();
  await db.schema
    .createIndex('classifiers_workspace_new_type_key')
    .on('classifiers')
    .unique()
    .columns(['workspace_id', 'info_type'])
    .where(sql.ref('sensitivity'), 'is not', null)
    .execute();

  await db.schema
    .createTable('info_type_settings')
    .addColumn('workspace_id', 'uuid', (c) =>
      c.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('info_type', 'text', (c) => c.notNull())
    .addColumn('min_match_ratio', 'real', (c) => c.check(sql`min_match_ratio between 0 and 1`))
    .addColumn('min_confidence', 'real', (c) => c.check(sql`min_confidence between 0 and 1`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('info_type_settings_pkey', ['workspace_id', 'info_type'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('info_type_settings').ifExists().execute();
  await db.schema.dropTable('classifiers').ifExists().execute();
}
