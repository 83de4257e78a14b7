import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { cursorTime, olderThanCursor } from '../keyset-sql.js';
import { keysetPage, type Page, type PageRequest } from '../keyset-page.js';
import type { Database, Sensitivity, WaiverStatus } from '../schema.js';

type Db = Kysely<Database>;

/**
 * A waiver with what access checks need of its finding: the asset's sensitivity, so that a
 * waiver is never more visible than the finding it excuses.
 *
 * @example
 * const waiver = await findWaiver(db, id); waiver?.status === 'requested';
 */
export interface WaiverRecord {
  id: string;
  workspaceId: string;
  findingId: string;
  dataSourceId: string;
  sensitivity: Sensitivity;
  reason: string;
  expiresAt: string;
  status: WaiverStatus;
  /** Approved and not yet expired: the finding counts as waived. */
  effective: boolean;
  requestedBy: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

function waiversQuery(db: Db) {
  return db
    .selectFrom('compliance_waivers')
    .innerJoin('compliance_results', 'compliance_results.id', 'compliance_waivers.result_id')
    .innerJoin('catalog_assets', 'catalog_assets.id', 'compliance_results.asset_id')
    .select([
      'compliance_waivers.id',
      'compliance_waivers.workspace_id',
      'compliance_waivers.result_id',
      'compliance_results.data_source_id',
      'catalog_assets.sensitivity',
      'compliance_waivers.reason',
      'compliance_waivers.expires_at',
      'compliance_waivers.status',
      'compliance_waivers.requested_by',
      'compliance_waivers.decided_by',
      'compliance_waivers.decided_at',
      'compliance_waivers.decision_note',
      'compliance_waivers.version',
      'compliance_waivers.created_at',
      'compliance_waivers.updated_at',
      sql<boolean>`compliance_waivers.status = 'approved' and compliance_waivers.expires_at > now()`.as(
        'effective',
      ),
      cursorTime('compliance_waivers.created_at').as('key'),
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof waiversQuery>['execute']>>[number];

const toRecord = (row: Row): WaiverRecord => ({
  id: row.id,
  workspaceId: row.workspace_id,
  findingId: row.result_id,
  dataSourceId: row.data_source_id,
  sensitivity: row.sensitivity,
  reason: row.reason,
  expiresAt: row.expires_at.toISOString(),
  status: row.status,
  effective: row.effective,
  requestedBy: row.requested_by,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at?.toISOString() ?? null,
  decisionNote: row.decision_note,
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** @example const waiver = await findWaiver(db, id); */
export async function findWaiver(db: Db, id: string): Promise<WaiverRecord | undefined> {
  const row = await waiversQuery(db).where('compliance_waivers.id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

/**
 * Waivers the caller may see, newest first: `visibleTo` must allow both the waiver
 * (`ComplianceWaiver`) and its finding (`ComplianceFinding`, on the joined asset).
 *
 * @example
 * const page = await listWaivers(db, { visibleTo, status: 'requested' }, { limit: 50, after: null });
 */
export async function listWaivers(
  db: Db,
  filter: {
    visibleTo: Expression<SqlBool>;
    workspaceId?: string;
    status?: WaiverStatus;
    findingId?: string;
  },
  page: PageRequest<{ at: string; id: string }>,
): Promise<Page<WaiverRecord>> {
  const result = await keysetPage<Row, { at: string; id: string }>({
    ...page,
    cursorOf: (row) => ({ at: row.key, id: row.id }),
    fetch: ({ limit, after }) => {
      let query = waiversQuery(db).where(filter.visibleTo);
      const w = 'compliance_waivers' as const;
      if (filter.workspaceId) query = query.where(`${w}.workspace_id`, '=', filter.workspaceId);
      if (filter.status) query = query.where(`${w}.status`, '=', filter.status);
      if (filter.findingId) query = query.where(`${w}.result_id`, '=', filter.findingId);
      if (after) {
        query = query.where(
          olderThanCursor('compliance_waivers.created_at', 'compliance_waivers.id', after),
        );
      }
      return query
        .orderBy('compliance_waivers.created_at', 'desc')
        .orderBy('compliance_waivers.id', 'desc')
        .limit(limit)
        .execute();
    },
  });
  return { items: result.items.map(toRecord), nextCursor: result.nextCursor };
}

/**
 * Records a waiver request, approved at once when `approvedBy` is given (a steward asking
 * decides their own request). An approved waiver of the same finding that has expired is
 * closed first (as `revoked`), since it no longer counts but would hold the one live slot.
 * Returns `'taken'` when the finding already has a live waiver.
 *
 * @example
 * const created = await insertWaiver(trx, { workspaceId, findingId, reason, expiresAt, requestedBy, approvedBy: null });
 */
export async function insertWaiver(
  db: Db,
  input: {
    workspaceId: string;
    findingId: string;
    reason: string;
    expiresAt: Date;
    requestedBy: string | null;
    approvedBy: string | null;
  },
): Promise<{ waiver: WaiverRecord; closedExpired: string[] } | 'taken'> {
  const closed = await db
    .updateTable('compliance_waivers')
    .set({ status: 'revoked', version: sql`version + 1`, updated_at: sql`now()` })
    .where('result_id', '=', input.findingId)
    .where('status', '=', 'approved')
    .where('expires_at', '<=', sql<Date>`now()`)
    .returning('id')
    .execute();
  // `on conflict … do nothing` rather than catching the unique violation: an error would
  // abort the caller's transaction, and the audit entry is written in it.
  const inserted = await db
    .insertInto('compliance_waivers')
    .values({
      workspace_id: input.workspaceId,
      result_id: input.findingId,
      reason: input.reason,
      expires_at: input.expiresAt,
      status: input.approvedBy ? 'approved' : 'requested',
      requested_by: input.requestedBy,
      decided_by: input.approvedBy,
      decided_at: input.approvedBy ? sql<Date>`now()` : null,
    })
    .onConflict((oc) =>
      oc.column('result_id').where('status', 'in', ['requested', 'approved']).doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return 'taken';
  return {
    waiver: (await findWaiver(db, inserted.id))!,
    closedExpired: closed.map((row) => row.id),
  };
}

/**
 * Moves a waiver from one of `from` to `to` if it is still at `version`; a decision records
 * who and when. Undefined when it changed meanwhile (412) or is no longer in `from`.
 *
 * @example
 * await setWaiverStatus(trx, waiver, { from: ['requested'], to: 'approved', by: userId, note: null });
 */
export async function setWaiverStatus(
  db: Db,
  current: { id: string; version: number },
  change: { from: WaiverStatus[]; to: WaiverStatus; by: string | null; note: string | null },
): Promise<WaiverRecord | undefined> {
  const decision = change.to === 'approved' || change.to === 'rejected';
  const updated = await db
    .updateTable('compliance_waivers')
    .set({
      status: change.to,
      version: sql`version + 1`,
      updated_at: sql`now()`,
      ...(decision && { decided_by: change.by, decided_at: sql<Date>`now()` }),
      ...(change.note !== null && { decision_note: change.note }),
    })
    .where('id', '=', current.id)
    .where('version', '=', current.version)
    .where('status', 'in', change.from)
    .returning('id')
    .executeTakeFirst();
  return updated && findWaiver(db, current.id);
}
