import { sql, type Kysely } from 'kysely';
import type { Database, ScanStatus } from '../schema.js';
import type { ScanRunError, ScanStageTimings } from './scan-runs.js';

type Db = Kysely<Database>;

/**
 * The scan run and its source as the activities need them.
 *
 * @example
 * const { workspaceId, mode } = (await loadScanRunContext(db, scanRunId, dataSourceId))!;
 */
export interface ScanRunContext {
  scanRunId: string;
  dataSourceId: string;
  workspaceId: string;
  mode: 'full' | 'incremental';
  status: ScanStatus;
}

/**
 * The run, checked to belong to `dataSourceId`; undefined when either is gone.
 *
 * @example
 * const run = await loadScanRunContext(db, scanRunId, dataSourceId);
 */
export async function loadScanRunContext(
  db: Db,
  scanRunId: string,
  dataSourceId: string,
): Promise<ScanRunContext | undefined> {
  const row = await db
    .selectFrom('scan_runs as r')
    .innerJoin('data_sources as s', 's.id', 'r.data_source_id')
    .select(['r.id', 'r.data_source_id', 's.workspace_id', 'r.mode', 'r.status'])
    .where('r.id', '=', scanRunId)
    .where('r.data_source_id', '=', dataSourceId)
    .executeTakeFirst();
  return (
    row && {
      scanRunId: row.id,
      dataSourceId: row.data_source_id,
      workspaceId: row.workspace_id,
      mode: row.mode,
      status: row.status,
    }
  );
}

/**
 * Moves a queued run to running (the start time and Temporal run id are kept from the first
 * attempt). False when the run has already ended, e.g. cancelled before it started.
 *
 * @example
 * if (!(await markScanRunning(db, scanRunId, info.workflowExecution.runId))) return;
 */
export async function markScanRunning(
  db: Db,
  scanRunId: string,
  runId: string | null,
): Promise<boolean> {
  const result = await db
    .updateTable('scan_runs')
    .set({
      status: 'running',
      stage: 'prepare',
      started_at: sql`coalesce(started_at, now())`,
      run_id: sql`coalesce(run_id, ${runId})`,
    })
    .where('id', '=', scanRunId)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Records the stage a run is in and its timings so far.
 *
 * @example
 * await recordScanStage(db, scanRunId, 'process', timings);
 */
export async function recordScanStage(
  db: Db,
  scanRunId: string,
  stage: string,
  timings: ScanStageTimings,
): Promise<void> {
  // An ended run keeps its final stage and timings (a late event must not reopen them).
  await db
    .updateTable('scan_runs')
    .set({ stage, stage_timings: JSON.stringify(timings) })
    .where('id', '=', scanRunId)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

/**
 * Records that discovery wrote the whole manifest, with its totals.
 *
 * @example
 * await markDiscovered(db, scanRunId, { datasets: 1000, containers: 12, columns: 20000, batches: 20 });
 */
export async function markDiscovered(
  db: Db,
  scanRunId: string,
  totals: { datasets: number; containers: number; columns: number; batches: number },
): Promise<void> {
  await db
    .updateTable('scan_runs')
    .set({
      stats: sql`stats || jsonb_build_object('columns', ${totals.columns}::int)`,
      tables_total: totals.datasets,
      containers_total: totals.containers,
      batches_total: totals.batches,
      discovered_at: sql`coalesce(discovered_at, now())`,
    })
    .where('id', '=', scanRunId)
    .execute();
}

/**
 * When this run's samples expire (the bucket's lifecycle rule removes them then).
 *
 * @example
 * await recordSamplesExpiry(db, scanRunId, 30);
 */
export async function recordSamplesExpiry(db: Db, scanRunId: string, days: number): Promise<void> {
  await db
    .updateTable('scan_runs')
    .set({
      samples_expire_at: sql`coalesce(samples_expire_at, now() + make_interval(days => ${days}))`,
    })
    .where('id', '=', scanRunId)
    .execute();
}

/**
 * Ends a run: its outcome, error, statistics and final timings. A run that has already
 * ended keeps its outcome (a retried finalisation changes nothing).
 *
 * @example
 * await finishScanRun(db, scanRunId, { status: 'failed', error: { message, kind: 'authentication' } });
 */
export async function finishScanRun(
  db: Db,
  scanRunId: string,
  outcome: {
    status: Extract<ScanStatus, 'succeeded' | 'failed' | 'cancelled'>;
    error?: ScanRunError | null;
    stats?: Record<string, unknown>;
    timings?: ScanStageTimings;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('scan_runs')
    .set({
      status: outcome.status,
      stage: 'done',
      finished_at: sql`now()`,
      error: outcome.error ? JSON.stringify(outcome.error) : null,
      ...(outcome.stats ? { stats: JSON.stringify(outcome.stats) } : {}),
      ...(outcome.timings ? { stage_timings: JSON.stringify(outcome.timings) } : {}),
    })
    .where('id', '=', scanRunId)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Counts of a run's manifest for its statistics.
 *
 * @example
 * const counts = await manifestCounts(db, scanRunId);
 */
export async function manifestCounts(
  db: Db,
  scanRunId: string,
): Promise<{ pending: number; done: number; failed: number; sampledRows: number }> {
  return db
    .selectFrom('scan_datasets')
    .select([
      sql<number>`(count(*) filter (where item_kind = 'dataset' and settled_at is null))::int`.as(
        'pending',
      ),
      sql<number>`(count(*) filter (where item_kind = 'dataset' and status = 'done'))::int`.as(
        'done',
      ),
      sql<number>`(count(*) filter (where status = 'failed'))::int`.as('failed'),
      sql<number>`coalesce(sum(sample_rows), 0)::int`.as('sampledRows'),
    ])
    .where('scan_run_id', '=', scanRunId)
    .executeTakeFirstOrThrow();
}

/**
 * What a run's classification found, for its statistics: columns classified, sensitive,
 * sent to the adjudicator, and columns per accepted information type.
 *
 * @example
 * const { byInfoType } = await classificationCounts(db, scanRunId); // { EMAIL_ADDRESS: 3, … }
 */
export async function classificationCounts(
  db: Db,
  scanRunId: string,
): Promise<{
  columns: number;
  sensitiveColumns: number;
  adjudicated: number;
  approved: number;
  byInfoType: Record<string, number>;
}> {
  const { rows } = await sql<{
    info_type: string | null;
    columns: number;
    sensitive: number;
    adjudicated: number;
    approved: number;
  }>`
    select c ->> 'infoType' as info_type,
           count(*)::int as columns,
           (count(*) filter (where (c ->> 'sensitive')::boolean))::int as sensitive,
           (count(*) filter (where (c ->> 'adjudicated')::boolean))::int as adjudicated,
           (count(*) filter (where c ->> 'status' = 'approved'))::int as approved
      from scan_datasets d
     cross join lateral jsonb_array_elements(d.classification -> 'columns') as c
     where d.scan_run_id = ${scanRunId} and d.classification is not null
     group by 1
     order by 1`.execute(db);
  const counts = {
    columns: 0,
    sensitiveColumns: 0,
    adjudicated: 0,
    approved: 0,
    byInfoType: {} as Record<string, number>,
  };
  for (const row of rows) {
    counts.columns += row.columns;
    counts.sensitiveColumns += row.sensitive;
    counts.adjudicated += row.adjudicated;
    counts.approved += row.approved;
    if (row.info_type !== null) counts.byInfoType[row.info_type] = row.columns;
  }
  return counts;
}
