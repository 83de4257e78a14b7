import { sql, type Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Database, Sensitivity } from '../schema.js';

type Db = Kysely<Database>;

/**
 * A person accountable for an asset, as the API shows them.
 *
 * @example
 * const owner: AssetOwner = { userId, displayName: 'Ada', email: 'ada@example.test' };
 */
export interface AssetOwner {
  userId: string;
  displayName: string;
  email: string;
}

/**
 * A catalog asset with its curated facts (tags, owners). `workspaceId` and `sensitivity`
 * are what the permission rules read.
 *
 * @example
 * const asset = await findCatalogAsset(db, id); asset?.owners.map((o) => o.email);
 */
export interface CatalogAssetRecord {
  id: string;
  workspaceId: string;
  dataSourceId: string;
  parentId: string | null;
  kind: string;
  fqn: string;
  name: string;
  dataType: string | null;
  description: string | null;
  sensitivity: Sensitivity;
  tags: string[];
  owners: AssetOwner[];
  properties: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/**
 * One asset by id, deleted ones included (they stay in the catalog with `deletedAt`, and a
 * rescan that finds them again brings them back with their tags and owners).
 *
 * @example
 * const asset = await findCatalogAsset(db, assetId);
 */
export async function findCatalogAsset(
  db: Db,
  id: string,
): Promise<CatalogAssetRecord | undefined> {
  const row = await db
    .selectFrom('catalog_assets as a')
    .select((eb) => [
      'a.id',
      'a.workspace_id',
      'a.data_source_id',
      'a.parent_id',
      'a.kind',
      'a.fqn',
      'a.name',
      'a.data_type',
      'a.description',
      'a.sensitivity',
      'a.tags',
      'a.properties',
      'a.version',
      'a.created_at',
      'a.updated_at',
      'a.deleted_at',
      jsonArrayFrom(
        eb
          .selectFrom('asset_owners as o')
          .innerJoin('users as u', 'u.id', 'o.user_id')
          .select(['u.id as userId', 'u.display_name as displayName', 'u.email'])
          .whereRef('o.asset_id', '=', 'a.id')
          .orderBy('u.display_name')
          .orderBy('u.id'),
      ).as('owners'),
    ])
    .where('a.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    dataSourceId: row.data_source_id,
    parentId: row.parent_id,
    kind: row.kind,
    fqn: row.fqn,
    name: row.name,
    dataType: row.data_type,
    description: row.description,
    sensitivity: row.sensitivity,
    tags: row.tags,
    owners: row.owners,
    properties: row.properties,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    deletedAt: row.deleted_at?.toISOString() ?? null,
  };
}

/**
 * The ids among `userIds` that are not members of the workspace (unknown users included,
 * so the answer says nothing about who exists elsewhere), in the order given.
 *
 * @example
 * const outsiders = await nonMembers(db, asset.workspaceId, body.owners);
 */
export async function nonMembers(
  db: Db,
  workspaceId: string,
  userIds: readonly string[],
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('workspace_memberships')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`user_id = any(${[...userIds]}::uuid[])`)
    .execute();
  const members = new Set(rows.map((row) => row.user_id));
  return userIds.filter((id) => !members.has(id));
}

/**
 * Writes an asset's curated facts if it is still at `version`: `tags` replace the tags,
 * `owners` the owner set (owners kept keep their `created_at`); either may be left out.
 * `version` and `updated_at` move either way. Returns false when the asset changed
 * meanwhile (nothing written). Run it in the transaction of the audit entry.
 *
 * @example
 * const done = await updateAssetCuration(trx, asset.id, asset.version, { tags, owners });
 */
export async function updateAssetCuration(
  db: Db,
  id: string,
  version: number,
  change: { tags?: readonly string[]; owners?: readonly string[] },
): Promise<boolean> {
  // The version check comes first and locks the row, so a racing write waits and then
  // finds the version moved: owners are never changed on top of a stale read.
  const updated = await db
    .updateTable('catalog_assets')
    .set((eb) => ({
      ...(change.tags && { tags: [...change.tags] }),
      version: eb('version', '+', 1),
      updated_at: sql`now()`,
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return false;
  if (change.owners) {
    const owners = [...change.owners];
    let removed = db.deleteFrom('asset_owners').where('asset_id', '=', id);
    if (owners.length > 0) {
      removed = removed.where(sql<boolean>`user_id <> all(${owners}::uuid[])`);
    }
    await removed.execute();
    if (owners.length > 0) {
      await db
        .insertInto('asset_owners')
        .values(owners.map((userId) => ({ asset_id: id, user_id: userId })))
        .onConflict((oc) => oc.columns(['asset_id', 'user_id']).doNothing())
        .execute();
    }
  }
  return true;
}
