import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { SENSITIVITY_LEVELS } from '../../core/permissions/vocabulary.js';
import { keysetPage, type Page, type PageRequest } from '../keyset-page.js';
import type {
  ClassificationSource,
  ClassificationStatus,
  Database,
  Sensitivity,
} from '../schema.js';

type Db = Kysely<Database>;

/**
 * A column asset as the review routes check and change it.
 *
 * @example
 * const asset = await findColumnAsset(db, id); asset?.kind === 'column';
 */
export interface ReviewedAsset {
  id: string;
  workspaceId: string;
  dataSourceId: string;
  kind: string;
  fqn: string;
  sensitivity: Sensitivity;
  version: number;
}

/**
 * One row of `column_classifications`, with its column's fqn, as the API shows it.
 *
 * @example
 * const { infoType, status, confidence, evidence } = row;
 */
export interface ClassificationRow {
  assetId: string;
  fqn: string;
  workspaceId: string;
  dataSourceId: string;
  infoType: string;
  status: ClassificationStatus;
  source: ClassificationSource;
  confidence: number;
  evidence: Record<string, unknown>[];
  engineVersion: string | null;
  scanRunId: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * A catalog asset by id, deleted ones excluded.
 *
 * @example
 * const asset = await findColumnAsset(db, assetId);
 */
export async function findColumnAsset(db: Db, id: string): Promise<ReviewedAsset | undefined> {
  return db
    .selectFrom('catalog_assets')
    .select([
      'id',
      'workspace_id as workspaceId',
      'data_source_id as dataSourceId',
      'kind',
      'fqn',
      'sensitivity',
      'version',
    ])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

const rowColumns = [
  'c.asset_id as assetId',
  'catalog_assets.fqn',
  'c.workspace_id as workspaceId',
  'c.data_source_id as dataSourceId',
  'c.info_type as infoType',
  'c.status',
  'c.source',
  'c.confidence',
  'c.evidence',
  'c.engine_version as engineVersion',
  'c.scan_run_id as scanRunId',
  'c.decided_by as decidedBy',
  'c.decided_at as decidedAt',
  'c.note',
  'c.created_at as createdAt',
  'c.updated_at as updatedAt',
] as const;

function toRow(row: Record<string, unknown>): ClassificationRow {
  const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : null);
  return {
    ...(row as unknown as ClassificationRow),
    confidence: Math.round(Number(row.confidence) * 1000) / 1000,
    decidedAt: iso(row.decidedAt),
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}

/**
 * Every proposal and decision of one column asset, decided ones first, then by confidence.
 *
 * @example
 * const rows = await listAssetClassifications(db, assetId);
 */
export async function listAssetClassifications(
  db: Db,
  assetId: string,
): Promise<ClassificationRow[]> {
  const rows = await db
    .selectFrom('column_classifications as c')
    .innerJoin('catalog_assets', 'catalog_assets.id', 'c.asset_id')
    .select(rowColumns)
    .where('c.asset_id', '=', assetId)
    .orderBy(sql`c.status = 'suggested'`)
    .orderBy('c.confidence', 'desc')
    .orderBy('c.info_type')
    .execute();
  return rows.map(toRow);
}

/**
 * One row, or undefined.
 *
 * @example
 * const row = await findClassification(db, assetId, 'EMAIL_ADDRESS');
 */
export async function findClassification(
  db: Db,
  assetId: string,
  infoType: string,
): Promise<ClassificationRow | undefined> {
  const row = await db
    .selectFrom('column_classifications as c')
    .innerJoin('catalog_assets', 'catalog_assets.id', 'c.asset_id')
    .select(rowColumns)
    .where('c.asset_id', '=', assetId)
    .where('c.info_type', '=', infoType)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

/**
 * Filters of the review queue; `visibleTo` is the caller's read filter on catalog assets.
 *
 * @example
 * const filter: ReviewFilter = { visibleTo, workspaceId, status: 'suggested' };
 */
export interface ReviewFilter {
  visibleTo: Expression<SqlBool>;
  workspaceId?: string;
  dataSourceId?: string;
  status?: ClassificationStatus;
  infoType?: string;
}

/**
 * The queue's key: newest change first. The time travels as text with its microseconds: a
 * JavaScript Date keeps milliseconds, and every row of one scan shares its `now()`.
 */
export type ReviewCursor = { at: string; assetId: string; infoType: string };

/**
 * The review queue: classifications of the columns the caller may read, newest first.
 *
 * @example
 * const page = await listReviewQueue(db, { visibleTo, status: 'suggested' }, { limit: 50, after: null });
 */
export async function listReviewQueue(
  db: Db,
  filter: ReviewFilter,
  page: PageRequest<ReviewCursor>,
): Promise<Page<ClassificationRow>> {
  return keysetPage<ClassificationRow & { updatedKey: string }, ReviewCursor>({
    limit: page.limit,
    after: page.after,
    cursorOf: (row) => ({ at: row.updatedKey, assetId: row.assetId, infoType: row.infoType }),
    fetch: async ({ limit, after }) => {
      let query = db
        .selectFrom('column_classifications as c')
        .innerJoin('catalog_assets', 'catalog_assets.id', 'c.asset_id')
        .select(rowColumns)
        .select(
          sql<string>`to_char(c.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
            'updatedKey',
          ),
        )
        .where(filter.visibleTo)
        .where('catalog_assets.deleted_at', 'is', null);
      if (filter.workspaceId) query = query.where('c.workspace_id', '=', filter.workspaceId);
      if (filter.dataSourceId) query = query.where('c.data_source_id', '=', filter.dataSourceId);
      if (filter.status) query = query.where('c.status', '=', filter.status);
      if (filter.infoType) query = query.where('c.info_type', '=', filter.infoType);
      if (after) {
        query = query.where(
          sql<boolean>`(c.updated_at, c.asset_id, c.info_type) < (${after.at}::timestamptz, ${after.assetId}::uuid, ${after.infoType})`,
        );
      }
      const rows = await query
        .orderBy('c.updated_at', 'desc')
        .orderBy('c.asset_id', 'desc')
        .orderBy('c.info_type', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ ...toRow(row), updatedKey: row.updatedKey }));
    },
  }).then((page) => ({
    ...page,
    items: page.items.map(({ updatedKey: _key, ...row }) => row),
  }));
}

/**
 * Records a steward's decision on (asset, type): the row becomes `approved` or `rejected`,
 * created (source `steward`) when the engine had not proposed that type. Returns the row.
 *
 * @example
 * await recordDecision(trx, { asset, infoType: 'EMAIL_ADDRESS', status: 'approved', userId, note: null });
 */
export async function recordDecision(
  db: Db,
  decision: {
    asset: ReviewedAsset;
    infoType: string;
    status: 'approved' | 'rejected';
    userId: string | null;
    note: string | null;
  },
): Promise<void> {
  const { asset } = decision;
  await db
    .insertInto('column_classifications')
    .values({
      asset_id: asset.id,
      info_type: decision.infoType,
      workspace_id: asset.workspaceId,
      data_source_id: asset.dataSourceId,
      status: decision.status,
      source: 'steward',
      confidence: 1,
      evidence: JSON.stringify([]),
      decided_by: decision.userId,
      decided_at: sql<Date>`now()`,
      note: decision.note,
    })
    .onConflict((oc) =>
      oc.columns(['asset_id', 'info_type']).doUpdateSet({
        status: decision.status,
        decided_by: decision.userId,
        decided_at: sql<Date>`now()`,
        note: decision.note,
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

/**
 * Takes a decision back: a type the engine had proposed is `suggested` again (the next scan
 * re-evaluates it), one a steward had added by hand is removed. Returns whether a decided
 * row was found.
 *
 * @example
 * await withdrawDecision(trx, assetId, 'EMAIL_ADDRESS');
 */
export async function withdrawDecision(
  db: Db,
  assetId: string,
  infoType: string,
): Promise<boolean> {
  const removed = await db
    .deleteFrom('column_classifications')
    .where('asset_id', '=', assetId)
    .where('info_type', '=', infoType)
    .where('source', '=', 'steward')
    .where('status', '!=', 'suggested')
    .executeTakeFirst();
  if (removed.numDeletedRows > 0n) return true;
  const reset = await db
    .updateTable('column_classifications')
    .set({
      status: 'suggested',
      decided_by: null,
      decided_at: null,
      note: null,
      updated_at: sql<Date>`now()`,
    })
    .where('asset_id', '=', assetId)
    .where('info_type', '=', infoType)
    .where('status', '!=', 'suggested')
    .executeTakeFirst();
  return reset.numUpdatedRows > 0n;
}

/**
 * Raises a column asset's sensitivity to at least `level` (never lowers it: a steward's
 * stricter choice stands) and moves its version when it changed. Returns the new level.
 *
 * @example
 * await raiseSensitivity(trx, asset, 'restricted'); // 'restricted', or what it already was
 */
export async function raiseSensitivity(
  db: Db,
  asset: ReviewedAsset,
  level: Sensitivity,
): Promise<Sensitivity> {
  // The comparison is in the statement: two approvals at once never lower the level.
  const levels = [...SENSITIVITY_LEVELS];
  const row = await db
    .updateTable('catalog_assets')
    .set({ sensitivity: level, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', asset.id)
    .where(
      sql<boolean>`array_position(${levels}::text[], sensitivity) < array_position(${levels}::text[], ${level}::text)`,
    )
    .returning('sensitivity')
    .executeTakeFirst();
  if (row) return row.sensitivity;
  const current = await db
    .selectFrom('catalog_assets')
    .select('sensitivity')
    .where('id', '=', asset.id)
    .executeTakeFirst();
  return current?.sensitivity ?? asset.sensitivity;
}

/**
 * Brings a column's catalog summary (`properties.classification`) in line with a decision at
 * once, rather than at the next scan: an approved type becomes the column's type with the
 * steward as its first evidence, followed by what the engine found for that type; rejecting
 * the column's current type clears it. Moves the asset's version when the summary changed.
 *
 * @example
 * await applyDecisionToSummary(trx, assetId, { infoType: 'EMAIL_ADDRESS', status: 'approved', sensitivity: 'confidential', by: userId });
 */
export async function applyDecisionToSummary(
  db: Db,
  assetId: string,
  decision: {
    infoType: string;
    status: 'approved' | 'rejected';
    sensitivity: Sensitivity | null;
    by: string | null;
  },
): Promise<void> {
  const summary =
    decision.status === 'approved'
      ? sql`coalesce(properties -> 'classification', '{}'::jsonb) || jsonb_build_object(
            'infoType', ${decision.infoType}::text, 'status', 'approved',
            'sensitive', ${decision.sensitivity !== 'public'}::boolean,
            'sensitivity', ${decision.sensitivity}::text, 'confidence', 1,
            'evidence', jsonb_build_array(jsonb_build_object(
              'detector', 'steward', 'status', 'approved', 'by', ${decision.by}::text,
              'at', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
              -- What the engine saw stays beside the decision: compliance rules read its
              -- value check (a clear card number approved as such is still in clear).
              || coalesce((select cc.evidence from column_classifications cc
                            where cc.asset_id = catalog_assets.id
                              and cc.info_type = ${decision.infoType}::text), '[]'::jsonb))`
      : sql`(properties -> 'classification') || jsonb_build_object(
            'infoType', null, 'status', null, 'sensitive', false, 'sensitivity', null,
            'confidence', 0)`;
  await sql`
    update catalog_assets
       set properties = jsonb_set(properties, '{classification}', ${summary}),
           version = version + 1,
           updated_at = now()
     where id = ${assetId}::uuid
       and (${decision.status} = 'approved'
            or properties -> 'classification' ->> 'infoType' = ${decision.infoType})
       and (properties -> 'classification') is distinct from ${summary}`.execute(db);
}
