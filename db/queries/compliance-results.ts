import { sql, type Kysely, type Selectable } from 'kysely';
import type { RuleResult } from '../../core/compliance/evaluate-rules.js';
import type { ComplianceEvaluationsTable, ComplianceStatus, Database } from '../schema.js';

type Db = Kysely<Database>;

/** Rows per statement when writing results. */
const CHUNK = 5_000;

/**
 * One evaluation to record: where, by whom or by which scan, under which rules, and what the
 * rules concluded where they applied.
 *
 * @example
 * await recordEvaluation(db, { workspaceId, dataSourceId, scanRunId, requestedBy: null, rulesDigest, rules: 31, assets: 120, results, durationMs: 40 });
 */
export interface EvaluationInput {
  workspaceId: string;
  dataSourceId: string;
  scanRunId: string | null;
  requestedBy: string | null;
  rulesDigest: string;
  rules: number;
  assets: number;
  results: readonly RuleResult[];
  /**
   * Rules whose earlier results this evaluation may close when they no longer apply: the
   * rules it ran and the workspace's custom rules. Results of a pack that failed to load are
   * left as they were, not resolved by its absence.
   */
  closable: ReadonlySet<string>;
  durationMs: number;
}

/**
 * The counts an evaluation records: rules and assets judged, results passed and failed,
 * findings opened and resolved, failures by framework and severity, and its duration.
 *
 * @example
 * const { failed, opened, resolved } = counts;
 */
export interface EvaluationCounts {
  rules: number;
  assets: number;
  passed: number;
  failed: number;
  opened: number;
  resolved: number;
  failedBy: Record<string, Record<string, number>>;
  durationMs: number;
}

/**
 * What an evaluation changed: counts, and the findings it opened (for events).
 *
 * @example
 * const { evaluationId, opened, openedFindings } = await recordEvaluation(db, input);
 */
export interface EvaluationSummary extends EvaluationCounts {
  evaluationId: string;
  dataSourceId: string;
  scanRunId: string | null;
  createdAt: string;
  /** Findings that began failing with this evaluation; empty when it was recorded before. */
  openedFindings: {
    id: string;
    assetId: string;
    ruleId: string;
    framework: string;
    severity: string;
  }[];
}

interface Existing {
  id: string;
  status: ComplianceStatus;
}

/**
 * Serialises the evaluations of one data source until the transaction ends: an evaluation
 * reads the catalog and the results, then writes, and two at once would undo each other.
 *
 * @example
 * await db.transaction().execute(async (trx) => { await lockEvaluations(trx, id); … });
 */
