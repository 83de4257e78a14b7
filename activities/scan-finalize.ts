import {
  removeUnseenAssets,
  scanDiffSummary,
  type ScanDiffSummary,
} from '../db/queries/scan-changes.js';
import {
  classificationCounts,
  finishScanRun,
  manifestCounts,
} from '../db/queries/scan-run-updates.js';
import type { ScanRunError, ScanStageTimings } from '../db/queries/scan-runs.js';
import type { ScanStatus } from '../db/schema.js';
import type { ScanActivityDeps, Timed } from './scan-deps.js';
import { evaluationOfRun } from '../db/queries/compliance-results.js';
import { publishScanEvent } from './scan-events.js';
import { elapsed, withHeartbeat } from './scan-support.js';

/**
 * Input of `finalizeScan`: how the workflow ended, and its timings.
 *
 * @example
 * await finalizeScan({ scanRunId, dataSourceId, outcome: 'cancelled', timings });
 */
export interface FinalizeInput {
  scanRunId: string;
  dataSourceId: string;
  outcome: 'succeeded' | 'failed' | 'cancelled';
  error?: ScanRunError;
  timings: ScanStageTimings;
}

/**
 * What `finalizeScan` concluded: the outcome it stored, deletions and the diff's counts.
 *
 * @example
 * const { status, removed, diff } = await finalizeScan(input);
 */
export interface FinalizeResult extends Timed {
  status: Extract<ScanStatus, 'succeeded' | 'failed' | 'cancelled'>;
  /** The run's timings with every open stage (finalize included) closed now. */
  timings: ScanStageTimings;
  /** Assets marked deleted because this run no longer found them. */
  removed: number;
  diff: ScanDiffSummary;
}

/**
 * `finalizeScan` closes a run in one transaction. Only a run that succeeded, discovered the
 * whole source and settled every dataset marks the source's assets it did not see as
 * deleted (with the time and the run) and records them as removed; a failed or cancelled
 * run, or one whose manifest is incomplete, never deletes anything, since what it did not
 * see may simply not have been looked at. Then the outcome, error and statistics are
 * stored and a `finished` event is published. Retrying it changes nothing.
 *
 * @example
 * const { finalizeScan } = createScanFinalizeActivities(deps);
 */
export function createScanFinalizeActivities(deps: ScanActivityDeps) {
  return {
    async finalizeScan(input: FinalizeInput): Promise<FinalizeResult> {
      const started = performance.now();
      const timings = closeOpenStages(input.timings, new Date());
      const result = await withHeartbeat(
        () => ({ outcome: input.outcome }),
        () =>
          deps.db.transaction().execute(async (trx) => {
            const run = await trx
              .selectFrom('scan_runs')
              .select(['discovered_at', 'stats', 'tables_total', 'containers_total', 'status'])
              .where('id', '=', input.scanRunId)
              .forUpdate()
              .executeTakeFirst();
            const counts = await manifestCounts(trx, input.scanRunId);
            let status = input.outcome;
            let error = input.error ?? null;
            let removed = 0;
            if (status === 'succeeded') {
              if (!run?.discovered_at || counts.pending > 0) {
                status = 'failed';
                error = {
                  message: `the scan ended with ${counts.pending} datasets unprocessed; nothing was marked deleted`,
                  stage: 'finalize',
                };
              } else if (run.status === 'running' || run.status === 'queued') {
                removed = await removeUnseenAssets(trx, {
                  dataSourceId: input.dataSourceId,
                  scanRunId: input.scanRunId,
                });
              }
            }
            const diff = await scanDiffSummary(trx, input.scanRunId);
            const classification = await classificationCounts(trx, input.scanRunId);
            const compliance = await evaluationOfRun(trx, input.scanRunId);
            await finishScanRun(trx, input.scanRunId, {
              status,
              error,
              timings,
              stats: {
                ...run?.stats,
                datasets: run?.tables_total ?? 0,
                containers: run?.containers_total ?? 0,
                datasetsDone: counts.done,
                datasetsFailed: counts.failed,
                sampledRows: counts.sampledRows,
                removed,
                diff,
                classification,
                compliance,
              },
            });
            return { status, removed, diff, error };
          }),
      );
      await publishScanEvent(deps, input, {
        type: 'finished',
        status: result.status,
        ...(result.error ? { error: result.error.message } : {}),
      });
      return {
        status: result.status,
        removed: result.removed,
        diff: result.diff,
        timings,
        ms: elapsed(started),
      };
    },
  };
}

/** Ends the stages still running at `now`: finalisation itself, or the stage that failed. */
function closeOpenStages(timings: ScanStageTimings, now: Date): ScanStageTimings {
  const closed: ScanStageTimings = { ...timings };
  for (const stage of ['prepare', 'discover', 'batches', 'compliance', 'finalize'] as const) {
    const timing = closed[stage];
    if (timing && !timing.finishedAt) {
      closed[stage] = {
        ...timing,
        finishedAt: now.toISOString(),
        ms: Math.max(0, now.getTime() - Date.parse(timing.startedAt)),
      };
    }
  }
  return closed;
}
