import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { BatchInput } from '../../activities/scan-deps.js';
import type { DiscoverInput } from '../../activities/scan-discover.js';
import { findScanRun, scanDiffSummary, scanRunView } from '../../db/queries/scan-runs.js';
import { formatFqn } from '../../scanners/sdk/fqn.js';
import type { scanWorkflow } from '../../workflows/scan-workflow.js';
import { createSourceDatabase, type SourceDatabase } from '../fixtures/postgres-source.js';
import { freePort } from '../helpers/free-port.js';
import { createScanHarness, type ScanHarness } from '../helpers/scan-harness.js';

let harness: ScanHarness;
let source: SourceDatabase;
const db = () => harness.database.db;

const tables = (count: number, prefix = 't') =>
  Array.from(
    { length: count },
    (_, i) =>
      `create table ${prefix}${i} (id int primary key, email text);
       insert into ${prefix}${i} select g, 'p' || g || '@example.org' from generate_series(1, 5) g;`,
  ).join('\n');

beforeAll(async () => {
  harness = await createScanHarness({
    SCAN_BATCH_SIZE: '3',
    SCAN_CONCURRENCY: '2',
    SCAN_SAMPLE_ROWS: '5',
  });
  source = await createSourceDatabase(tables(12));
});

afterAll(async () => {
  await harness?.close();
  await source?.drop();
});

