import { sql, type Kysely } from 'kysely';
import { keysetPage, type Page, type PageRequest } from '../keyset-page.js';
import type { Database, ScanStatus } from '../schema.js';

export { listScanDiff, scanDiffSummary } from './scan-changes.js';
export type { ScanChange, ScanDiffCursor, ScanDiffSummary } from './scan-changes.js';

type Db = Kysely<Database>;

/**
 * Stages of a scan in the order they run; `batches` is the fan-out over the batches of datasets.
 *
 * @example
 * const stage: ScanStage = 'discover';
 */
export type ScanStage =
  'queued' | 'prepare' | 'discover' | 'batches' | 'compliance' | 'finalize' | 'done';

/**
 * Wall time of one stage.
 *
 * @example
 * const timing: StageTiming = { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:02.500Z', ms: 2500 };
 */
export interface StageTiming {
  startedAt: string;
  finishedAt?: string;
  ms?: number;
}

/**
 * Per-stage timings of a run: wall time of the sequential stages, and the time activities
 * spent per batch step summed over batches (`busyMs`; batches overlap, so these can add up
 * to more than the wall time of `batches`).
 *
 * @example
 * const seconds = (run.timings.discover?.ms ?? 0) / 1000;
 */
export interface ScanStageTimings {
  prepare?: StageTiming;
  discover?: StageTiming;
  batches?: StageTiming;
  compliance?: StageTiming;
  finalize?: StageTiming;
  busyMs?: { sample: number; classify: number; compliance: number; catalog: number };
}

/**
 * Why a run failed, as stored in `scan_runs.error`.
 *
 * @example
 * const error: ScanRunError = { message: 'authentication failed: wrong password for user "scanner" on PostgreSQL db:5432', kind: 'authentication', stage: 'prepare' };
 */
export interface ScanRunError {
  message: string;
  /** The scanner's error kind (`authentication`, `network`, …) when the scanner failed. */
  kind?: string;
  stage?: string;
}

/**
 * A scan run as stored, with its data source's workspace for permission checks.
 *
 * @example
 * const run: ScanRunRecord | undefined = await findScanRun(db, id);
 */
