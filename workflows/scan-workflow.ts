import {
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ScanActivities } from '../activities/scan-activities.js';
import type { FinalizeResult } from '../activities/scan-finalize.js';
import type { ScanSettings } from '../activities/scan-prepare.js';
import type { ScanStage } from '../db/queries/scan-runs.js';
import {
  describeFailure,
  initialScanState,
  progressOf,
  scanProgressQuery,
  type ScanState,
} from './scan-progress.js';

export { scanProgressQuery, type ScanProgress } from './scan-progress.js';

/**
 * What the API starts `scanWorkflow` with (workflow id `scan:<dataSourceId>`). `continued`
 * is set only by the workflow itself when it continues as new.
 *
 * @example
 * const input: ScanWorkflowInput = { scanRunId, dataSourceId, mode: 'full' };
 * await client.workflow.start('scanWorkflow', { workflowId: `scan:${dataSourceId}`, taskQueue, args: [input] });
 */
export interface ScanWorkflowInput {
  scanRunId: string;
  dataSourceId: string;
  mode: 'full' | 'incremental';
  continued?: { settings: ScanSettings; state: ScanState };
}

/**
 * What a finished scan returns: counts only.
 *
 * @example
 * const { status, diff } = await handle.result(); // status: 'succeeded'
 */
export interface ScanWorkflowResult extends Omit<FinalizeResult, 'ms' | 'timings'> {
  scanRunId: string;
  datasetsTotal: number;
  datasetsDone: number;
  datasetsFailed: number;
}

const { loadScanSettings } = proxyLocalActivities<ScanActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});
// Long activities heartbeat every few seconds: a worker that dies is noticed within 20 s.
const { discover } = proxyActivities<ScanActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
  },
});
// Sampling waits on the source: up to a statement timeout per dataset of the batch.
const { sampleBatch } = proxyActivities<ScanActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 4,
  },
});
const { classifyBatch, updateCatalog, evaluateCompliance } = proxyActivities<ScanActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
  },
});
// Finalisation must happen even after a failure: it is retried patiently.
const { finalizeScan } = proxyActivities<ScanActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
  },
});
const { publishScanEvents } = proxyActivities<ScanActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 3 },
});

/**
 * The durable scan of one data source: prepare (check the connection) → discover (the
 * manifest goes to PostgreSQL) → containers into the catalog → the datasets' batches, at
 * most `SCAN_CONCURRENCY` in flight, each sampled, classified and written to the catalog →
 * compliance (the rules judge what the catalog now holds) → finalize (deletions, outcome),
 * with stage events along the way.
 * Progress lives in workflow state (`scanProgressQuery`) and in the run's row. One failing
 * dataset never fails the scan; a final failure fails it with its cause in
 * `scan_runs.error`; cancellation ends it as `cancelled`. Neither deletes catalog assets.
 * Before the history grows long the workflow continues as new between batches.
 *
 * @example
 * const handle = await client.workflow.start(scanWorkflow, { workflowId: `scan:${id}`, taskQueue, args: [{ scanRunId, dataSourceId: id, mode: 'full' }] });
 * await handle.result();
 */
