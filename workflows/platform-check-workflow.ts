import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PlatformCheckActivities } from '../activities/platform-check-activities.js';
import type { DatabaseReport } from '../db/queries/database-report.js';

const { inspectPlatformDatabase } = proxyActivities<PlatformCheckActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});

export interface PlatformCheckResult {
  workflowId: string;
  taskQueue: string;
  startedAt: string;
  finishedAt: string;
  database: DatabaseReport;
}

/**
 * Proves the whole pipeline end to end: API → Temporal → a worker on the task queue →
 * PostgreSQL, and back.
 */
export async function platformCheckWorkflow(): Promise<PlatformCheckResult> {
  const info = workflowInfo();
  const startedAt = new Date().toISOString();
  const database = await inspectPlatformDatabase();
  return {
    workflowId: info.workflowId,
    taskQueue: info.taskQueue,
    startedAt,
    finishedAt: new Date().toISOString(),
    database,
  };
}