export interface ScanRunRecord {
  id: string;
  dataSourceId: string;
  workspaceId: string;
  workflowId: string;
  runId: string | null;
  mode: 'full' | 'incremental';
  status: ScanStatus;
  stage: string | null;
  requestedBy: string | null;
  datasetsTotal: number;
  datasetsDone: number;
  datasetsFailed: number;
  containersTotal: number;
  batchesTotal: number;
  stats: Record<string, unknown>;
  timings: ScanStageTimings;
  error: ScanRunError | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  discoveredAt: string | null;
  samplesExpireAt: string | null;
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/**
 * One scan run with the workspace of its data source, or undefined.
 *
 * @example
 * const run = await findScanRun(db, id);
 * if (!run || !ability.can('read', subject('ScanRun', run))) return notFound();
 */
export async function findScanRun(db: Db, id: string): Promise<ScanRunRecord | undefined> {
  const row = await db
    .selectFrom('scan_runs as r')
    .innerJoin('data_sources as s', 's.id', 'r.data_source_id')
    .selectAll('r')
    .select('s.workspace_id')
    .where('r.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    dataSourceId: row.data_source_id,
    workspaceId: row.workspace_id,
    workflowId: row.workflow_id,
    runId: row.run_id,
    mode: row.mode,
    status: row.status,
    stage: row.stage,
    requestedBy: row.requested_by,
    datasetsTotal: row.tables_total,
    datasetsDone: row.tables_done,
    datasetsFailed: row.datasets_failed,
    containersTotal: row.containers_total,
    batchesTotal: row.batches_total,
    stats: row.stats,
    timings: row.stage_timings as ScanStageTimings,
    error: (row.error as ScanRunError | null) ?? null,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    discoveredAt: iso(row.discovered_at),
    samplesExpireAt: iso(row.samples_expire_at),
  };
}

/**
 * A dataset that could not be scanned, and why.
 *
 * @example
 * const { items } = await listScanErrors(db, scanRunId, { limit: 20, after: null }); items[0]?.kind; // 'not-found'
 */
export interface ScanDatasetError {
  fqn: string;
  /** The scanner's error kind: `not-found`, `corrupt`, `permission`, … */
  kind: string | null;
  message: string | null;
}

/**
 * What `GET /api/v1/scans/:id` shows: status, stage, progress and rate, timings per stage,
 * the first dataset errors with their total, and the run's own error.
 *
 * @example
 * const view: ScanRunView = await scanRunView(db, run);
 */
export interface ScanRunView {
  id: string;
  dataSourceId: string;
  workspaceId: string;
  status: ScanStatus;
  mode: 'full' | 'incremental';
  stage: string | null;
  requestedBy: string | null;
  datasets: { total: number; done: number; failed: number };
  containers: number;
  batches: number;
  /** Datasets settled per second of the run so far (or in all); null before any settled. */
  rate: number | null;
  timings: ScanStageTimings;
  /** Capped at `errorLimit`; `total` counts them all (page on with `listScanErrors`). */
  errors: { total: number; items: ScanDatasetError[] };
  stats: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  samplesExpireAt: string | null;
  error: ScanRunError | null;
}

/**
 * Builds the API view of a run: adds its first dataset errors (capped) and the rate.
 *
 * @example
 * const run = await findScanRun(db, id);
 * return c.json(await scanRunView(db, run!, { errorLimit: 20 }));
 */
export async function scanRunView(
  db: Db,
  run: ScanRunRecord,
  options: { errorLimit?: number; now?: Date } = {},
): Promise<ScanRunView> {
  const limit = options.errorLimit ?? 50;
  const errors = await listScanErrors(db, run.id, { limit, after: null });
  const total =
    errors.nextCursor === null
      ? errors.items.length
      : (
          await db
            .selectFrom('scan_datasets')
            .select(sql<number>`count(*)::int`.as('n'))
            .where('scan_run_id', '=', run.id)
            .where('status', '=', 'failed')
            .executeTakeFirstOrThrow()
        ).n;
  return {
    id: run.id,
    dataSourceId: run.dataSourceId,
    workspaceId: run.workspaceId,
    status: run.status,
    mode: run.mode,
    stage: run.stage,
    requestedBy: run.requestedBy,
    datasets: { total: run.datasetsTotal, done: run.datasetsDone, failed: run.datasetsFailed },
    containers: run.containersTotal,
    batches: run.batchesTotal,
    rate: rateOf(run, options.now ?? new Date()),
    timings: run.timings,
    errors: { total, items: errors.items },
    stats: run.stats,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    samplesExpireAt: run.samplesExpireAt,
    error: run.error,
  };
}

function rateOf(run: ScanRunRecord, now: Date): number | null {
  if (!run.startedAt || run.datasetsDone === 0) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now.getTime();
  const seconds = (end - Date.parse(run.startedAt)) / 1000;
  return seconds > 0 ? Math.round((run.datasetsDone / seconds) * 10) / 10 : null;
}

/**
 * The datasets of a run that failed, in fqn order, one page at a time.
 *
 * @example
 * const page = await listScanErrors(db, scanRunId, { limit: 50, after: null });
 */
export async function listScanErrors(
  db: Db,
  scanRunId: string,
  page: PageRequest<{ fqn: string }>,
): Promise<Page<ScanDatasetError>> {
  return keysetPage({
    ...page,
    fetch: async ({ limit, after }) => {
      let query = db
        .selectFrom('scan_datasets')
        .select(['fqn', 'error_kind', 'error'])
        .where('scan_run_id', '=', scanRunId)
        .where('status', '=', 'failed')
        .orderBy('fqn')
        .limit(limit);
      if (after) query = query.where('fqn', '>', after.fqn);
      const rows = await query.execute();
      return rows.map((row) => ({ fqn: row.fqn, kind: row.error_kind, message: row.error }));
    },
    cursorOf: (error) => ({ fqn: error.fqn }),
  });
}
