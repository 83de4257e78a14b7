import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import { findScanRun } from '../../db/queries/scan-runs.js';
import { createSecretBox } from '../../infra/secret-box.js';
import type { scanWorkflow } from '../../workflows/scan-workflow.js';
import { createSourceDatabase, type SourceDatabase } from '../fixtures/postgres-source.js';
import { runEntrypoint, type RunningProcess } from '../helpers/child-process.js';
import { catalogLines, expectedLines, type ExpectedDataset } from '../helpers/scan-expectations.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { insertOwner, insertPostgresSource, insertQueuedRun } from '../helpers/source-rows.js';
import { testConfig } from '../helpers/test-config.js';

const TABLES = 300;
const config = testConfig();

// 300 tables of 4 columns and 30 rows each, created in one statement.
const SOURCE_SQL = `
do $$
begin
  for i in 1..${TABLES} loop
    execute format('create table t%s (id int primary key, email text, city text, amount numeric(10,2))', i);
    execute format($f$insert into t%s select g, 'u' || g || '@example.net', 'city ' || (g %% 7), g * 2.5
                      from generate_series(1, 30) g$f$, i);
  end loop;
end $$;`;

const DATASETS: ExpectedDataset[] = Array.from({ length: TABLES }, (_, i) => ({
  schema: 'public',
  name: `t${i + 1}`,
  kind: 'table',
  columns: [
    ['id', 'integer'],
    ['email', 'text'],
    ['city', 'text'],
    ['amount', 'numeric(10,2)'],
  ],
}));

describe('scan survives a worker killed mid-scan', () => {
  let database: TestDatabase;
  let source: SourceDatabase;
  let connection: Connection;
  let temporal: Client;
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    [database, source] = await Promise.all([
      createTestDatabase(),
      createSourceDatabase(SOURCE_SQL),
    ]);
    connection = await Connection.connect({ address: config.temporal.address });
    temporal = new Client({ connection, namespace: config.temporal.namespace });
  });

  afterAll(async () => {
    for (const worker of workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) {
        worker.child.kill('SIGTERM');
        await worker.exited;
      }
    }
    await connection?.close();
    await database?.drop();
    await source?.drop();
  });

  it('resumes on another worker from the last heartbeat and catalogues every table once', async () => {
    const taskQueue = `scan-crash-${randomUUID()}`;
    const startWorker = async () => {
      const worker = runEntrypoint('worker/main.ts', {
        DATABASE_URL: database.url,
        TEMPORAL_TASK_QUEUE: taskQueue,
        SCAN_BATCH_SIZE: '10',
        SCAN_CONCURRENCY: '2',
        SCAN_SAMPLE_ROWS: '30',
        LOG_LEVEL: 'info',
      });
      workers.push(worker);
      await worker.waitFor(/worker started/, 120_000);
      return worker;
    };

    const { db } = database;
    const box = createSecretBox({
      currentKey: config.secrets.dataEncryptionKey,
      previousKeys: config.secrets.previousEncryptionKeys,
    });
    const owner = await insertOwner(db, 'crash');
    const dataSourceId = await insertPostgresSource(db, box, source.config, owner, 'crash source');
    const run = { id: await insertQueuedRun(db, dataSourceId) };

    const first = await startWorker();
    const handle = await temporal.workflow.start<typeof scanWorkflow>('scanWorkflow', {
      workflowId: `scan:${dataSourceId}`,
      taskQueue,
      args: [{ scanRunId: run.id, dataSourceId, mode: 'full' }],
    });

    // Kill once the manifest is written and a few batches reached the catalog.
    let settledAtKill = 0;
    for (let i = 0; i < 1_200 && settledAtKill === 0; i++) {
      const { rows } = await sql<{ manifest: number; settled: number }>`
        select count(*)::int as manifest, (count(*) filter (where settled_at is not null and batch > 0))::int as settled
          from scan_datasets where scan_run_id = ${run.id}::uuid`.execute(db);
      const { manifest = 0, settled = 0 } = rows[0] ?? {};
      if (manifest > 0 && settled >= 20) settledAtKill = settled;
      else await sleep(25);
    }
    first.child.kill('SIGKILL');
    await first.exited;
    expect(settledAtKill).toBeGreaterThanOrEqual(20);
    expect(settledAtKill).toBeLessThan(TABLES);
    expect((await findScanRun(db, run.id))!.status).toBe('running');

    await startWorker();
    const result = await handle.result();
    expect(result).toMatchObject({
      status: 'succeeded',
      datasetsTotal: TABLES,
      datasetsDone: TABLES,
      datasetsFailed: 0,
    });

    expect(await catalogLines(db, dataSourceId)).toEqual(
      expectedLines(source.name, ['public'], DATASETS),
    );
    const finished = await findScanRun(db, run.id);
    expect(finished).toMatchObject({
      status: 'succeeded',
      datasetsDone: TABLES,
      datasetsFailed: 0,
      error: null,
    });
    const { rows: manifest } = await sql<{ items: number; unsettled: number }>`
      select count(*)::int as items, (count(*) filter (where settled_at is null))::int as unsettled
        from scan_datasets where scan_run_id = ${run.id}::uuid`.execute(db);
    expect(manifest[0]).toEqual({ items: TABLES + 2, unsettled: 0 });
    const { rows: changes } = await sql<{ change: string; n: number }>`
      select change, count(*)::int as n from scan_changes where scan_run_id = ${run.id}::uuid group by change`.execute(
      db,
    );
    expect(changes).toEqual([{ change: 'added', n: TABLES + 2 }]);
  }, 240_000);
});