/** The failure a workflow ended with, and the attempt count of its `prepareScan`. */
async function failureOf(handle: WorkflowHandle<typeof scanWorkflow>) {
  const error = await handle.result().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const events = (await handle.fetchHistory()).events ?? [];
  const prepareScheduled = new Set(
    events
      .filter(
        (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'prepareScan',
      )
      .map((event) => String(event.eventId)),
  );
  const prepareAttempts = events
    .filter((event) =>
      prepareScheduled.has(String(event.activityTaskStartedEventAttributes?.scheduledEventId)),
    )
    .map((event) => event.activityTaskStartedEventAttributes!.attempt);
  return { error: error as WorkflowFailedError, prepareAttempts };
}

async function assetCount(dataSourceId: string): Promise<number> {
  const rows = await db()
    .selectFrom('catalog_assets')
    .select('id')
    .where('data_source_id', '=', dataSourceId)
    .execute();
  return rows.length;
}

describe('scanWorkflow when things go wrong', () => {
  it('fails at once on a wrong password, naming the cause, and writes nothing', async () => {
    const sourceId = await harness.addSource({ ...source.config, password: 'not-the-password' });
    const { scanRunId, handle } = await harness.startScan(sourceId);
    const { error, prepareAttempts } = await failureOf(handle);
    expect(error.cause).toBeInstanceOf(ApplicationFailure);
    expect(error.cause!.message).toMatch(
      /^authentication failed: wrong password for user "[^"]+" on PostgreSQL 127\.0\.0\.1:\d+$/,
    );
    expect((error.cause as ApplicationFailure).type).toBe('scanner.authentication');
    // Non-retryable: the only activity attempt is the first one.
    expect(prepareAttempts).toEqual([1]);
    const run = await findScanRun(db(), scanRunId);
    expect(run).toMatchObject({
      status: 'failed',
      error: { kind: 'authentication', stage: 'prepare' },
    });
    expect(run!.error!.message).toContain('wrong password');
    expect(run!.finishedAt).not.toBeNull();
    expect(await assetCount(sourceId)).toBe(0);
  });

  it('retries an unreachable port with backoff, then fails with a clear message', async () => {
    const port = await freePort();
    const sourceId = await harness.addSource({ ...source.config, port });
    const { scanRunId, handle } = await harness.startScan(sourceId);
    const { error, prepareAttempts } = await failureOf(handle);
    // The history keeps the started event of the last attempt: the third (TEST_TUNING).
    expect(prepareAttempts).toEqual([3]);
    expect(error.cause!.message).toBe(
      `source unreachable: cannot reach PostgreSQL 127.0.0.1:${port} (ECONNREFUSED) (gave up after the last retry)`,
    );
    const run = await findScanRun(db(), scanRunId);
    expect(run).toMatchObject({ status: 'failed', error: { kind: 'network', stage: 'prepare' } });
  });

  it('reports a table dropped between discovery and sampling, and completes the scan', async () => {
    const local = await createSourceDatabase(tables(4, 'keep') + tables(1, 'gone'));
    try {
      const queue = await harness.extraWorker((activities) => ({
        ...activities,
        async discover(input: DiscoverInput) {
          const result = await activities.discover(input);
          await local.query('drop table gone0');
          return result;
        },
      }));
      const sourceId = await harness.addSource(local.config);
      const { scanRunId, handle } = await harness.startScan(sourceId, { taskQueue: queue });
      const result = await handle.result();
      expect(result).toMatchObject({
        status: 'succeeded',
        datasetsTotal: 5,
        datasetsDone: 5,
        datasetsFailed: 1,
      });
      const gone = formatFqn([local.name, 'public', 'gone0']);
      const view = await scanRunView(db(), (await findScanRun(db(), scanRunId))!);
      expect(view.errors).toEqual({
        total: 1,
        items: [{ fqn: gone, kind: 'not-found', message: `${gone} no longer exists` }],
      });
      expect(view.status).toBe('succeeded');
      const fqns = (
        await db()
          .selectFrom('catalog_assets')
          .select('fqn')
          .where('data_source_id', '=', sourceId)
          .execute()
      ).map((row) => row.fqn);
      expect(fqns).not.toContain(gone);
      expect(fqns).toContain(formatFqn([local.name, 'public', 'keep3', 'email']));
    } finally {
      await local.drop();
    }
  });

  it('holds one scan per data source: a second start with the same workflow id gets the running one', async () => {
    const sourceId = await harness.addSource(source.config);
    const { handle } = await harness.startScan(sourceId);
    const client = harness.env.client;
    const input = {
      scanRunId: '00000000-0000-4000-8000-000000000000',
      dataSourceId: sourceId,
      mode: 'full' as const,
    };
    await expect(
      client.workflow.start<typeof scanWorkflow>('scanWorkflow', {
        workflowId: `scan:${sourceId}`,
        taskQueue: harness.taskQueue,
        args: [input],
      }),
    ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    const existing = await client.workflow.start<typeof scanWorkflow>('scanWorkflow', {
      workflowId: `scan:${sourceId}`,
      taskQueue: harness.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    expect(existing.firstExecutionRunId).toBe(handle.firstExecutionRunId);
    expect((await handle.result()).status).toBe('succeeded');
  });

  it('ends cancelled on cancel, keeps what it wrote, and marks nothing deleted', async () => {
    const local = await createSourceDatabase(tables(24));
    try {
      const sourceId = await harness.addSource(local.config);
      const first = await harness.startScan(sourceId);
      expect((await first.handle.result()).status).toBe('succeeded');
      await local.query('drop table t0; drop table t1');

      // Sampling slowed down, so that the scan is surely mid-way when the cancel arrives.
      const queue = await harness.extraWorker((activities) => ({
        ...activities,
        async sampleBatch(input: BatchInput) {
          await sleep(300);
          return activities.sampleBatch(input);
        },
      }));
      const { scanRunId, handle } = await harness.startScan(sourceId, { taskQueue: queue });
      for (let i = 0; i < 200; i++) {
        const run = await findScanRun(db(), scanRunId);
        if ((run?.datasetsDone ?? 0) > 0) break;
        await sleep(25);
      }
      await handle.cancel();
      const error = await handle.result().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

      const run = await findScanRun(db(), scanRunId);
      expect(run).toMatchObject({ status: 'cancelled', error: null });
      expect(run!.datasetsDone).toBeGreaterThan(0);
      expect(run!.datasetsDone).toBeLessThan(24);
      const deleted = await db()
        .selectFrom('catalog_assets')
        .select('fqn')
        .where('data_source_id', '=', sourceId)
        .where('deleted_at', 'is not', null)
        .execute();
      expect(deleted).toEqual([]);
      expect((await scanDiffSummary(db(), scanRunId)).datasetsRemoved).toBe(0);
    } finally {
      await local.drop();
    }
  });
});
