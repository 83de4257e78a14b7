import { sql, type Kysely } from 'kysely';
import { SENSITIVITY_LEVELS } from '../../core/permissions/vocabulary.js';
import type { Database, Sensitivity } from '../schema.js';

type Db = Kysely<Database>;

/**
 * Where assets are written: the source, its workspace, and the run that saw them.
 *
 * @example
 * const scope: CatalogScope = { workspaceId, dataSourceId, scanRunId };
 */
export interface CatalogScope {
  workspaceId: string;
  dataSourceId: string;
  scanRunId: string;
}

/**
 * One asset as a scan found it.
 *
 * @example
 * await upsertAssets(trx, scope, [{ fqn: 'shop.public', kind: 'container', name: 'public', parentFqn: 'shop', dataType: null, description: null, properties: {}, fingerprint: null, sensitivity: null }]);
 */
export interface AssetWrite {
  fqn: string;
  kind: string;
  name: string;
  parentFqn: string | null;
  dataType: string | null;
  description: string | null;
  properties: Record<string, unknown>;
  fingerprint: string | null;
  /** Applied when the asset is new, and later only to raise it (see `raiseSensitivities`). */
  sensitivity: Sensitivity | null;
}

/**
 * An asset as the catalog holds it before a batch is written.
 *
 * @example
 * const before = (await findAssets(trx, dataSourceId, [fqn])).get(fqn); before?.deleted;
 */
export interface ExistingAsset {
  id: string;
  fqn: string;
  kind: string;
  name: string;
  dataType: string | null;
  parentId: string | null;
  deleted: boolean;
}

/**
 * Keys of `properties` that only a sampling scan computes. An incremental scan that skipped
 * sampling an unchanged dataset leaves them out, and the catalog keeps the previous values.
 */
const DERIVED_KEYS = ['classification'] as const;

const mergedProperties = sql.raw(
  [
    'excluded.properties',
    ...DERIVED_KEYS.map(
      (key) =>
        `(case when excluded.properties ? '${key}' or not catalog_assets.properties ? '${key}' then '{}'::jsonb ` +
        `else jsonb_build_object('${key}', catalog_assets.properties -> '${key}') end)`,
    ),
  ].join(' || '),
);

/**
 * Inserts or updates assets keyed by (data source, fqn), in one statement. Parents are found
 * by `parentFqn` among assets already written (write parents in an earlier call). Every
 * asset is marked seen by the run and undeleted; `version` and `updated_at` move only when
 * something a reader sees changed, so a rescan of an unchanged source does not break the
 * `If-Match` of a steward editing an asset. Returns the ids by fqn.
 *
 * @example
 * const ids = await upsertAssets(trx, scope, [{ fqn: 'shop.public', kind: 'container', … }]);
 */