export async function scanWorkflow(input: ScanWorkflowInput): Promise<ScanWorkflowResult> {
  const ref = { scanRunId: input.scanRunId, dataSourceId: input.dataSourceId };
  const state: ScanState = input.continued?.state ?? initialScanState();
  setHandler(scanProgressQuery, () => progressOf(input.scanRunId, state, Date.now()));

  const enter = async (stage: ScanStage) => {
    const now = new Date().toISOString();
    const previous =
      state.stage === 'queued' || state.stage === 'done' ? undefined : state.timings[state.stage];
    if (previous && !previous.finishedAt) {
      previous.finishedAt = now;
      previous.ms = Date.parse(now) - Date.parse(previous.startedAt);
    }
    state.stage = stage;
    if (stage !== 'done' && stage !== 'queued') state.timings[stage] = { startedAt: now };
    try {
      const { datasetsDone, datasetsTotal, datasetsFailed } = state;
      const counts = { datasetsDone, datasetsTotal, datasetsFailed };
      await publishScanEvents({ ...ref, stage, timings: state.timings, counts });
    } catch (error) {
      // Events are a live view; the run's row gets the stage again with the next one.
      if (isCancellation(error)) throw error;
      log.warn('recording a scan stage failed', { stage, error: String(error) });
    }
  };

  let renew = false;
  let settings = input.continued?.settings;
  let finished: FinalizeResult | undefined;
  try {
    if (!settings) {
      settings = await loadScanSettings();
      await enter('prepare');
      await prepareActivity(settings)({ ...ref });
      await enter('discover');
      const found = await discover({ ...ref });
      state.datasetsTotal = found.datasets;
      state.batchesTotal = found.batches;
      await updateCatalog({ ...ref, batch: 0 });
      await enter('batches');
    }
    renew = await runBatches(ref, settings, state);
    if (!renew) {
      await enter('compliance');
      await checkCompliance(ref, state);
      await enter('finalize');
      // Every batch is in: a cancel arriving now is too late to stop the scan half-way, and
      // must not leave the run's row without an outcome.
      const timings = state.timings;
      finished = await CancellationScope.nonCancellable(() =>
        finalizeScan({ ...ref, outcome: 'succeeded', timings }),
      );
    }
  } catch (error) {
    const cancelled = isCancellation(error);
    const failure = cancelled ? undefined : describeFailure(error, state.stage);
    const timings = state.timings;
    const closed = await CancellationScope.nonCancellable(() =>
      finalizeScan({
        ...ref,
        outcome: cancelled ? 'cancelled' : 'failed',
        error: failure,
        timings,
      }),
    );
    state.stage = 'done';
    state.timings = closed.timings;
    if (cancelled || !failure) throw error;
    throw ApplicationFailure.nonRetryable(
      failure.message,
      failure.kind ? `scanner.${failure.kind}` : 'scan.failed',
    );
  }
  if (renew || !finished) {
    return continueAsNew<typeof scanWorkflow>({ ...input, continued: { settings, state } });
  }
  // The run's row and its `finished` event close the scan; no stage event follows them.
  state.stage = 'done';
  state.timings = finished.timings;
  return {
    scanRunId: input.scanRunId,
    status: finished.status,
    removed: finished.removed,
    diff: finished.diff,
    datasetsTotal: state.datasetsTotal,
    datasetsDone: state.datasetsDone,
    datasetsFailed: state.datasetsFailed,
  };
}

/**
 * Evaluates the compliance rules once every batch is in. A failure after the retries does
 * not fail the scan: the catalog is written and stands, the run's stats say that compliance
 * was not evaluated, and an evaluation on demand can follow.
 */
async function checkCompliance(
  ref: { scanRunId: string; dataSourceId: string },
  state: ScanState,
): Promise<void> {
  const busy = state.timings.busyMs;
  try {
    const checked = await evaluateCompliance(ref);
    if (busy) busy.compliance += checked.ms;
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('compliance evaluation failed; the scan goes on', { error: String(error) });
  }
}

/** `prepareScan` with the worker's retry pacing for an unreachable source. */
function prepareActivity(settings: ScanSettings) {
  const retry = settings.prepareRetry;
  return proxyActivities<ScanActivities>({
    startToCloseTimeout: '3 minutes',
    heartbeatTimeout: '20 seconds',
    retry: {
      initialInterval: retry.initialIntervalMs,
      maximumInterval: retry.maximumIntervalMs,
      backoffCoefficient: 2,
      maximumAttempts: retry.maximumAttempts,
    },
  }).prepareScan;
}

/**
 * Runs batches `state.nextBatch…batchesTotal` with at most `concurrency` in flight. Returns
 * true when it stopped early for the history's sake: every batch it started has finished,
 * and `state.nextBatch` is where the next run picks up. The first failure stops new
 * batches, lets those in flight finish, and is thrown.
 */
async function runBatches(
  ref: { scanRunId: string; dataSourceId: string },
  settings: ScanSettings,
  state: ScanState,
): Promise<boolean> {
  let failure: unknown;
  let renew = false;
  const busy = state.timings.busyMs ?? { sample: 0, classify: 0, compliance: 0, catalog: 0 };
  state.timings.busyMs = busy;

  const runOne = async (batch: number) => {
    const input = { ...ref, batch };
    // Each result is awaited before it is added: `busy.x += await …` would read `busy.x`
    // before the await and lose what other batches added meanwhile.
    const sampled = await sampleBatch(input);
    busy.sample += sampled.ms;
    const classified = await classifyBatch(input);
    busy.classify += classified.ms;
    const catalogued = await updateCatalog(input);
    busy.catalog += catalogued.ms;
    // Batches finish out of order; the row's counters only grow.
    state.datasetsDone = Math.max(state.datasetsDone, catalogued.datasetsDone);
    state.datasetsFailed = Math.max(state.datasetsFailed, catalogued.datasetsFailed);
    state.batchesDone += 1;
  };
  const lane = async () => {
    while (failure === undefined && !renew && state.nextBatch <= state.batchesTotal) {
      const batch = state.nextBatch;
      state.nextBatch += 1;
      try {
        await runOne(batch);
      } catch (error) {
        failure ??= error;
        return;
      }
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength > settings.historyEventLimit)
        renew = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, settings.concurrency) }, lane));
  if (failure !== undefined) throw failure;
  return renew && state.nextBatch <= state.batchesTotal;
}
