import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import { infoTypeById } from '../core/classification/catalogue/index.js';
import { evaluateRules } from '../core/compliance/evaluate-rules.js';
import { parseRule, type ComplianceRule } from '../core/compliance/rule-pack.js';
import { loadComplianceFacts } from '../db/queries/compliance-facts.js';
import {
  lockEvaluations,
  recordEvaluation,
  recordedEvaluation,
  type EvaluationSummary,
} from '../db/queries/compliance-results.js';
import { customRuleIds, enabledCustomRules } from '../db/queries/compliance-rules.js';
import type { Database } from '../db/schema.js';
import type { LoadedPacks } from './compliance-packs.js';
import type { Logger } from './logger.js';

/**
 * What an evaluation needs: the database, Redis for events, and the packs loaded at start-up.
 *
 * @example
 * const deps: EvaluationDeps = { db, redis, logger, packs: loadRulePacks(packFolders(config)) };
 */
export interface EvaluationDeps {
  db: Kysely<Database>;
  redis: Redis;
  logger: Logger;
  packs: LoadedPacks;
  redisKeyPrefix?: string;
}

/**
 * The rules in force in a workspace: every rule of the loaded packs, then the workspace's
 * enabled custom rules. A stored rule that no longer passes the checks (the language grew
 * stricter) is skipped and logged, never half-applied.
 *
 * @example
 * const rules = await rulesInForce(deps, workspaceId);
 */
export async function rulesInForce(
  deps: Pick<EvaluationDeps, 'db' | 'logger' | 'packs'>,
  workspaceId: string,
): Promise<ComplianceRule[]> {
  const rules = deps.packs.packs.flatMap((pack) => pack.rules);
  const builtIn = new Set(rules.map((rule) => rule.id));
  for (const stored of await enabledCustomRules(deps.db, workspaceId)) {
    // Stored as posted: the rule's fields and the framework it belongs to.
    const { framework, ...rule } = stored.definition as Record<string, unknown>;
    const parsed = parseRule(rule, {
      framework: typeof framework === 'string' ? framework : 'Custom',
      pack: stored.pack,
    });
    if (!parsed.ok || builtIn.has(parsed.value.id)) {
      deps.logger.warn(
        { ruleId: stored.ruleId, workspaceId, issues: parsed.ok ? 'id taken' : parsed.issues },
        'custom compliance rule skipped',
      );
      continue;
    }
    rules.push(parsed.value);
  }
  return rules;
}

/**
 * A digest of the rules, so that evaluations under different rules can be told apart.
 *
 * @example
 * rulesDigest(rules); // 'sha256:9f…'
 */
