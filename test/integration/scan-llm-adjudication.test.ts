import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findScanRun } from '../../db/queries/scan-runs.js';
import { formatFqn } from '../../scanners/sdk/fqn.js';
import { createSourceDatabase, type SourceDatabase } from '../fixtures/postgres-source.js';
import { startOpenAiStub, type OpenAiStub } from '../helpers/openai-stub.js';
import { createScanHarness, type ScanHarness } from '../helpers/scan-harness.js';

const API_KEY = `sk-test-${randomUUID()}`;
const RAW_REFS = Array.from({ length: 30 }, (_, i) => [
  String(10000 + (i + 1) * 37),
  String(20000 + (i + 1) * 53),
]).flat();

// Two columns whose five-digit values the rules cannot place without a telling name (a
// ZIP code looks like any number), one column the rules decide alone, and a raw value that
// must never reach the model.
const SOURCE_SQL = `
create table visits (id int primary key, ref text, other_ref text, email text);
insert into visits
select g, lpad((10000 + g * 37)::text, 5, '0'), lpad((20000 + g * 53)::text, 5, '0'),
       'visitor' || g || '@example.com'
  from generate_series(1, 30) g;
`;

/**
 * A scan sends only its ambiguous columns to the LLM, masked, within the scan's budget;
 * the verdict is stored as evidence beside the rules', and columns over budget keep the
 * rules' result.
 */
describe('LLM adjudication in a scan', () => {
  let harness: ScanHarness;
  let source: SourceDatabase;
  let stub: OpenAiStub;
  let sourceId: string;
  /** The ambiguous column the first scan had no budget left for. */
  let overBudget = '';

  beforeAll(async () => {
    stub = await startOpenAiStub({
      apiKey: API_KEY,
      respond: () => ({ infoType: 'ZIP_CODE', confidence: 0.9, reason: 'five-digit postal codes' }),
    });
    harness = await createScanHarness({
      LLM_API_KEY: API_KEY,
      LLM_BASE_URL: stub.baseURL,
      LLM_MODEL: 'stub-model',
      LLM_MAX_CALLS_PER_SCAN: '1',
    });
    source = await createSourceDatabase(SOURCE_SQL);
    sourceId = await harness.addSource(source.config);
  });

  afterAll(async () => {
    await harness?.close();
    await source?.drop();
    await stub?.close();
  });

  const suggestions = (column: string) =>
    harness.database.db
      .selectFrom('column_classifications as c')
      .innerJoin('catalog_assets as a', 'a.id', 'c.asset_id')
      .select(['c.info_type', 'c.source', 'c.confidence', 'c.evidence'])
      .where('a.fqn', '=', formatFqn([source.name, 'public', 'visits', column]))
      .orderBy('c.confidence', 'desc')
      .execute();

  it('asks about ambiguous columns only, masked, and stays within the budget', async () => {
    const { scanRunId, handle } = await harness.startScan(sourceId);
    expect((await handle.result()).status).toBe('succeeded');

    // One call allowed: one of the two ambiguous columns was adjudicated, never `email`.
    expect(stub.requests).toHaveLength(1);
    const prompt = stub.requests[0]!.text;
    expect(prompt).not.toContain('visitor1@example.com');
    for (const raw of RAW_REFS) expect(prompt).not.toContain(raw);
    expect(prompt).not.toContain(source.name);

    const ref = await suggestions('ref');
    const other = await suggestions('other_ref');
    const [decided, skipped] = ref[0]?.source === 'llm' ? [ref, other] : [other, ref];
    overBudget = decided === ref ? 'other_ref' : 'ref';
    expect(decided[0]).toMatchObject({ info_type: 'ZIP_CODE', source: 'llm' });
    expect(decided[0]!.confidence).toBeGreaterThanOrEqual(0.6);
    expect(decided[0]!.evidence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          detector: 'llm',
          model: 'stub-model',
          reason: 'five-digit postal codes',
        }),
        expect.objectContaining({ detector: 'values' }),
      ]),
    );
    expect(skipped.every((row) => row.source === 'rules')).toBe(true);
    expect(skipped.every((row) => row.confidence < 0.5)).toBe(true);
    expect((await suggestions('email'))[0]).toMatchObject({
      info_type: 'EMAIL_ADDRESS',
      source: 'rules',
    });

    const run = await findScanRun(harness.database.db, scanRunId);
    expect(run?.stats).toMatchObject({ classification: { adjudicated: 1 } });
  });

  it('a failing provider leaves the rules in charge and the scan succeeds', async () => {
    stub.respond(() => ({ status: 500, body: { error: { message: 'down' } } }));
    // The column adjudicated before comes from the verdict cache; the other one was asked.
    const asked = stub.requests.length;
    const { handle } = await harness.startScan(sourceId);
    expect((await handle.result()).status).toBe('succeeded');
    expect(stub.requests.length).toBeGreaterThan(asked);
    const rows = await suggestions(overBudget);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.source === 'rules')).toBe(true);
  });
});