export async function lockEvaluations(trx: Db, dataSourceId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${dataSourceId}, 7))`.execute(trx);
}

/**
 * The evaluation already recorded for a scan run, if any: an activity retried after its
 * completion was lost finds it and changes nothing.
 *
 * @example
 * const done = await recordedEvaluation(trx, scanRunId);
 */
export async function recordedEvaluation(
  db: Db,
  scanRunId: string,
): Promise<EvaluationSummary | null> {
  const done = await db
    .selectFrom('compliance_evaluations')
    .selectAll()
    .where('scan_run_id', '=', scanRunId)
    .executeTakeFirst();
  return done ? { ...summaryOf(done), openedFindings: [] } : null;
}

/**
 * Records an evaluation and moves every result of the source to what it concluded; call it
 * in the transaction that holds `lockEvaluations`. Results are upserted by (asset, rule),
 * closable results that no longer apply become `not_applicable`, a failure that began is
 * dated `opened_at` and one that ended `resolved_at` (its live waiver ends with it), and each
 * transition is kept in `compliance_result_changes`.
 *
 * @example
 * const summary = await recordEvaluation(trx, input);
 */
export async function recordEvaluation(
  trx: Db,
  input: EvaluationInput,
): Promise<EvaluationSummary> {
  const passed = input.results.filter((result) => result.status === 'pass').length;
  const failedBy: Record<string, Record<string, number>> = {};
  for (const result of input.results) {
    if (result.status !== 'fail') continue;
    const bySeverity = (failedBy[result.framework] ??= {});
    bySeverity[result.severity] = (bySeverity[result.severity] ?? 0) + 1;
  }
  const evaluation = await trx
    .insertInto('compliance_evaluations')
    .values({
      workspace_id: input.workspaceId,
      data_source_id: input.dataSourceId,
      scan_run_id: input.scanRunId,
      requested_by: input.requestedBy,
      rules_digest: input.rulesDigest,
      rules: input.rules,
      assets: input.assets,
      passed,
      failed: input.results.length - passed,
      opened: 0,
      resolved: 0,
      failed_by: JSON.stringify(failedBy),
      duration_ms: Math.round(input.durationMs),
    })
    .returningAll()
    .executeTakeFirstOrThrow();

  const existing = new Map<string, Existing>();
  const rows = await trx
    .selectFrom('compliance_results')
    .select(['id', 'asset_id', 'rule_id', 'status'])
    .where('data_source_id', '=', input.dataSourceId)
    .execute();
  for (const row of rows) existing.set(`${row.asset_id}|${row.rule_id}`, row);

  const seen = new Set<string>();
  const changed: ChangedRow[] = [];
  for (let at = 0; at < input.results.length; at += CHUNK) {
    const chunk = input.results.slice(at, at + CHUNK);
    for (const result of chunk) seen.add(`${result.assetId}|${result.ruleId}`);
    changed.push(...(await upsertResults(trx, input, evaluation.id, chunk)));
  }
  const gone = rows.filter(
    (row) =>
      row.status !== 'not_applicable' &&
      input.closable.has(row.rule_id) &&
      !seen.has(`${row.asset_id}|${row.rule_id}`),
  );
  if (gone.length > 0) {
    const ended = await trx
      .updateTable('compliance_results')
      .set({
        status: 'not_applicable',
        resolved_at: sql`case when status = 'fail' then now() else resolved_at end`,
        evaluation_id: evaluation.id,
        updated_at: sql`now()`,
      })
      .where(sql<boolean>`id = any(${gone.map((row) => row.id)}::uuid[])`)
      .returning(['id', 'asset_id', 'rule_id', 'status', 'framework', 'severity'])
      .execute();
    changed.push(...ended);
  }

  const { opened: openedFindings, resolved } = await recordChanges(
    trx,
    evaluation.id,
    changed,
    existing,
  );
  const final = await trx
    .updateTable('compliance_evaluations')
    .set({ opened: openedFindings.length, resolved })
    .where('id', '=', evaluation.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...summaryOf(final), openedFindings };
}

async function upsertResults(
  trx: Db,
  input: EvaluationInput,
  evaluationId: string,
  results: readonly RuleResult[],
): Promise<ChangedRow[]> {
  const payload = results.map((result) => ({
    asset_id: result.assetId,
    rule_id: result.ruleId,
    framework: result.framework,
    severity: result.severity,
    status: result.status,
    evidence: result.evidence,
  }));
  // A failure opens when the result was anything but `fail`; it resolves when a `fail` ends.
  // A result that did not change is not written at all: most of a rescan's results.
  const { rows } = await sql<ChangedRow>`
    insert into compliance_results as r
      (workspace_id, data_source_id, asset_id, rule_id, framework, severity, status, evidence,
       opened_at, resolved_at, evaluation_id)
    select ${input.workspaceId}::uuid, ${input.dataSourceId}::uuid, i.asset_id, i.rule_id,
           i.framework, i.severity, i.status, i.evidence,
           case when i.status = 'fail' then now() end, null, ${evaluationId}::uuid
      from jsonb_to_recordset(${JSON.stringify(payload)}::jsonb)
        as i(asset_id uuid, rule_id text, framework text, severity text, status text, evidence jsonb)
    on conflict (asset_id, rule_id) do update set
      framework = excluded.framework,
      severity = excluded.severity,
      status = excluded.status,
      evidence = excluded.evidence,
      opened_at = case
        when excluded.status = 'fail' and r.status <> 'fail' then now()
        when excluded.status = 'fail' then r.opened_at
        else r.opened_at end,
      resolved_at = case
        when excluded.status = 'fail' then null
        when r.status = 'fail' then now()
        else r.resolved_at end,
      evaluation_id = excluded.evaluation_id,
      updated_at = now()
    where r.status <> excluded.status or r.evidence <> excluded.evidence
       or r.severity <> excluded.severity or r.framework <> excluded.framework
    returning r.id, r.asset_id, r.rule_id, r.status, r.framework, r.severity`.execute(trx);
  return rows;
}

interface ChangedRow {
  id: string;
  asset_id: string;
  rule_id: string;
  status: ComplianceStatus;
  framework: string;
  severity: string;
}

/**
 * Records the transitions of the results this evaluation wrote (only changed ones are) and
 * returns the findings it opened and how many failures ended, by a pass or by no longer
 * applying.
 */
async function recordChanges(
  trx: Db,
  evaluationId: string,
  changed: readonly ChangedRow[],
  before: ReadonlyMap<string, Existing>,
): Promise<{ opened: EvaluationSummary['openedFindings']; resolved: number }> {
  const changes: {
    result_id: string;
    evaluation_id: string;
    from_status: ComplianceStatus | null;
    to_status: ComplianceStatus;
  }[] = [];
  const opened: EvaluationSummary['openedFindings'] = [];
  let resolved = 0;
  for (const row of changed) {
    const previous = before.get(`${row.asset_id}|${row.rule_id}`)?.status ?? null;
    if (previous === row.status) continue;
    changes.push({
      result_id: row.id,
      evaluation_id: evaluationId,
      from_status: previous,
      to_status: row.status,
    });
    if (row.status === 'fail') {
      opened.push({
        id: row.id,
        assetId: row.asset_id,
        ruleId: row.rule_id,
        framework: row.framework,
        severity: row.severity,
      });
    } else if (previous === 'fail') resolved += 1;
  }
  const ended = changes.filter((change) => change.from_status === 'fail');
  if (ended.length > 0) {
    // A waiver excuses one failure: once it is fixed, a later failure is a new finding.
    await trx
      .updateTable('compliance_waivers')
      .set({
        status: 'revoked',
        decision_note: 'the finding was resolved',
        version: sql`version + 1`,
        updated_at: sql`now()`,
      })
      .where(sql<boolean>`result_id = any(${ended.map((change) => change.result_id)}::uuid[])`)
      .where('status', 'in', ['requested', 'approved'])
      .execute();
  }
  if (changes.length > 0) {
    // One statement of four arrays: a first evaluation records a change per result.
    await sql`
      insert into compliance_result_changes (result_id, evaluation_id, from_status, to_status)
      select r, ${evaluationId}::uuid, f, t
        from unnest(${changes.map((c) => c.result_id)}::uuid[],
                    ${changes.map((c) => c.from_status)}::text[],
                    ${changes.map((c) => c.to_status)}::text[]) as u(r, f, t)`.execute(trx);
  }
  return { opened, resolved };
}

function summaryOf(
  row: Selectable<ComplianceEvaluationsTable>,
): Omit<EvaluationSummary, 'openedFindings'> {
  return {
    evaluationId: row.id,
    dataSourceId: row.data_source_id,
    scanRunId: row.scan_run_id,
    rules: row.rules,
    assets: row.assets,
    passed: row.passed,
    failed: row.failed,
    opened: row.opened,
    resolved: row.resolved,
    failedBy: row.failed_by,
    durationMs: row.duration_ms,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * The counts of a scan run's evaluation, for the run's stats; null when it has none (the
 * scan failed before, or the evaluation failed and the scan went on).
 *
 * @example
 * const compliance = await evaluationOfRun(trx, scanRunId); // { rules: 31, failed: 12, … }
 */
export async function evaluationOfRun(
  db: Db,
  scanRunId: string,
): Promise<Record<string, unknown> | null> {
  const row = await db
    .selectFrom('compliance_evaluations')
    .select(['id', 'rules', 'assets', 'passed', 'failed', 'opened', 'resolved', 'failed_by'])
    .where('scan_run_id', '=', scanRunId)
    .executeTakeFirst();
  if (!row) return null;
  const { id, failed_by: failedBy, ...counts } = row;
  return { evaluationId: id, ...counts, failedBy };
}
