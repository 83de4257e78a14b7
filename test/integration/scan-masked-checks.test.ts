import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infoTypeById } from '../../core/classification/catalogue/index.js';
import { MASKED_VALUE } from '../../core/classification/column-statistics.js';
import { loadComplianceFacts } from '../../db/queries/compliance-facts.js';
import { formatFqn } from '../../scanners/sdk/fqn.js';
import { createSourceDatabase, type SourceDatabase } from '../fixtures/postgres-source.js';
import { sampleLines } from '../helpers/scan-expectations.js';
import { createScanHarness, type ScanHarness } from '../helpers/scan-harness.js';

// Valid card numbers (Luhn), in the clear: what PCI DSS forbids storing.
const CARDS = ['4111111111111111', '5500000000000004', '4012888888881881', '6011000000000004'];
const SOURCE_SQL = `
create schema sales;
create table sales.payments (id int primary key, card_number text, amount numeric(10, 2));
insert into sales.payments
select g, (array['${CARDS.join("','")}'])[1 + g % 4], g * 2.5 from generate_series(1, 30) g;
`;

let harness: ScanHarness;
let source: SourceDatabase;
let sourceId: string;

const db = () => harness.database.db;
const fqn = (...path: string[]) => formatFqn([source.name, ...path]);

beforeAll(async () => {
  harness = await createScanHarness({ SCAN_SAMPLE_ROWS: '20' });
  source = await createSourceDatabase(SOURCE_SQL);
  sourceId = await harness.addSource(source.config);
});

afterAll(async () => {
  await harness?.close();
  await source?.drop();
});

async function cardColumn() {
  return db()
    .selectFrom('catalog_assets')
    .select(['sensitivity', 'properties'])
    .where('data_source_id', '=', sourceId)
    .where('fqn', '=', fqn('sales', 'payments', 'card_number'))
    .executeTakeFirstOrThrow();
}

type Summary = { infoType: string; status: string; evidence: Record<string, unknown>[] };
const summaryOf = (properties: unknown) =>
  (properties as { classification: Summary }).classification;
const valuesEvidence = (summary: Summary) =>
  summary.evidence.find((entry) => entry.detector === 'values');

async function scan() {
  const { scanRunId, handle } = await harness.startScan(sourceId, { mode: 'full' });
  expect((await handle.result()).status).toBe('succeeded');
  return scanRunId;
}

/** The value-check ratio compliance rules read (`column.validRatio`). */
async function validRatio(): Promise<number | null | undefined> {
  const facts = await loadComplianceFacts(
    db(),
    sourceId,
    (id) => infoTypeById(id)?.category ?? null,
  );
  return facts?.datasets
    .flatMap((dataset) => dataset.columns)
    .find((column) => column.name === 'card_number')?.validRatio;
}

describe('value checks of masked columns', () => {
  it('classifies clear card numbers as CREDIT_CARD with every value valid', async () => {
    await scan();
    const column = await cardColumn();
    expect(column.sensitivity).toBe('restricted');
    const summary = summaryOf(column.properties);
    expect(summary.infoType).toBe('CREDIT_CARD');
    expect(valuesEvidence(summary)).toMatchObject({
      method: 'checksum',
      matched: 20,
      examined: 20,
      ratio: 1,
    });
    expect(await validRatio()).toBe(1);
  });

  it('sees a source that masked its card numbers, without storing a raw value', async () => {
    const before = summaryOf((await cardColumn()).properties);
    await source.query(
      `update sales.payments set card_number = '************' || right(card_number, 4)`,
    );
    const scanRunId = await scan();

    const column = await cardColumn();
    expect(column.sensitivity).toBe('restricted');
    const summary = summaryOf(column.properties);
    // Masking wins over judging again: the type and its standing are kept...
    expect(summary).toMatchObject({
      infoType: 'CREDIT_CARD',
      status: before.status,
      evidence: expect.any(Array),
    });
    // ...but the value check follows the source: no valid card number any more.
    // Only its counts moved: method, describe, threshold and score are as they were.
    expect(valuesEvidence(summary)).toEqual({
      ...valuesEvidence(before),
      matched: 0,
      examined: 20,
      ratio: 0,
    });
    expect(await validRatio()).toBe(0);

    // The stored samples hold the masked placeholder only, and the checks' counts.
    const lines = await sampleLines(
      harness.deps.objectStore,
      harness.config.s3.bucket,
      sourceId,
      scanRunId,
    );
    const rows = lines.filter((line) => line.fqn === fqn('sales', 'payments'));
    expect(rows).toHaveLength(20);
    for (const { row } of rows) expect(row.card_number).toBe(MASKED_VALUE);
    const checks = lines.filter((line) => !line.fqn);
    expect(checks.map(({ key: _key, ...line }) => line)).toEqual([
      {
        dataset: fqn('sales', 'payments'),
        checks: { card_number: { infoType: 'CREDIT_CARD', examined: 20, matched: 0 } },
      },
    ]);
    // Not one of the raw values the checks ran on (`************1111`).
    expect(JSON.stringify(lines)).not.toMatch(/\*{12}\d{4}/);
  });

  it('changes nothing on a rescan of the same masked data', async () => {
    const before = await cardColumn();
    await scan();
    expect((await cardColumn()).properties).toEqual(before.properties);
  });
});
