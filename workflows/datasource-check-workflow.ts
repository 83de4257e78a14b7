import { proxyActivities } from '@temporalio/workflow';
import type {
  DataSourceCheckActivities,
  DataSourceCheckResult,
} from '../activities/datasource-check-activities.js';

// One attempt: a steward waits for the answer, and a retry would only hide what went wrong.
const { checkDataSource } = proxyActivities<DataSourceCheckActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

/**
 * Tests a data source's connection on a worker, where its secrets may be opened. Started by
 * `POST /api/v1/datasources/:id/test`; the input and the result carry no settings.
 *
 * @example
 * await client.workflow.execute(dataSourceCheckWorkflow, { args: [{ dataSourceId }], … });
 */
export async function dataSourceCheckWorkflow(input: {
  dataSourceId: string;
}): Promise<DataSourceCheckResult> {
  return checkDataSource({ dataSourceId: input.dataSourceId });
}