export function rulesDigest(rules: readonly ComplianceRule[]): string {
  const hash = createHash('sha256');
  for (const rule of rules) hash.update(JSON.stringify(rule)).update('\n');
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Evaluates a data source's catalog against the rules in force and records the results:
 * after each scan (the `evaluateCompliance` activity, keyed by scan run) and on demand.
 * New critical findings are then published (see `publishCriticalFindings`).
 * Returns null when the source does not exist.
 *
 * @example
 * const summary = await evaluateDataSource(deps, dataSourceId, { scanRunId });
 */
export async function evaluateDataSource(
  deps: EvaluationDeps,
  dataSourceId: string,
  options: { scanRunId?: string | null; requestedBy?: string | null },
): Promise<EvaluationSummary | null> {
  const started = performance.now();
  const fqnOf = new Map<string, string>();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    // Taken before the catalog is read: a later evaluation then always sees newer facts.
    await lockEvaluations(trx, dataSourceId);
    const done = options.scanRunId ? await recordedEvaluation(trx, options.scanRunId) : null;
    if (done) return { summary: done, workspaceId: null };
    const workspace = await trx
      .selectFrom('data_sources')
      .select('workspace_id')
      .where('id', '=', dataSourceId)
      .executeTakeFirst();
    if (!workspace) return null;
    const customCategories = await customTypeCategories(trx, workspace.workspace_id);
    const categoryOf = (infoType: string) =>
      infoTypeById(infoType)?.category ?? customCategories.get(infoType) ?? null;
    const facts = await loadComplianceFacts(
      trx,
      dataSourceId,
      categoryOf,
      options.scanRunId ?? undefined,
    );
    if (!facts) return null;
    const rules = await rulesInForce({ ...deps, db: trx }, workspace.workspace_id);
    const closable = new Set([
      ...rules.map((rule) => rule.id),
      ...(await customRuleIds(trx, workspace.workspace_id)),
    ]);
    const results = evaluateRules(rules, facts.source, facts.datasets);
    for (const dataset of facts.datasets) {
      fqnOf.set(dataset.id, dataset.fqn);
      for (const column of dataset.columns) fqnOf.set(column.id, `${dataset.fqn}.${column.name}`);
    }
    const summary = await recordEvaluation(trx, {
      workspaceId: facts.workspaceId,
      dataSourceId,
      scanRunId: options.scanRunId ?? null,
      requestedBy: options.requestedBy ?? null,
      rulesDigest: rulesDigest(rules),
      rules: rules.length,
      assets: facts.datasets.reduce((sum, dataset) => sum + 1 + dataset.columns.length, 0),
      results,
      closable,
      durationMs: performance.now() - started,
    });
    return { summary, workspaceId: facts.workspaceId };
  });
  if (!outcome) return null;
  // After the commit: subscribers may look the findings up at once.
  if (outcome.workspaceId) {
    await publishCriticalFindings(deps, outcome.workspaceId, outcome.summary, fqnOf);
  }
  return outcome.summary;
}

async function customTypeCategories(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('classifiers')
    .select(['info_type', 'category'])
    .where('workspace_id', '=', workspaceId)
    .where('sensitivity', 'is not', null)
    .execute();
  return new Map(rows.flatMap((row) => (row.category ? [[row.info_type, row.category]] : [])));
}

/**
 * The Redis stream (and pub/sub channel) of a workspace's compliance events.
 *
 * @example
 * complianceEventsKey(workspaceId, 'test:1:'); // 'test:1:compliance-events:<workspaceId>'
 */
export function complianceEventsKey(workspaceId: string, prefix = ''): string {
  return `${prefix}compliance-events:${workspaceId}`;
}

/** Events kept per workspace stream; older ones are trimmed. */
const STREAM_LENGTH = 10_000;

/**
 * Publishes each finding this evaluation opened with `critical` severity: appended to the
 * workspace's Redis stream, where notifiers read at their own pace and catch up after a
 * restart, and on the pub/sub channel of the same name for live views. Events are a
 * notification only (the results are the record), so a Redis outage is logged, not thrown.
 *
 * @example
 * await publishCriticalFindings(deps, workspaceId, summary, fqnOf);
 */
export async function publishCriticalFindings(
  deps: Pick<EvaluationDeps, 'redis' | 'logger' | 'redisKeyPrefix'>,
  workspaceId: string,
  summary: EvaluationSummary,
  fqnOf: ReadonlyMap<string, string>,
): Promise<number> {
  const critical = summary.openedFindings.filter((finding) => finding.severity === 'critical');
  if (critical.length === 0) return 0;
  const key = complianceEventsKey(workspaceId, deps.redisKeyPrefix);
  const at = new Date().toISOString();
  const pipeline = deps.redis.pipeline();
  for (const finding of critical) {
    const event = JSON.stringify({
      type: 'finding.opened',
      findingId: finding.id,
      ruleId: finding.ruleId,
      framework: finding.framework,
      severity: finding.severity,
      assetId: finding.assetId,
      assetFqn: fqnOf.get(finding.assetId) ?? null,
      dataSourceId: summary.dataSourceId,
      evaluationId: summary.evaluationId,
      scanRunId: summary.scanRunId,
      at,
    });
    pipeline.xadd(key, 'MAXLEN', '~', STREAM_LENGTH, '*', 'event', event);
    pipeline.publish(key, event);
  }
  try {
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
    return critical.length;
  } catch (error) {
    deps.logger.warn({ err: error, workspaceId }, 'publishing compliance events failed');
    return 0;
  }
}
