import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import type { ScanTuning } from '../../activities/scan-deps.js';
import type { Config } from '../../config/load-config.js';
import { createLogger } from '../../infra/logger.js';
import { createWorkerDeps } from '../../worker/worker-deps.js';
import type { scanWorkflow, ScanWorkflowInput } from '../../workflows/scan-workflow.js';
import type { PostgresConfig } from '../../scanners/postgres/postgres-config.js';
import { insertOwner, insertPostgresSource, insertQueuedRun } from './source-rows.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { testConfig } from './test-config.js';

/** Short retries, so that failing sources fail within seconds. */
export const TEST_TUNING: Partial<ScanTuning> = {
  prepareRetry: { initialIntervalMs: 100, maximumIntervalMs: 200, maximumAttempts: 3 },
};

export type ActivityWrapper = (activities: ReturnType<typeof createActivities>) => object;

/** A platform database, a real worker on a random task queue, and ways to start scans. */
export interface ScanHarness {
  config: Config;
  database: TestDatabase;
  env: TestWorkflowEnvironment;
  deps: ActivityDeps;
  taskQueue: string;
  redisKeyPrefix: string;
  workspaceId: string;
  /** Registers a data source for a PostgreSQL source database, its password sealed. */
  addSource(settings: PostgresConfig, name?: string): Promise<string>;
  /** Inserts the queued run as the API does and starts `scanWorkflow` for it. */
  startScan(
    dataSourceId: string,
    options?: { mode?: 'full' | 'incremental'; taskQueue?: string },
  ): Promise<{
    scanRunId: string;
    handle: WorkflowHandleWithFirstExecutionRunId<typeof scanWorkflow>;
  }>;
  /** Another worker on its own task queue with some activities replaced. */
  extraWorker(wrap: ActivityWrapper): Promise<string>;
  close(): Promise<void>;
}

/**
 * Builds the harness with the worker's environment overridden by `env` (e.g. a small
 * `SCAN_BATCH_SIZE`) and the scan pacing by `tuning`.
 *
 * @example
 * const harness = await createScanHarness({ SCAN_BATCH_SIZE: '3' });
 */
export async function createScanHarness(
  env: NodeJS.ProcessEnv = {},
  tuning: Partial<ScanTuning> = TEST_TUNING,
): Promise<ScanHarness> {
  const taskQueue = `scan-test-${randomUUID()}`;
  const base = testConfig(env);
  const config: Config = { ...base, temporal: { ...base.temporal, taskQueue } };
  const database = await createTestDatabase();
  const temporal = await TestWorkflowEnvironment.createFromExistingServer({
    address: config.temporal.address,
    namespace: config.temporal.namespace,
  });
  const redisKeyPrefix = `test:${randomUUID()}:`;
  const deps = await createWorkerDeps(config, createLogger(config, 'worker'), database.db, {
    redisKeyPrefix,
    tuning,
  });
  const workers: { worker: Worker; running: Promise<void> }[] = [];
  const launch = async (queue: string, activities: object) => {
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: config.temporal.namespace,
      taskQueue: queue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities,
    });
    workers.push({ worker, running: worker.run() });
  };
  await launch(taskQueue, createActivities(deps));
  const owner = await insertOwner(database.db, 'scans');

  return {
    config,
    database,
    env: temporal,
    deps,
    taskQueue,
    redisKeyPrefix,
    workspaceId: owner.workspaceId,
    addSource(settings, name) {
      return insertPostgresSource(database.db, deps.secretBox, settings, owner, name);
    },
    async startScan(dataSourceId, options = {}) {
      const mode = options.mode ?? 'full';
      const scanRunId = await insertQueuedRun(database.db, dataSourceId, mode);
      const input: ScanWorkflowInput = { scanRunId, dataSourceId, mode };
      const handle = await temporal.client.workflow.start<typeof scanWorkflow>('scanWorkflow', {
        workflowId: `scan:${dataSourceId}`,
        taskQueue: options.taskQueue ?? taskQueue,
        args: [input],
        workflowExecutionTimeout: '5 minutes',
      });
      return { scanRunId, handle };
    },
    async extraWorker(wrap) {
      const queue = `scan-test-${randomUUID()}`;
      await launch(queue, wrap(createActivities(deps)));
      return queue;
    },
    async close() {
      for (const { worker } of workers) worker.shutdown();
      await Promise.allSettled(workers.map(({ running }) => running));
      await deps.close();
      await temporal.teardown();
      await database.drop();
    },
  };
}
