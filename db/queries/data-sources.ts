import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { keysetPage, type Page, type PageRequest } from '../keyset-page.js';
import type { Database } from '../schema.js';

/** A data source as stored: clear settings, sealed secrets, never decrypted here. */
export interface DataSourceRecord {
  id: string;
  workspaceId: string;
  name: string;
  scanner: string;
  settings: Record<string, unknown>;
  secretCiphertext: Buffer | null;
  secretKeyId: string | null;
  /** What whoever runs the source says about it (`hipaa`, `production`), sorted. */
  tags: string[];
  /** Where the data lives (`eu-west-1`); null when nobody said. */
  region: string | null;
  createdBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = [
  'id',
  'workspace_id',
  'name',
  'scanner',
  'settings',
  'secret_ciphertext',
  'secret_key_id',
  'tags',
  'region',
  'created_by',
  'version',
  'created_at',
  'updated_at',
] as const;

type Row = {
  id: string;
  workspace_id: string;
  name: string;
  scanner: string;
  settings: Record<string, unknown>;
  secret_ciphertext: Buffer | null;
  secret_key_id: string | null;
  tags: string[];
  region: string | null;
  created_by: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
};

const toRecord = (row: Row): DataSourceRecord => ({
  id: row.id,
  workspaceId: row.workspace_id,
  name: row.name,
  scanner: row.scanner,
  settings: row.settings,
  secretCiphertext: row.secret_ciphertext,
  secretKeyId: row.secret_key_id,
  tags: row.tags,
  region: row.region,
  createdBy: row.created_by,
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** @example const source = await findDataSource(db, id); */
export async function findDataSource(
  db: Kysely<Database>,
  id: string,
): Promise<DataSourceRecord | undefined> {
  const row = await db
    .selectFrom('data_sources')
    .select(COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toRecord(row);
}

/** Data sources the caller may see (`visibleTo` from the CASL rules), by name, one page. */
export async function listDataSources(
  db: Kysely<Database>,
  filters: { visibleTo: Expression<SqlBool>; workspaceId?: string },
  page: PageRequest<{ name: string; id: string }>,
): Promise<Page<DataSourceRecord>> {
  const result = await keysetPage({
    ...page,
    fetch: ({ limit, after }) => {
      let query = db
        .selectFrom('data_sources')
        .select(COLUMNS)
        .where(filters.visibleTo)
        .orderBy('name')
        .orderBy('id')
        .limit(limit);
      if (filters.workspaceId) query = query.where('workspace_id', '=', filters.workspaceId);
      if (after) query = query.where(sql<boolean>`(name, id) > (${after.name}, ${after.id}::uuid)`);
      return query.execute();
    },
    cursorOf: (row) => ({ name: row.name, id: row.id }),
  });
  return { items: result.items.map(toRecord), nextCursor: result.nextCursor };
}

/**
 * What a create or an update writes. `tags` (checked, deduplicated and sorted by the caller)
 * and `region` left out mean no tags and no region on insert, unchanged on update.
 *
 * @example
 * const write: DataSourceWrite = { name: 'shop', settings, secretCiphertext: null, secretKeyId: null, tags: ['hipaa'] };
 */
export interface DataSourceWrite {
  name: string;
  settings: Record<string, unknown>;
  secretCiphertext: Buffer | null;
  secretKeyId: string | null;
  tags?: string[];
  region?: string | null;
}

/**
 * Inserts a data source under a caller-chosen id (the sealed secrets are bound to it);
 * undefined when the workspace already has a source of that name.
 */
export async function insertDataSource(
  db: Kysely<Database>,
  input: DataSourceWrite & { id: string; workspaceId: string; scanner: string; createdBy: string },
): Promise<DataSourceRecord | undefined> {
  const row = await db
    .insertInto('data_sources')
    .values({
      id: input.id,
      workspace_id: input.workspaceId,
      name: input.name,
      scanner: input.scanner,
      settings: JSON.stringify(input.settings),
      secret_ciphertext: input.secretCiphertext,
      secret_key_id: input.secretKeyId,
      tags: input.tags ?? [],
      region: input.region ?? null,
      created_by: input.createdBy,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
  return row && toRecord(row);
}

/**
 * Replaces name, settings and secrets (and tags and region when given) if still at
 * `version`; undefined when stale.
 */
export async function updateDataSource(
  db: Kysely<Database>,
  id: string,
  version: number,
  change: DataSourceWrite,
): Promise<DataSourceRecord | undefined> {
  const row = await db
    .updateTable('data_sources')
    .set((eb) => ({
      name: change.name,
      settings: JSON.stringify(change.settings),
      secret_ciphertext: change.secretCiphertext,
      secret_key_id: change.secretKeyId,
      ...(change.tags !== undefined && { tags: change.tags }),
      ...(change.region !== undefined && { region: change.region }),
      version: eb('version', '+', 1),
      updated_at: sql`now()`,
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .returning(COLUMNS)
    .executeTakeFirst();
  return row && toRecord(row);
}

/** Deletes a data source (its scans and catalog assets go with it) if still at `version`. */
export async function deleteDataSource(
  db: Kysely<Database>,
  id: string,
  version: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('data_sources')
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Whether a scan of the data source is queued or running. */
export async function hasActiveScan(db: Kysely<Database>, dataSourceId: string): Promise<boolean> {
  const row = await db
    .selectFrom('scan_runs')
    .select('id')
    .where('data_source_id', '=', dataSourceId)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return row !== undefined;
}
