import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { appliedMigrations, migrateToLatest } from '../../db/migrate.js';
import { migrations } from '../../db/migrations/index.js';
import { createDb } from '../../db/connection.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const ALL = Object.keys(migrations);

describe('migrations', () => {
  let empty: TestDatabase;
  beforeAll(async () => {
    empty = await createTestDatabase({ empty: true });
  });
  afterAll(async () => {
    await empty?.drop();
  });

  it('build the whole schema from an empty database', async () => {
    expect(await migrateToLatest(empty.db)).toEqual(ALL);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(
      empty.db,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'asset_owners',
      'audit_log',
      'catalog_assets',
      'classifiers',
      'column_classifications',
      'compliance_evaluations',
      'compliance_result_changes',
      'compliance_results',
      'compliance_rules',
      'compliance_waivers',
      'data_sources',
      'info_type_settings',
      'refresh_tokens',
      'scan_changes',
      'scan_datasets',
      'scan_runs',
      'user_invitations',
      'users',
      'workspace_memberships',
      'workspaces',
    ]);
    expect(await appliedMigrations(empty.db)).toEqual(ALL);
  });

  it('are idempotent: a second run applies nothing and keeps the data', async () => {
    await empty.db.insertInto('workspaces').values({ slug: 'kept', name: 'Kept' }).execute();
    expect(await migrateToLatest(empty.db)).toEqual([]);
    const row = await empty.db.selectFrom('workspaces').select('slug').executeTakeFirst();
    expect(row?.slug).toBe('kept');
  });

  it('can run from several processes at once (API and worker start together)', async () => {
    const fresh = await createTestDatabase({ empty: true });
    const others = [createDb(fresh.url, { max: 1 }), createDb(fresh.url, { max: 1 })];
    try {
      const results = await Promise.all([fresh.db, ...others].map((db) => migrateToLatest(db)));
      expect(results.flat().sort()).toEqual(ALL);
      expect(await appliedMigrations(fresh.db)).toEqual(ALL);
    } finally {
      await Promise.all(others.map((db) => db.destroy()));
      await fresh.drop();
    }
  });

  it('enforce the rules the application relies on', async () => {
    const { db } = empty;
    await db
      .insertInto('users')
      .values({ email: 'Ada@Example.com', display_name: 'Ada' })
      .execute();
    await expect(
      db.insertInto('users').values({ email: 'ada@example.COM', display_name: 'Other' }).execute(),
    ).rejects.toThrow(/users_email_key/);
    await expect(
      db
        .insertInto('users')
        .values({ email: 'bob@example.com', display_name: 'Bob', status: 'weird' as never })
        .execute(),
    ).rejects.toThrow(/check constraint/);
  });
});
