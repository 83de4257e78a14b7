import { fileURLToPath } from 'node:url';
import type { NativeConnection } from '@temporalio/worker';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config/load-config.js';
import { createActivities, type ActivityDeps } from '../activities/index.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface CreateWorkerOptions {
  config: Config;
  connection: NativeConnection;
  deps: ActivityDeps;
  /** A pre-built bundle (tests bundle once); otherwise the workflows are bundled here. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
}

/** A worker that polls the configured task queue with every workflow and activity. */
export function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const { config, connection, deps } = options;
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: options.taskQueue ?? config.temporal.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(deps),
    // On SIGTERM running activities get this long to finish before they are cancelled;
    // Temporal retries a cancelled attempt on another worker, so nothing is lost either way.
    shutdownGraceTime: config.worker.shutdownGraceMs,
  });
}
