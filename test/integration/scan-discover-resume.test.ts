import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import type { DiscoverResult } from '../../activities/scan-discover.js';
import { createLogger } from '../../infra/logger.js';
import { formatFqn } from '../../scanners/sdk/fqn.js';
import { createWorkerDeps } from '../../worker/worker-deps.js';
import { createSourceDatabase, type SourceDatabase } from '../fixtures/postgres-source.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { insertOwner, insertPostgresSource, insertQueuedRun } from '../helpers/source-rows.js';
import { testConfig } from '../helpers/test-config.js';

// `discover` run as an activity (real platform and source databases), interrupted by hand:
// a retry after a worker died must complete the manifest without writing anything twice,
// even when the source changed between the attempts.
const config = testConfig({ SCAN_BATCH_SIZE: '4' });
const tables = Array.from({ length: 30 }, (_, i) => `create table t${i} (id int primary key);`);

let database: TestDatabase;
let source: SourceDatabase;
let deps: ActivityDeps & { close(): Promise<void> };
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  [database, source] = await Promise.all([
    createTestDatabase(),
    createSourceDatabase(tables.join('\n')),
  ]);
  deps = await createWorkerDeps(config, createLogger(config, 'worker'), database.db);
  activities = createActivities(deps);
});

afterAll(async () => {
  await deps?.close();
  await database?.drop();
  await source?.drop();
});

async function manifest(scanRunId: string) {
  const rows = await database.db
    .selectFrom('scan_datasets')
    .select(['fqn', 'seq', 'batch', 'item_kind'])
    .where('scan_run_id', '=', scanRunId)
    .orderBy('seq')
    .execute();
  return rows;
}

describe('discover resumes from a partial manifest', () => {
  it('writes the items an earlier attempt did not, once each, with stable batch numbers', async () => {
    const { db } = database;
    const owner = await insertOwner(db, 'resume');
    const dataSourceId = await insertPostgresSource(
      db,
      deps.secretBox,
      source.config,
      owner,
      'resume',
    );
    const run = { id: await insertQueuedRun(db, dataSourceId) };
    const input = { scanRunId: run.id, dataSourceId };

    const first = await new MockActivityEnvironment({ heartbeatTimeoutMs: 20_000 }).run(
      activities.discover,
      input,
    );
    expect(first).toMatchObject({ containers: 2, datasets: 30, batches: 8, resumedFrom: 0 });
    const complete = await manifest(run.id);

    // The worker "died" after writing 17 items; then the source changed: a written table and
    // an unwritten one were dropped, and a new one was created.
    await db
      .deleteFrom('scan_datasets')
      .where('scan_run_id', '=', run.id)
      .where('seq', '>=', 17)
      .execute();
    await db
      .updateTable('scan_runs')
      .set({ discovered_at: null })
      .where('id', '=', run.id)
      .execute();
    await source.query('drop table t3; drop table t25; create table t_new (id int)');

    const retry = new MockActivityEnvironment({
      attempt: 2,
      heartbeatTimeoutMs: 20_000,
      heartbeatDetails: { written: 17, containers: 2, datasets: 15 },
    });
    const second = (await retry.run(activities.discover, input)) as DiscoverResult;
    const resumed = await manifest(run.id);
    const fqn = (table: string) => formatFqn([source.name, 'public', table]);

    // t3 was written before it went: it stays, and sampling will report it gone.
    const expected = [...tables.keys()].filter((i) => i !== 25).map((i) => fqn(`t${i}`));
    expect(
      resumed
        .filter((row) => row.item_kind === 'dataset')
        .map((row) => row.fqn)
        .sort(),
    ).toEqual([...expected, fqn('t_new')].sort());
    expect(new Set(resumed.map((row) => row.fqn)).size).toBe(resumed.length);
    expect(resumed.slice(0, 17)).toEqual(complete.slice(0, 17));
    expect(second).toMatchObject({ containers: 2, datasets: 30, resumedFrom: 17 });
    expect(Math.max(...resumed.map((row) => row.batch))).toBe(second.batches);
    const sizes = new Map<number, number>();
    for (const row of resumed)
      if (row.batch > 0) sizes.set(row.batch, (sizes.get(row.batch) ?? 0) + 1);
    expect([...sizes.values()].every((size) => size <= 4)).toBe(true);
    const runRow = await db
      .selectFrom('scan_runs')
      .selectAll()
      .where('id', '=', run.id)
      .executeTakeFirstOrThrow();
    expect(runRow).toMatchObject({
      tables_total: 30,
      containers_total: 2,
      batches_total: second.batches,
    });
    expect(runRow.discovered_at).not.toBeNull();
  });
});
