import { sql, type Expression, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { ComplianceRulesTable, Database } from '../schema.js';

type Db = Kysely<Database>;

/**
 * A workspace's own rule as stored: `definition` was checked with `parseRule` on write.
 *
 * @example
 * const [row] = await enabledCustomRules(db, workspaceId);
 */
export interface StoredCustomRule {
  id: string;
  ruleId: string;
  pack: string;
  definition: unknown;
}

/**
 * The enabled custom rules of a workspace, by rule id.
 *
 * @example
 * const rules = await enabledCustomRules(db, workspaceId);
 */
export async function enabledCustomRules(db: Db, workspaceId: string): Promise<StoredCustomRule[]> {
  const rows = await db
    .selectFrom('compliance_rules')
    .select(['id', 'rule_id', 'pack', 'definition'])
    .where('workspace_id', '=', workspaceId)
    .where('enabled', '=', true)
    .orderBy('rule_id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    ruleId: row.rule_id,
    pack: row.pack,
    definition: row.definition,
  }));
}

/**
 * A custom rule with everything the API shows and checks. `definition` holds the rule's
 * fields as `ruleShape` reads them plus `framework` (the table has no column for it; the
 * evaluation takes it out again before `parseRule`).
 *
 * @example
 * const { definition } = (await findCustomRules(db, { ruleId: 'acme-owner' }))[0]!;
 */
export interface CustomRuleRecord {
  id: string;
  workspaceId: string;
  ruleId: string;
  pack: string;
  definition: Record<string, unknown>;
  enabled: boolean;
  version: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a create or a replace writes; the API has checked `definition` with `parseRule`. */
export interface CustomRuleWrite {
  pack: string;
  definition: Record<string, unknown>;
  enabled: boolean;
}

/**
 * Filters of rule lists, matched against the stored definition. `visibleTo` is the
 * caller's read filter on `ComplianceRule`.
 *
 * @example
 * const filter: CustomRuleFilter = { visibleTo, workspaceId, severity: 'high' };
 */
export interface CustomRuleFilter {
  visibleTo: Expression<SqlBool>;
  workspaceId?: string;
  ruleId?: string;
  framework?: string;
  severity?: string;
  pack?: string;
  target?: string;
}

const toRecord = (row: Selectable<ComplianceRulesTable>): CustomRuleRecord => ({
  id: row.id,
  workspaceId: row.workspace_id,
  ruleId: row.rule_id,
  pack: row.pack,
  definition: row.definition as Record<string, unknown>,
  enabled: row.enabled,
  version: row.version,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/**
 * Custom rules the caller may read, by rule id then workspace: all of them (rules are few
 * per workspace; the route pages them together with the built-in ones), or those after
 * `after` up to `limit`.
 *
 * @example
 * const rows = await findCustomRules(db, { visibleTo, ruleId: 'acme-owner' });
 */
export async function findCustomRules(
  db: Db,
  filter: CustomRuleFilter,
  page: { after?: { ruleId: string; workspaceId: string } | null; limit?: number } = {},
): Promise<CustomRuleRecord[]> {
  const field = (name: string) => sql<string>`compliance_rules.definition ->> ${name}`;
  let query = db.selectFrom('compliance_rules').selectAll().where(filter.visibleTo);
  if (filter.workspaceId) query = query.where('workspace_id', '=', filter.workspaceId);
  if (filter.ruleId) query = query.where('rule_id', '=', filter.ruleId);
  if (filter.pack) query = query.where('pack', '=', filter.pack);
  if (filter.framework) query = query.where(field('framework'), '=', filter.framework);
  if (filter.severity) query = query.where(field('severity'), '=', filter.severity);
  if (filter.target) query = query.where(field('target'), '=', filter.target);
  if (page.after) {
    query = query.where(
      sql<boolean>`(rule_id collate "C", workspace_id) > (${page.after.ruleId}, ${page.after.workspaceId}::uuid)`,
    );
  }
  if (page.limit) query = query.limit(page.limit);
  // Byte order ("C"), as JavaScript compares strings: the API merges these with built-ins.
  const rows = await query
    .orderBy(sql`rule_id collate "C"`)
    .orderBy('workspace_id')
    .execute();
  return rows.map(toRecord);
}

/**
 * Stores a new custom rule. Returns `'taken'` when the workspace has a rule of that id.
 *
 * @example
 * const created = await insertCustomRule(trx, { workspaceId, ruleId, createdBy, ...write });
 */
export async function insertCustomRule(
  db: Db,
  input: CustomRuleWrite & { workspaceId: string; ruleId: string; createdBy: string | null },
): Promise<CustomRuleRecord | 'taken'> {
  // `do nothing` rather than catching the unique violation, which would abort the caller's
  // transaction.
  const row = await db
    .insertInto('compliance_rules')
    .values({
      workspace_id: input.workspaceId,
      rule_id: input.ruleId,
      pack: input.pack,
      definition: JSON.stringify(input.definition),
      enabled: input.enabled,
      created_by: input.createdBy,
    })
    .onConflict((oc) => oc.constraint('compliance_rules_workspace_rule_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? toRecord(row) : 'taken';
}

/**
 * Replaces a rule if it is still at `version`; undefined when it changed meanwhile.
 *
 * @example
 * const updated = await replaceCustomRule(trx, current.id, current.version, write);
 */
export async function replaceCustomRule(
  db: Db,
  id: string,
  version: number,
  write: CustomRuleWrite,
): Promise<CustomRuleRecord | undefined> {
  const row = await db
    .updateTable('compliance_rules')
    .set({
      pack: write.pack,
      definition: JSON.stringify(write.definition),
      enabled: write.enabled,
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
  return row && toRecord(row);
}

/**
 * Deletes a rule if it is still at `version`. Its results stay: a finding of a rule that
 * is gone shows with no title until the next evaluation marks it not applicable.
 *
 * @example
 * if (!(await deleteCustomRule(trx, current.id, current.version))) return stale();
 */
export async function deleteCustomRule(db: Db, id: string, version: number): Promise<boolean> {
  const deleted = await db
    .deleteFrom('compliance_rules')
    .where('id', '=', id)
    .where('version', '=', version)
    .returning(['workspace_id', 'rule_id'])
    .executeTakeFirst();
  if (!deleted) return false;
  // Its findings end with it: no later evaluation will judge them again.
  await db
    .updateTable('compliance_results')
    .set({
      status: 'not_applicable',
      resolved_at: sql`case when status = 'fail' then now() else resolved_at end`,
      updated_at: sql`now()`,
    })
    .where('workspace_id', '=', deleted.workspace_id)
    .where('rule_id', '=', deleted.rule_id)
    .where('status', '<>', 'not_applicable')
    .execute();
  return true;
}

/**
 * The ids of every custom rule of a workspace, enabled or not: results of these rules are
 * the evaluation's to close when they no longer apply.
 *
 * @example
 * const ids = await customRuleIds(db, workspaceId);
 */
export async function customRuleIds(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('compliance_rules')
    .select('rule_id')
    .where('workspace_id', '=', workspaceId)
    .execute();
  return rows.map((row) => row.rule_id);
}