export async function upsertAssets(
  db: Db,
  scope: CatalogScope,
  assets: readonly AssetWrite[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (assets.length === 0) return ids;
  // Postgres refuses to update one row twice in a statement: a duplicate fqn keeps its first.
  const seen = new Set<string>();
  const rows = assets
    .filter((asset) => !seen.has(asset.fqn) && seen.add(asset.fqn))
    .map((asset) => ({
      fqn: asset.fqn,
      kind: asset.kind,
      name: asset.name,
      parent_fqn: asset.parentFqn,
      data_type: asset.dataType,
      description: asset.description,
      properties: asset.properties,
      fingerprint: asset.fingerprint,
      sensitivity: asset.sensitivity,
    }));
  const changed = sql`(catalog_assets.deleted_at is not null or
    (catalog_assets.parent_id, catalog_assets.kind, catalog_assets.name, catalog_assets.data_type,
     catalog_assets.description, catalog_assets.fingerprint, catalog_assets.properties)
    is distinct from
    (excluded.parent_id, excluded.kind, excluded.name, excluded.data_type,
     excluded.description, excluded.fingerprint, ${mergedProperties}))`;
  const { rows: written } = await sql<{ id: string; fqn: string }>`
    insert into catalog_assets
           (workspace_id, data_source_id, parent_id, kind, fqn, name, data_type, description,
            properties, fingerprint, sensitivity, first_seen_scan_id, last_seen_scan_id)
    select ${scope.workspaceId}::uuid, ${scope.dataSourceId}::uuid, p.id, r.kind, r.fqn, r.name,
           r.data_type, r.description, coalesce(r.properties, '{}'::jsonb), r.fingerprint,
           coalesce(r.sensitivity, 'internal'), ${scope.scanRunId}::uuid, ${scope.scanRunId}::uuid
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
             fqn text, kind text, name text, parent_fqn text, data_type text, description text,
             properties jsonb, fingerprint text, sensitivity text)
      left join catalog_assets p
        on p.data_source_id = ${scope.dataSourceId}::uuid and p.fqn = r.parent_fqn
    on conflict (data_source_id, fqn) do update
       set parent_id = excluded.parent_id,
           kind = excluded.kind,
           name = excluded.name,
           data_type = excluded.data_type,
           description = excluded.description,
           properties = ${mergedProperties},
           fingerprint = excluded.fingerprint,
           last_seen_scan_id = excluded.last_seen_scan_id,
           deleted_at = null,
           deleted_by_scan_id = null,
           version = catalog_assets.version + (case when ${changed} then 1 else 0 end),
           updated_at = case when ${changed} then now() else catalog_assets.updated_at end
    returning id, fqn`.execute(db);
  for (const row of written) ids.set(row.fqn, row.id);
  await raiseSensitivities(db, scope, rows);
  return ids;
}

/**
 * Raises the sensitivity of assets a scan now finds more sensitive (a column that came to
 * hold diagnoses, a table that gained one), and never lowers it: a lower level may be a
 * steward's call, and the catalog's read filters must not lag behind the data.
 */
async function raiseSensitivities(
  db: Db,
  scope: CatalogScope,
  rows: readonly { fqn: string; sensitivity: Sensitivity | null }[],
): Promise<void> {
  const raised = rows.filter((row) => row.sensitivity !== null);
  if (raised.length === 0) return;
  await sql`
    update catalog_assets a
       set sensitivity = r.sensitivity, version = a.version + 1, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(raised)}::jsonb) as r(fqn text, sensitivity text)
     where a.data_source_id = ${scope.dataSourceId}::uuid and a.fqn = r.fqn
       and array_position(${[...SENSITIVITY_LEVELS]}::text[], r.sensitivity) > array_position(${[...SENSITIVITY_LEVELS]}::text[], a.sensitivity::text)`.execute(
    db,
  );
}

/**
 * The assets of a source with these fqns, deleted ones included.
 *
 * @example
 * const existing = await findAssets(trx, dataSourceId, ['shop.public.orders']);
 */
export async function findAssets(
  db: Db,
  dataSourceId: string,
  fqns: readonly string[],
): Promise<Map<string, ExistingAsset>> {
  const found = new Map<string, ExistingAsset>();
  if (fqns.length === 0) return found;
  const rows = await db
    .selectFrom('catalog_assets')
    .select(['id', 'fqn', 'kind', 'name', 'data_type', 'parent_id', 'deleted_at'])
    .where('data_source_id', '=', dataSourceId)
    .where(sql<boolean>`fqn = any(${[...fqns]}::text[])`)
    .execute();
  for (const row of rows) {
    found.set(row.fqn, {
      id: row.id,
      fqn: row.fqn,
      kind: row.kind,
      name: row.name,
      dataType: row.data_type,
      parentId: row.parent_id,
      deleted: row.deleted_at !== null,
    });
  }
  return found;
}

/**
 * Live columns of these datasets whose fqn is not among `keep`: columns dropped from a
 * dataset that is still there.
 *
 * @example
 * const dropped = await findDroppedColumns(trx, [datasetId], currentColumnFqns);
 */
export async function findDroppedColumns(
  db: Db,
  datasetIds: readonly string[],
  keep: readonly string[],
): Promise<ExistingAsset[]> {
  if (datasetIds.length === 0) return [];
  const rows = await db
    .selectFrom('catalog_assets')
    .select(['id', 'fqn', 'kind', 'name', 'data_type', 'parent_id'])
    .where(sql<boolean>`parent_id = any(${[...datasetIds]}::uuid[])`)
    .where('kind', '=', 'column')
    .where('deleted_at', 'is', null)
    // A hashed anti-join: `<> all(array)` would compare every column with every kept fqn.
    .where(sql<boolean>`fqn not in (select unnest(${[...keep]}::text[]))`)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    fqn: row.fqn,
    kind: row.kind,
    name: row.name,
    dataType: row.data_type,
    parentId: row.parent_id,
    deleted: false,
  }));
}

