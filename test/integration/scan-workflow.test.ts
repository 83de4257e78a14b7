import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { scanEventsChannel, type ScanEventMessage } from '../../activities/scan-events.js';
import {
  findScanRun,
  listScanDiff,
  scanDiffSummary,
  scanRunView,
} from '../../db/queries/scan-runs.js';
import { scanProgressQuery } from '../../workflows/scan-workflow.js';
import { createSourceDatabase, type SourceDatabase } from '../fixtures/postgres-source.js';
import { createScanHarness, TEST_TUNING, type ScanHarness } from '../helpers/scan-harness.js';
import { formatFqn } from '../../scanners/sdk/fqn.js';
import { catalogLines, expectedLines, sampleLines } from '../helpers/scan-expectations.js';
import { DATASETS, SCHEMAS, SOURCE_SQL } from '../helpers/scan-source-fixture.js';

let harness: ScanHarness;
let source: SourceDatabase;
let sourceId: string;
let subscriber: Redis;
const events: ScanEventMessage[] = [];

const db = () => harness.database.db;
const fqn = (...path: string[]) => formatFqn([source.name, ...path]);

beforeAll(async () => {
  harness = await createScanHarness(
    { SCAN_BATCH_SIZE: '3', SCAN_CONCURRENCY: '2', SCAN_SAMPLE_ROWS: '20' },
    // Low enough that a scan of a few batches continues as new at least once.
    { ...TEST_TUNING, historyEventLimit: 60 },
  );
  source = await createSourceDatabase(SOURCE_SQL);
  sourceId = await harness.addSource(source.config);
  subscriber = new Redis(harness.config.redis.url);
  await subscriber.subscribe(scanEventsChannel(sourceId, harness.redisKeyPrefix));
  subscriber.on('message', (_channel, text: string) =>
    events.push(JSON.parse(text) as ScanEventMessage),
  );
});

afterAll(async () => {
  subscriber?.disconnect();
  await harness?.close();
  await source?.drop();
});

async function assetOf(assetFqn: string) {
  return db()
    .selectFrom('catalog_assets')
    .selectAll()
    .where('data_source_id', '=', sourceId)
    .where('fqn', '=', assetFqn)
    .executeTakeFirstOrThrow();
}

async function fullDiff(scanRunId: string) {
  const page = await listScanDiff(db(), scanRunId, { limit: 200, after: null });
  expect(page.nextCursor).toBeNull();
  return page.items;
}

