import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  defineQuery,
} from '@temporalio/workflow';
import type { ScanCounts } from '../activities/scan-events.js';
import type { ScanRunError, ScanStage, ScanStageTimings } from '../db/queries/scan-runs.js';

/**
 * What `scanProgressQuery` answers: the stage, datasets settled (done or failed) out of all
 * discovered, batches, the rate in datasets per second since the batches started, and the
 * timings so far.
 *
 * @example
 * const progress = await client.workflow.getHandle(`scan:${dataSourceId}`).query(scanProgressQuery);
 */
export interface ScanProgress extends ScanCounts {
  scanRunId: string;
  stage: ScanStage;
  batchesDone: number;
  batchesTotal: number;
  /** Datasets per second since the batches started; null before. */
  rate: number | null;
  timings: ScanStageTimings;
}

/**
 * The scan workflow's progress query; answered from workflow state, without I/O.
 *
 * @example
 * const { stage, datasetsDone, datasetsTotal, rate } = await handle.query(scanProgressQuery);
 */
export const scanProgressQuery = defineQuery<ScanProgress>('scanProgress');

/**
 * The part of the workflow's state that survives `continueAsNew`.
 *
 * @example
 * await continueAsNew<typeof scanWorkflow>({ ...input, continued: { settings, state } });
 */
export interface ScanState extends ScanCounts {
  stage: ScanStage;
  batchesDone: number;
  batchesTotal: number;
  /** The first batch not yet started. */
  nextBatch: number;
  timings: ScanStageTimings;
}

/**
 * A fresh state for a run that has not started.
 *
 * @example
 * const state = initialScanState();
 */
export function initialScanState(): ScanState {
  return {
    stage: 'queued',
    datasetsDone: 0,
    datasetsTotal: 0,
    datasetsFailed: 0,
    batchesDone: 0,
    batchesTotal: 0,
    nextBatch: 1,
    timings: { busyMs: { sample: 0, classify: 0, compliance: 0, catalog: 0 } },
  };
}

/**
 * The query's answer for a state at time `now` (workflow time).
 *
 * @example
 * setHandler(scanProgressQuery, () => progressOf(scanRunId, state, Date.now()));
 */
export function progressOf(scanRunId: string, state: ScanState, now: number): ScanProgress {
  const since = state.timings.batches?.startedAt;
  const seconds = since ? (now - Date.parse(since)) / 1000 : 0;
  const rate =
    seconds > 0 && state.datasetsDone > 0
      ? Math.round((state.datasetsDone / seconds) * 10) / 10
      : null;
  return {
    scanRunId,
    stage: state.stage,
    datasetsDone: state.datasetsDone,
    datasetsTotal: state.datasetsTotal,
    datasetsFailed: state.datasetsFailed,
    batchesDone: state.batchesDone,
    batchesTotal: state.batchesTotal,
    rate,
    timings: state.timings,
  };
}

/**
 * The message and cause of a failure, as stored in `scan_runs.error`: the scanner's kind
 * comes from the failure type (`scanner.authentication` → `authentication`), and a failure
 * that exhausted its retries says so.
 *
 * @example
 * describeFailure(activityFailure, 'prepare'); // { message: 'source unreachable: … (gave up after 6 attempts)', kind: 'network', stage: 'prepare' }
 */
export function describeFailure(error: unknown, stage: ScanStage): ScanRunError {
  let cause: unknown = error;
  let gaveUp = false;
  while (cause instanceof ActivityFailure) {
    gaveUp ||= cause.retryState === 'MAXIMUM_ATTEMPTS_REACHED';
    if (!cause.cause) break;
    cause = cause.cause;
  }
  const suffix = gaveUp ? ' (gave up after the last retry)' : '';
  if (cause instanceof ApplicationFailure) {
    const kind = cause.type?.startsWith('scanner.')
      ? cause.type.slice('scanner.'.length)
      : undefined;
    return { message: `${cause.message}${suffix}`, ...(kind ? { kind } : {}), stage };
  }
  if (cause instanceof TimeoutFailure) {
    return {
      message: `an activity timed out (${cause.timeoutType})${suffix}`,
      kind: 'timeout',
      stage,
    };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { message: `${message}${suffix}`, stage };
}
