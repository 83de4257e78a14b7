import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { cursorTime, olderThanCursor } from '../keyset-sql.js';
import { keysetPage, type Page, type PageRequest } from '../keyset-page.js';
import type { Database } from '../schema.js';
import type { EvaluationCounts } from './compliance-results.js';

type Db = Kysely<Database>;

/**
 * Result counts of one (data source, framework, severity): open and waived findings, and
 * passed results. The API folds these into totals per source, framework and severity.
 *
 * @example
 * const [{ open, waived, passed }] = await resultCounts(db, { visibleTo, workspaceId });
 */
export interface ResultCount {
  dataSourceId: string;
  dataSourceName: string;
  framework: string;
  severity: string;
  open: number;
  waived: number;
  passed: number;
}

/**
 * Counts the results the caller may read (`visibleTo`: the `ComplianceFinding` read filter,
 * on the joined asset's sensitivity), grouped by source, framework and severity.
 *
 * @example
 * const counts = await resultCounts(db, { visibleTo, dataSourceId });
 */
export async function resultCounts(
  db: Db,
  filter: { visibleTo: Expression<SqlBool>; workspaceId?: string; dataSourceId?: string },
): Promise<ResultCount[]> {
  const waived = sql<boolean>`exists (select 1 from compliance_waivers w
    where w.result_id = compliance_results.id and w.status = 'approved' and w.expires_at > now())`;
  let query = db
    .selectFrom('compliance_results')
    .innerJoin('catalog_assets', 'catalog_assets.id', 'compliance_results.asset_id')
    .innerJoin('data_sources', 'data_sources.id', 'compliance_results.data_source_id')
    .where(filter.visibleTo)
    .where('compliance_results.status', 'in', ['pass', 'fail']);
  if (filter.workspaceId) {
    query = query.where('compliance_results.workspace_id', '=', filter.workspaceId);
  }
  if (filter.dataSourceId) {
    query = query.where('compliance_results.data_source_id', '=', filter.dataSourceId);
  }
  const rows = await query
    .select([
      'compliance_results.data_source_id as dataSourceId',
      'data_sources.name as dataSourceName',
      'compliance_results.framework',
      'compliance_results.severity',
      sql<string>`count(*) filter (where compliance_results.status = 'fail' and not ${waived})`.as(
        'open',
      ),
      sql<string>`count(*) filter (where compliance_results.status = 'fail' and ${waived})`.as(
        'waived',
      ),
      sql<string>`count(*) filter (where compliance_results.status = 'pass')`.as('passed'),
    ])
    .groupBy([
      'compliance_results.data_source_id',
      'data_sources.name',
      'compliance_results.framework',
      'compliance_results.severity',
    ])
    .execute();
  return rows.map((row) => ({
    ...row,
    open: Number(row.open),
    waived: Number(row.waived),
    passed: Number(row.passed),
  }));
}

/**
 * One evaluation of a data source, as history and trends show it.
 *
 * @example
 * const { failed, opened, resolved, evaluatedAt } = evaluation;
 */
export interface EvaluationRecord extends EvaluationCounts {
  id: string;
  workspaceId: string;
  dataSourceId: string;
  dataSourceName: string;
  scanRunId: string | null;
  requestedBy: string | null;
  evaluatedAt: string;
}

/**
 * Evaluations are visible to whoever may read their data source (`visibleTo` on it) in a
 * workspace where they may read every finding (`workspaceIds`; absent: all): their counts
 * cover the whole source, restricted assets included.
 */
interface EvaluationFilter {
  visibleTo: Expression<SqlBool>;
  workspaceIds?: readonly string[];
  workspaceId?: string;
  dataSourceId?: string;
}

function evaluationsQuery(db: Db, filter: EvaluationFilter) {
  let query = db
    .selectFrom('compliance_evaluations as e')
    .innerJoin('data_sources', 'data_sources.id', 'e.data_source_id')
    .where(filter.visibleTo);
  if (filter.workspaceIds) {
    query = query.where(sql<boolean>`e.workspace_id = any(${[...filter.workspaceIds]}::uuid[])`);
  }
  if (filter.workspaceId) query = query.where('e.workspace_id', '=', filter.workspaceId);
  if (filter.dataSourceId) query = query.where('e.data_source_id', '=', filter.dataSourceId);
  return query.select([
    'e.id',
    'e.workspace_id as workspaceId',
    'e.data_source_id as dataSourceId',
    'data_sources.name as dataSourceName',
    'e.scan_run_id as scanRunId',
    'e.requested_by as requestedBy',
    'e.rules',
    'e.assets',
    'e.passed',
    'e.failed',
    'e.opened',
    'e.resolved',
    'e.failed_by as failedBy',
    'e.duration_ms as durationMs',
    'e.created_at',
    cursorTime('e.created_at').as('key'),
  ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof evaluationsQuery>['execute']>>[number];

const toRecord = (row: Row): EvaluationRecord => ({
  id: row.id,
  workspaceId: row.workspaceId,
  dataSourceId: row.dataSourceId,
  dataSourceName: row.dataSourceName,
  scanRunId: row.scanRunId,
  requestedBy: row.requestedBy,
  rules: row.rules,
  assets: row.assets,
  passed: row.passed,
  failed: row.failed,
  opened: row.opened,
  resolved: row.resolved,
  failedBy: row.failedBy,
  durationMs: row.durationMs,
  evaluatedAt: row.created_at.toISOString(),
});

/**
 * Evaluations the caller may see, newest first, one page.
 *
 * @example
 * const page = await listEvaluations(db, { visibleTo, dataSourceId }, { limit: 50, after: null });
 */
export async function listEvaluations(
  db: Db,
  filter: EvaluationFilter,
  page: PageRequest<{ at: string; id: string }>,
): Promise<Page<EvaluationRecord>> {
  const result = await keysetPage<Row, { at: string; id: string }>({
    ...page,
    cursorOf: (row) => ({ at: row.key, id: row.id }),
    fetch: ({ limit, after }) => {
      let query = evaluationsQuery(db, filter);
      if (after) {
        query = query.where(olderThanCursor('e.created_at', 'e.id', after));
      }
      return query.orderBy('e.created_at', 'desc').orderBy('e.id', 'desc').limit(limit).execute();
    },
  });
  return { items: result.items.map(toRecord), nextCursor: result.nextCursor };
}

/**
 * The last two evaluations of every data source the caller may see (the latest first), for
 * the trend since the previous evaluation.
 *
 * @example
 * const [latest, previous] = (await latestEvaluations(db, { visibleTo })).get(sourceId) ?? [];
 */
export async function latestEvaluations(
  db: Db,
  filter: EvaluationFilter,
): Promise<Map<string, EvaluationRecord[]>> {
  // Two index lookups per source, whatever the length of the history.
  const rows = await evaluationsQuery(db, filter)
    .where(
      sql<boolean>`e.id in (select l.id from data_sources d cross join lateral (
        select x.id from compliance_evaluations x where x.data_source_id = d.id
         order by x.created_at desc, x.id desc limit 2) l)`,
    )
    .orderBy('e.data_source_id')
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .execute();
  const bySource = new Map<string, EvaluationRecord[]>();
  for (const row of rows) {
    bySource.set(row.dataSourceId, [...(bySource.get(row.dataSourceId) ?? []), toRecord(row)]);
  }
  return bySource;
}