/**
 * Marks assets deleted by this run.
 *
 * @example
 * await markAssetsDeleted(trx, scanRunId, dropped.map((column) => column.id));
 */
export async function markAssetsDeleted(
  db: Db,
  scanRunId: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('catalog_assets')
    .set((eb) => ({
      deleted_at: sql`now()`,
      deleted_by_scan_id: scanRunId,
      version: eb('version', '+', 1),
      updated_at: sql`now()`,
    }))
    .where(sql<boolean>`id = any(${[...ids]}::uuid[])`)
    .where('deleted_at', 'is', null)
    .execute();
}

/**
 * Columns of a source that the catalog holds as `confidential` or `restricted`: their
 * sampled values are masked before they are stored. Each maps to the information type of its
 * catalog summary (null when there is none): the sampler runs that type's value check on the
 * values before masking them, so a fix in the source still shows in the evidence.
 *
 * @example
 * const masked = await sensitiveColumns(db, dataSourceId, columnFqns);
 * masked.get('shop.sales.payments.card_number'); // 'CREDIT_CARD'
 */
export async function sensitiveColumns(
  db: Db,
  dataSourceId: string,
  fqns: readonly string[],
): Promise<Map<string, string | null>> {
  if (fqns.length === 0) return new Map();
  const rows = await db
    .selectFrom('catalog_assets')
    .select([
      'fqn',
      // The first rule classifier's summaries listed `infoTypes: [{id}]`.
      sql<string | null>`coalesce(properties -> 'classification' ->> 'infoType',
                                  properties -> 'classification' -> 'infoTypes' -> 0 ->> 'id')`.as(
        'info_type',
      ),
    ])
    .where('data_source_id', '=', dataSourceId)
    .where('kind', '=', 'column')
    .where('sensitivity', 'in', ['confidential', 'restricted'])
    .where(sql<boolean>`fqn = any(${[...fqns]}::text[])`)
    .execute();
  return new Map(rows.map((row) => [row.fqn, row.info_type]));
}

/**
 * The classification the catalog holds for these columns (`properties.classification`), for
 * columns whose values a scan saw masked only and so cannot judge again.
 *
 * @example
 * const previous = await storedClassifications(db, dataSourceId, maskedColumnFqns);
 */
export async function storedClassifications(
  db: Db,
  dataSourceId: string,
  fqns: readonly string[],
): Promise<Map<string, unknown>> {
  if (fqns.length === 0) return new Map();
  const rows = await db
    .selectFrom('catalog_assets')
    .select(['fqn', sql<unknown>`properties -> 'classification'`.as('classification')])
    .where('data_source_id', '=', dataSourceId)
    .where(sql<boolean>`fqn = any(${[...fqns]}::text[])`)
    .where(sql<boolean>`properties ? 'classification'`)
    .execute();
  return new Map(rows.map((row) => [row.fqn, row.classification]));
}
