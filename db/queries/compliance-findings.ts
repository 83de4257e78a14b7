import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { cursorTime, olderThanCursor } from '../keyset-sql.js';
import { keysetPage, type Page, type PageRequest } from '../keyset-page.js';
import type { ComplianceSeverity, ComplianceStatus, Database, Sensitivity } from '../schema.js';

type Db = Kysely<Database>;

/**
 * What a finding is now, derived when it is read (never stored): `open` while it fails
 * without an approved, unexpired waiver; `waived` while one covers it; `resolved` once it
 * passes or stopped applying. An expiring waiver therefore reopens a finding by itself.
 */
export const FINDING_STATES = ['open', 'waived', 'resolved'] as const;
export type FindingState = (typeof FINDING_STATES)[number];

/**
 * The live waiver of a finding (requested, or approved even if expired), as lists show it.
 *
 * @example
 * finding.waiver?.status === 'approved';
 */
export interface FindingWaiver {
  id: string;
  status: 'requested' | 'approved';
  reason: string;
  expiresAt: string;
  requestedBy: string | null;
  decidedBy: string | null;
}

/**
 * A compliance result that is or was failing, with its asset, source and live waiver.
 * `customRule` is the definition of the workspace's own rule of that id, if there is one;
 * the API resolves titles from the built-in packs first.
 *
 * @example
 * const { id, state, ruleId, asset, waiver } = finding;
 */
export interface FindingRecord {
  id: string;
  workspaceId: string;
  state: FindingState;
  status: ComplianceStatus;
  ruleId: string;
  framework: string;
  severity: ComplianceSeverity;
  evidence: Record<string, unknown>;
  asset: { id: string; fqn: string; kind: string; name: string; sensitivity: Sensitivity };
  dataSource: { id: string; name: string };
  openedAt: string;
  resolvedAt: string | null;
  updatedAt: string;
  waiver: FindingWaiver | null;
  customRule: Record<string, unknown> | null;
}

/**
 * Filters of finding lists and exports; `visibleTo` is the caller's read filter on
 * `ComplianceFinding` (it reads `catalog_assets.sensitivity`, joined here).
 *
 * @example
 * const filter: FindingFilter = { visibleTo, state: 'open', severity: ['high', 'critical'] };
 */
export interface FindingFilter {
  visibleTo: Expression<SqlBool>;
  state?: FindingState;
  workspaceId?: string;
  dataSourceId?: string;
  framework?: string;
  severity?: readonly string[];
  ruleId?: string;
  assetId?: string;
  id?: string;
}

/** Newest failure first; the time travels as text with microseconds (see `CURSOR_TIME`). */
export type FindingCursor = { at: string; id: string };

const waived = sql<boolean>`(w.status = 'approved' and w.expires_at > now())`;
const stateSql = sql<FindingState>`case when compliance_results.status <> 'fail' then 'resolved'
  when ${waived} then 'waived' else 'open' end`;

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : null);