describe('scanWorkflow on a PostgreSQL source', () => {
  let firstRun: string;

  it('catalogues containers, datasets and columns exactly once, with parents', async () => {
    const { scanRunId, handle } = await harness.startScan(sourceId);
    firstRun = scanRunId;
    const result = await handle.result();
    expect(result).toMatchObject({
      status: 'succeeded',
      datasetsTotal: 8,
      datasetsDone: 8,
      datasetsFailed: 0,
    });
    expect(await catalogLines(db(), sourceId)).toEqual(
      expectedLines(source.name, SCHEMAS, DATASETS),
    );

    const run = await findScanRun(db(), scanRunId);
    expect(run).toMatchObject({
      status: 'succeeded',
      stage: 'done',
      workspaceId: harness.workspaceId,
      datasetsTotal: 8,
      datasetsDone: 8,
      datasetsFailed: 0,
      containersTotal: 5,
      batchesTotal: 3,
      error: null,
    });
    for (const stage of ['prepare', 'discover', 'batches', 'compliance', 'finalize'] as const) {
      expect(run!.timings[stage]?.ms, stage).toBeGreaterThanOrEqual(0);
    }
    expect(run!.timings.busyMs!.sample).toBeGreaterThan(0);
    expect(run!.samplesExpireAt).not.toBeNull();
    const view = await scanRunView(db(), run!);
    expect(view).toMatchObject({
      datasets: { total: 8, done: 8, failed: 0 },
      errors: { total: 0, items: [] },
    });
    expect(view.rate).toBeGreaterThan(0);

    // The first scan adds every container and dataset; their columns go with them.
    const summary = await scanDiffSummary(db(), scanRunId);
    expect(summary).toMatchObject({
      containersAdded: 5,
      datasetsAdded: 8,
      columnsAdded: 0,
      total: 13,
    });
  });

  it('continued as new between batches and answers the progress query', async () => {
    const handle = harness.env.client.workflow.getHandle(`scan:${sourceId}`);
    const progress = await handle.query(scanProgressQuery);
    expect(progress).toMatchObject({
      scanRunId: firstRun,
      stage: 'done',
      datasetsDone: 8,
      datasetsTotal: 8,
      batchesTotal: 3,
    });
    const firstExecution = (await findScanRun(db(), firstRun))!.runId!;
    expect((await handle.describe()).runId).not.toBe(firstExecution);
    const history = await harness.env.client.workflow
      .getHandle(`scan:${sourceId}`, firstExecution)
      .fetchHistory();
    const last = history.events?.at(-1);
    expect(last?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    // Only ids and counts travel through Temporal: no secret, no sampled value.
    const text = JSON.stringify(history);
    expect(text).not.toContain(source.config.password);
    expect(text).not.toContain('@example.com');
  });

  it('stores samples as JSON Lines in the bucket and classifies columns from them', async () => {
    const lines = await sampleLines(
      harness.deps.objectStore,
      harness.config.s3.bucket,
      sourceId,
      firstRun,
    );
    const customers = lines.filter((line) => line.fqn === fqn('sales', 'customers'));
    expect(customers).toHaveLength(20);
    expect(customers[0]!.row.email).toMatch(/@example\.com$/);
    expect(lines.some((line) => line.fqn === fqn('Odd Schema', 'Order Items'))).toBe(true);
    expect(
      lines.every((line) => line.key.startsWith(`samples/${sourceId}/${firstRun}/batch-`)),
    ).toBe(true);

    const email = await assetOf(fqn('sales', 'customers', 'email'));
    expect(email.sensitivity).toBe('confidential');
    expect(email.properties).toMatchObject({
      classification: {
        infoType: 'EMAIL_ADDRESS',
        status: 'suggested',
        evidence: [{ detector: 'name' }, { detector: 'values', matched: 20, examined: 20 }],
      },
    });
    expect((await assetOf(fqn('sales', 'customers', 'card_number'))).sensitivity).toBe(
      'restricted',
    );
    expect((await assetOf(fqn('sales', 'customers', 'phone'))).sensitivity).toBe('confidential');
    expect((await assetOf(fqn('hr', 'employees', 'iban'))).sensitivity).toBe('restricted');
    expect((await assetOf(fqn('hr', 'employees', 'ssn'))).sensitivity).toBe('restricted');
    expect((await assetOf(fqn('Odd Schema', 'Order Items', 'e.mail'))).sensitivity).toBe(
      'confidential',
    );
    expect((await assetOf(fqn('sales', 'customers', 'note'))).sensitivity).toBe('internal');
    const customersAsset = await assetOf(fqn('sales', 'customers'));
    expect(customersAsset).toMatchObject({ sensitivity: 'restricted', kind: 'table' });
    // The scanner's sampling hints travel in the manifest, not into the catalog.
    expect(customersAsset.properties).not.toHaveProperty('sampling');
    expect(customersAsset.properties).toMatchObject({
      rowEstimate: 40,
      classification: { sensitiveColumns: 3, highestSensitivity: 'restricted' },
    });
  });

  it('published stage changes and progress on the scan events channel', async () => {
    const mine = events.filter((event) => event.scanRunId === firstRun);
    const stages = mine.flatMap((event) => (event.type === 'stage' ? [event.stage] : []));
    expect(stages).toEqual(['prepare', 'discover', 'batches', 'compliance', 'finalize']);
    const progress = mine.filter((event) => event.type === 'progress');
    expect(progress).toHaveLength(3);
    expect(progress.at(-1)).toMatchObject({ datasetsTotal: 8 });
    expect(mine.at(-1)).toMatchObject({ type: 'finished', status: 'succeeded' });
  });

  it('finds nothing changed on an identical rescan, and masks known sensitive values', async () => {
    const before = await db()
      .selectFrom('catalog_assets')
      .select(['fqn', 'version'])
      .where('data_source_id', '=', sourceId)
      .execute();
    const { scanRunId, handle } = await harness.startScan(sourceId);
    expect((await handle.result()).status).toBe('succeeded');
    expect(await fullDiff(scanRunId)).toEqual([]);
    expect((await scanDiffSummary(db(), scanRunId)).total).toBe(0);
    expect(await catalogLines(db(), sourceId)).toEqual(
      expectedLines(source.name, SCHEMAS, DATASETS),
    );
    // Nothing a reader sees changed, so no version moved (a steward's If-Match stays valid).
    const after = await db()
      .selectFrom('catalog_assets')
      .select(['fqn', 'version'])
      .where('data_source_id', '=', sourceId)
      .execute();
    expect(new Map(after.map((row) => [row.fqn, row.version]))).toEqual(
      new Map(before.map((row) => [row.fqn, row.version])),
    );

    const lines = await sampleLines(
      harness.deps.objectStore,
      harness.config.s3.bucket,
      sourceId,
      scanRunId,
    );
    const customers = lines.filter((line) => line.fqn === fqn('sales', 'customers'));
    expect(customers.length).toBeGreaterThan(0);
    for (const { row } of customers) {
      expect(row).toMatchObject({ email: '********', phone: '********', card_number: '********' });
      expect(row.note).toMatch(/^likes tea/);
    }
    const items = lines.filter((line) => line.fqn === fqn('Odd Schema', 'Order Items'));
    expect(items.map((line) => line.row['e.mail'])).toEqual(['********', '********']);
  });

  it('reports exactly a dropped table, an added column and a changed type, and marks the table deleted', async () => {
    await source.query(`
      drop table "Odd Schema"."a.b";
      alter table sales.customers add column loyalty_tier text;
      alter table hr.employees alter column id type bigint`);
    const { scanRunId, handle } = await harness.startScan(sourceId);
    expect((await handle.result()).status).toBe('succeeded');
    const diff = await fullDiff(scanRunId);
    // In byte order: a quoted name (") sorts before lower-case letters.
    expect(diff.map(({ assetId: _id, ...change }) => change)).toEqual([
      {
        fqn: fqn('Odd Schema', 'a.b'),
        change: 'removed',
        assetKind: 'table',
        datasetFqn: null,
        columnName: null,
        oldType: null,
        newType: null,
      },
      {
        fqn: fqn('hr', 'employees', 'id'),
        change: 'type-changed',
        assetKind: 'column',
        datasetFqn: fqn('hr', 'employees'),
        columnName: 'id',
        oldType: 'integer',
        newType: 'bigint',
      },
      {
        fqn: fqn('sales', 'customers', 'loyalty_tier'),
        change: 'added',
        assetKind: 'column',
        datasetFqn: fqn('sales', 'customers'),
        columnName: 'loyalty_tier',
        oldType: null,
        newType: 'text',
      },
    ]);
    expect(await scanDiffSummary(db(), scanRunId)).toMatchObject({
      datasetsRemoved: 1,
      columnsAdded: 1,
      typesChanged: 1,
      total: 3,
    });
    const dropped = await assetOf(fqn('Odd Schema', 'a.b'));
    expect(dropped.deleted_at).not.toBeNull();
    expect(dropped.deleted_by_scan_id).toBe(scanRunId);
    expect((await assetOf(fqn('Odd Schema', 'a.b', 'x'))).deleted_at).not.toBeNull();

    const now = DATASETS.filter((dataset) => dataset.name !== 'a.b').map((dataset) =>
      dataset.name === 'customers'
        ? {
            ...dataset,
            columns: [...dataset.columns, ['loyalty_tier', 'text'] as [string, string]],
          }
        : dataset.name === 'employees'
          ? {
              ...dataset,
              columns: dataset.columns.map(([name, type]): [string, string] => [
                name,
                name === 'id' ? 'bigint' : type,
              ]),
            }
          : dataset,
    );
    const live = (await catalogLines(db(), sourceId)).filter((line) => !line.deleted);
    expect(live).toEqual(expectedLines(source.name, SCHEMAS, now));
  });

  it('rescans incrementally: samples only datasets whose structure changed, keeps the rest', async () => {
    await source.query('alter table sales.orders add column coupon text');
    const email = await assetOf(fqn('sales', 'customers', 'email'));
    const { scanRunId, handle } = await harness.startScan(sourceId, { mode: 'incremental' });
    expect((await handle.result()).status).toBe('succeeded');

    const lines = await sampleLines(
      harness.deps.objectStore,
      harness.config.s3.bucket,
      sourceId,
      scanRunId,
    );
    expect([...new Set(lines.map((line) => line.fqn))]).toEqual([fqn('sales', 'orders')]);
    const diff = await fullDiff(scanRunId);
    expect(diff.map((change) => [change.change, change.fqn])).toEqual([
      ['added', fqn('sales', 'orders', 'coupon')],
    ]);
    // What the last sampling scan concluded stays, and nothing a reader sees moved.
    const after = await assetOf(fqn('sales', 'customers', 'email'));
    expect(after.properties).toEqual(email.properties);
    expect(after.version).toBe(email.version);
    const run = await findScanRun(db(), scanRunId);
    expect(run).toMatchObject({ mode: 'incremental', status: 'succeeded', datasetsDone: 7 });
  });
});
