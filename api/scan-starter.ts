import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client as TemporalClient,
} from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Config } from '../config/load-config.js';
import {
  deleteQueuedScan,
  failLostScan,
  findActiveScan,
  insertQueuedScan,
  setScanRunId,
} from '../db/queries/scan-requests.js';
import type { Database } from '../db/schema.js';
import type { ScanWorkflowInput } from '../workflows/scan-workflow.js';

/** How long a start waits for the previous run's workflow to close. */
const CLOSE_WAIT_MS = 5_000;

export interface StartScanDeps {
  db: Kysely<Database>;
  temporal: TemporalClient;
  config: Pick<Config, 'temporal'>;
}

export interface StartedScan {
  scanRunId: string;
  /** False when a scan of the source was already running: its id is returned instead. */
  started: boolean;
}

/** Whether the workflow behind a queued or running row still runs. */
async function stillRunning(temporal: TemporalClient, workflowId: string): Promise<boolean> {
  try {
    const description = await temporal.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/**
 * Starts a scan of a data source, or returns the one already running: the workflow id
 * `scan:<dataSourceId>` lets Temporal hold at most one per source, even when two requests
 * race. A row left queued or running by a workflow that no longer runs is closed as failed.
 *
 * @example
 * const { scanRunId, started } = await startScan(deps, { dataSourceId, mode: 'full', requestedBy });
 */
export async function startScan(
  { db, temporal, config }: StartScanDeps,
  request: { dataSourceId: string; mode: 'full' | 'incremental'; requestedBy: string | null },
  attempt = 0,
): Promise<StartedScan> {
  const active = await findActiveScan(db, request.dataSourceId);
  if (active) {
    if (await stillRunning(temporal, active.workflowId))
      return { scanRunId: active.id, started: false };
    await failLostScan(db, active.id, 'The scan workflow stopped without recording an outcome.');
  }
  const scanRunId = await insertQueuedScan(db, request);
  const input: ScanWorkflowInput = {
    scanRunId,
    dataSourceId: request.dataSourceId,
    mode: request.mode,
  };
  try {
    const handle = await temporal.workflow.start('scanWorkflow', {
      workflowId: `scan:${request.dataSourceId}`,
      taskQueue: config.temporal.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    await setScanRunId(db, scanRunId, handle.firstExecutionRunId);
    return { scanRunId, started: true };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
      await failLostScan(db, scanRunId, 'The scan workflow could not be started.');
      throw error;
    }
    await deleteQueuedScan(db, scanRunId);
    const winner = await findActiveScan(db, request.dataSourceId);
    if (winner) return { scanRunId: winner.id, started: false };
    // The previous run has recorded its outcome but its workflow is still closing: wait for
    // it to close (a moment), then start again once.
    if (attempt > 0) throw error;
    const closed = temporal.workflow
      .getHandle(`scan:${request.dataSourceId}`)
      .result()
      .catch(() => undefined);
    await Promise.race([
      closed,
      new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref()),
    ]);
    return startScan({ db, temporal, config }, request, attempt + 1);
  }
}