function findingsQuery(db: Db, filter: FindingFilter) {
  let query = db
    .selectFrom('compliance_results')
    .innerJoin('catalog_assets', 'catalog_assets.id', 'compliance_results.asset_id')
    .innerJoin('data_sources', 'data_sources.id', 'compliance_results.data_source_id')
    // At most one waiver is live per result (a partial unique index), so this is it.
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('compliance_waivers')
          .select(['id', 'status', 'reason', 'expires_at', 'requested_by', 'decided_by'])
          .whereRef('compliance_waivers.result_id', '=', 'compliance_results.id')
          .where('compliance_waivers.status', 'in', ['requested', 'approved'])
          .orderBy('compliance_waivers.created_at', 'desc')
          .limit(1)
          .as('w'),
      (join) => join.onTrue(),
    )
    .leftJoin('compliance_rules', (join) =>
      join
        .onRef('compliance_rules.workspace_id', '=', 'compliance_results.workspace_id')
        .onRef('compliance_rules.rule_id', '=', 'compliance_results.rule_id'),
    )
    .where(filter.visibleTo)
    // A finding is a result that failed at least once: failing now, or resolved since.
    .where('compliance_results.opened_at', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('compliance_results.status', '=', 'fail'),
        eb('compliance_results.resolved_at', 'is not', null),
      ]),
    );
  const r = 'compliance_results' as const;
  if (filter.id) query = query.where(`${r}.id`, '=', filter.id);
  if (filter.workspaceId) query = query.where(`${r}.workspace_id`, '=', filter.workspaceId);
  if (filter.dataSourceId) query = query.where(`${r}.data_source_id`, '=', filter.dataSourceId);
  if (filter.framework) query = query.where(`${r}.framework`, '=', filter.framework);
  if (filter.severity?.length) {
    query = query.where(`${r}.severity`, 'in', filter.severity as ComplianceSeverity[]);
  }
  if (filter.ruleId) query = query.where(`${r}.rule_id`, '=', filter.ruleId);
  if (filter.assetId) query = query.where(`${r}.asset_id`, '=', filter.assetId);
  if (filter.state) {
    // The status test is implied by the state; spelled out so the findings index applies.
    query = query
      .where(`${r}.status`, filter.state === 'resolved' ? '<>' : '=', 'fail')
      .where(stateSql, '=', filter.state);
  }
  return query.select([
    'compliance_results.id',
    'compliance_results.workspace_id',
    'compliance_results.status',
    'compliance_results.rule_id',
    'compliance_results.framework',
    'compliance_results.severity',
    'compliance_results.evidence',
    'compliance_results.opened_at',
    'compliance_results.resolved_at',
    'compliance_results.updated_at',
    'catalog_assets.id as asset_id',
    'catalog_assets.fqn as asset_fqn',
    'catalog_assets.kind as asset_kind',
    'catalog_assets.name as asset_name',
    'catalog_assets.sensitivity as asset_sensitivity',
    'data_sources.id as source_id',
    'data_sources.name as source_name',
    'w.id as waiver_id',
    'w.status as waiver_status',
    'w.reason as waiver_reason',
    'w.expires_at as waiver_expires_at',
    'w.requested_by as waiver_requested_by',
    'w.decided_by as waiver_decided_by',
    'compliance_rules.definition as custom_rule',
    stateSql.as('state'),
    cursorTime('compliance_results.opened_at').as('opened_key'),
  ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof findingsQuery>['execute']>>[number];

function toRecord(row: Row): FindingRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    state: row.state,
    status: row.status,
    ruleId: row.rule_id,
    framework: row.framework,
    severity: row.severity,
    evidence: row.evidence,
    asset: {
      id: row.asset_id,
      fqn: row.asset_fqn,
      kind: row.asset_kind,
      name: row.asset_name,
      sensitivity: row.asset_sensitivity,
    },
    dataSource: { id: row.source_id, name: row.source_name },
    openedAt: iso(row.opened_at)!,
    resolvedAt: iso(row.resolved_at),
    updatedAt: iso(row.updated_at)!,
    waiver: row.waiver_id
      ? {
          id: row.waiver_id,
          status: row.waiver_status as FindingWaiver['status'],
          reason: row.waiver_reason!,
          expiresAt: iso(row.waiver_expires_at)!,
          requestedBy: row.waiver_requested_by ?? null,
          decidedBy: row.waiver_decided_by ?? null,
        }
      : null,
    customRule: (row.custom_rule as Record<string, unknown> | null) ?? null,
  };
}

/**
 * One page of the findings the caller may read, newest failure first.
 *
 * @example
 * const page = await listFindings(db, { visibleTo, state: 'open' }, { limit: 50, after: null });
 */
export async function listFindings(
  db: Db,
  filter: FindingFilter,
  page: PageRequest<FindingCursor>,
): Promise<Page<FindingRecord>> {
  const result = await keysetPage<Row, FindingCursor>({
    ...page,
    cursorOf: (row) => ({ at: row.opened_key, id: row.id }),
    fetch: async ({ limit, after }) => {
      let query = findingsQuery(db, filter);
      if (after) {
        query = query.where(
          olderThanCursor('compliance_results.opened_at', 'compliance_results.id', after),
        );
      }
      return query
        .orderBy('compliance_results.opened_at', 'desc')
        .orderBy('compliance_results.id', 'desc')
        .limit(limit)
        .execute();
    },
  });
  return { items: result.items.map(toRecord), nextCursor: result.nextCursor };
}

/**
 * One finding by id, whoever may read it (the caller checks access on what it returns:
 * `workspaceId` and `asset.sensitivity`).
 *
 * @example
 * const finding = await findFinding(db, id);
 */
export async function findFinding(db: Db, id: string): Promise<FindingRecord | undefined> {
  const row = await findingsQuery(db, { visibleTo: sql<SqlBool>`true`, id }).executeTakeFirst();
  return row && toRecord(row);
}

/**
 * The transitions of one result between evaluations, oldest first.
 *
 * @example
 * const history = await findingHistory(db, findingId); // [{ from: null, to: 'fail', … }]
 */
export async function findingHistory(
  db: Db,
  resultId: string,
): Promise<
  { evaluationId: string; from: ComplianceStatus | null; to: ComplianceStatus; at: string }[]
> {
  const rows = await db
    .selectFrom('compliance_result_changes')
    .select(['evaluation_id', 'from_status', 'to_status', 'at'])
    .where('result_id', '=', resultId)
    .orderBy('at')
    .orderBy('evaluation_id')
    .execute();
  return rows.map((row) => ({
    evaluationId: row.evaluation_id,
    from: row.from_status,
    to: row.to_status,
    at: row.at.toISOString(),
  }));
}
