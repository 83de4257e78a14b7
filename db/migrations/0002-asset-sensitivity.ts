import { sql, type Kysely } from 'kysely';

/**
 * How sensitive a catalog asset is, so that permission rules such as "viewers read assets up
 * to `internal`" can be applied in SQL. The levels are spelled out here rather than imported:
 * a migration must keep meaning what it meant when it ran.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('catalog_assets')
    .addColumn('sensitivity', 'text', (c) =>
      c
        .notNull()
        .defaultTo('internal')
        .check(sql`sensitivity in ('public', 'internal', 'confidential', 'restricted')`),
    )
    .execute();
  await db.schema
    .createIndex('catalog_assets_workspace_sensitivity_idx')
    .on('catalog_assets')
    .columns(['workspace_id', 'sensitivity'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('catalog_assets_workspace_sensitivity_idx').ifExists().execute();
  await db.schema.alterTable('catalog_assets').dropColumn('sensitivity').execute();
}
