import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleResult } from '../../core/compliance/evaluate-rules.js';
import {
  lockEvaluations,
  recordEvaluation,
  type EvaluationInput,
} from '../../db/queries/compliance-results.js';
import { insertOwner } from '../helpers/source-rows.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// How recorded results move between evaluations, on the real tables.
describe('recording compliance evaluations', () => {
  let database: TestDatabase;
  let base: Omit<EvaluationInput, 'results' | 'closable'>;
  let assetId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const owner = await insertOwner(database.db, 'results');
    const source = await database.db
      .insertInto('data_sources')
      .values({ workspace_id: owner.workspaceId, name: 'src', scanner: 'postgres', settings: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const asset = await database.db
      .insertInto('catalog_assets')
      .values({
        workspace_id: owner.workspaceId,
        data_source_id: source.id,
        kind: 'table',
        fqn: 'db.s.t',
        name: 't',
        properties: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    assetId = asset.id;
    base = {
      workspaceId: owner.workspaceId,
      dataSourceId: source.id,
      scanRunId: null,
      requestedBy: null,
      rulesDigest: 'sha256:test',
      rules: 2,
      assets: 1,
      durationMs: 1,
    };
  });
  afterAll(async () => {
    await database?.drop();
  });

  const result = (ruleId: string, status: 'pass' | 'fail', severity: RuleResult['severity']) => ({
    assetId,
    ruleId,
    framework: 'GDPR',
    severity,
    status,
    evidence: { fields: {}, columns: [], failing: [] },
  });
  const record = (results: RuleResult[], closable: string[]) =>
    database.db.transaction().execute(async (trx) => {
      await lockEvaluations(trx, base.dataSourceId);
      return recordEvaluation(trx, { ...base, results, closable: new Set(closable) });
    });
  const row = (ruleId: string) =>
    database.db
      .selectFrom('compliance_results')
      .selectAll()
      .where('asset_id', '=', assetId)
      .where('rule_id', '=', ruleId)
      .executeTakeFirstOrThrow();

  it('moves a changed severity onto an open finding, without reopening it', async () => {
    const first = await record([result('r-sev', 'fail', 'high')], ['r-sev']);
    expect(first.opened).toBe(1);
    const opened = (await row('r-sev')).opened_at;
    const second = await record([result('r-sev', 'fail', 'critical')], ['r-sev']);
    expect(second.opened).toBe(0);
    expect(await row('r-sev')).toMatchObject({ severity: 'critical', opened_at: opened });
  });

  it('leaves the results of a rule that is not in force (a pack that failed to load) alone', async () => {
    await record([result('r-pack', 'fail', 'high')], ['r-pack']);
    const later = await record([], []);
    expect(later.resolved).toBe(0);
    expect(await row('r-pack')).toMatchObject({ status: 'fail', resolved_at: null });
    // A rule the evaluation may close and that no longer applies is resolved.
    const closed = await record([], ['r-pack']);
    expect(closed.resolved).toBe(1);
    expect(await row('r-pack')).toMatchObject({ status: 'not_applicable' });
  });

  it('ends the waiver of a finding that is resolved: a new failure is a new finding', async () => {
    await record([result('r-waive', 'fail', 'high')], ['r-waive']);
    const finding = await row('r-waive');
    const waiver = await database.db
      .insertInto('compliance_waivers')
      .values({
        workspace_id: base.workspaceId,
        result_id: finding.id,
        reason: 'accepted until the migration ends',
        expires_at: new Date(Date.now() + 86_400_000),
        status: 'approved',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await record([result('r-waive', 'pass', 'high')], ['r-waive']);
    const after = await database.db
      .selectFrom('compliance_waivers')
      .select(['status'])
      .where('id', '=', waiver.id)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('revoked');
    const reopened = await record([result('r-waive', 'fail', 'high')], ['r-waive']);
    expect(reopened.opened).toBe(1);
  });
});
