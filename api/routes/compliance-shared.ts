import { subject } from '@casl/ability';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ComplianceRule, RuleIssue } from '../../core/compliance/rule-pack.js';
import type { AppAbility } from '../../core/permissions/ability-types.js';
import type { LoadedPacks } from '../../infra/compliance-packs.js';
import type { AppEnv } from '../deps.js';
import { problem } from '../problem.js';

/** A built-in rule (from a loaded pack) with the pack it came in. */
export interface BuiltInRule {
  rule: ComplianceRule;
  pack: { id: string; version: string };
}

/**
 * The rules of the loaded packs by id: the ones every workspace evaluates, which custom
 * rules may not shadow.
 *
 * @example
 * const builtIns = builtInRules(packs); builtIns.get('gdpr-owner-required')?.rule.title;
 */
export function builtInRules(packs: LoadedPacks): ReadonlyMap<string, BuiltInRule> {
  const byId = new Map<string, BuiltInRule>();
  for (const pack of packs.packs) {
    for (const rule of pack.rules)
      byId.set(rule.id, { rule, pack: { id: pack.id, version: pack.version } });
  }
  return byId;
}

/** What a finding shows of the rule it breaks; `title` null when the rule is gone. */
export interface RuleSummary {
  ruleTitle: string | null;
  references: string[];
  remediation: string | null;
}

/**
 * The rule in force behind a finding: the built-in one of that id, else the workspace's own
 * (its stored definition), else none (deleted since, or a pack no longer loaded).
 *
 * @example
 * const { ruleTitle } = ruleSummary(builtIns, finding.ruleId, finding.customRule);
 */
export function ruleSummary(
  builtIns: ReadonlyMap<string, BuiltInRule>,
  ruleId: string,
  custom: Record<string, unknown> | null,
): RuleSummary {
  const builtIn = builtIns.get(ruleId)?.rule;
  if (builtIn) {
    return {
      ruleTitle: builtIn.title,
      references: [...builtIn.references],
      remediation: builtIn.remediation,
    };
  }
  if (custom) {
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    const references = Array.isArray(custom.references) ? custom.references.map(String) : [];
    return { ruleTitle: text(custom.title), references, remediation: text(custom.remediation) };
  }
  return { ruleTitle: null, references: [], remediation: null };
}

/**
 * 422 with one `{ path, message }` per problem, `path` a JSON Pointer into the body
 * (`/when/all/1/field`), so that an editor can mark the offending part.
 *
 * @example
 * if (!parsed.ok) return invalidRule(c, parsed.issues);
 */
export function invalidRule(c: Context<AppEnv>, issues: readonly RuleIssue[]): Response {
  const shown = issues.slice(0, 50);
  return problem(c, 422, {
    title: 'Unprocessable Content',
    detail: `The rule is not valid: ${shown.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')}`,
    errors: shown.map((issue) => ({ path: issue.path, message: issue.message })),
  });
}

/**
 * 422 for a value the schema accepts but the rules of the domain do not (an expiry in the
 * past, say), naming the field.
 *
 * @example
 * return unprocessable(c, '/expiresAt', 'must be in the future');
 */
export function unprocessable(c: Context<AppEnv>, path: string, message: string): Response {
  return problem(c, 422, {
    title: 'Unprocessable Content',
    detail: `${path.slice(1)} ${message}`,
    errors: [{ path, message }],
  });
}

/**
 * The workspace a rule list or lookup is about when the query names none: the caller's only
 * workspace, or none for someone in no workspace (a platform admin sees built-ins then). A
 * member of several must say which, as the answer would otherwise mix workspaces' rules.
 *
 * @example
 * const workspaceId = impliedWorkspace(c, query.workspaceId);
 */
export function impliedWorkspace(
  c: Context<AppEnv>,
  given: string | undefined,
): string | undefined {
  if (given) return given;
  const memberships = c.var.actor.memberships;
  if (memberships.length === 1) return memberships[0]!.workspaceId;
  if (memberships.length === 0) return undefined;
  throw new HTTPException(400, {
    message: 'You belong to several workspaces: give workspaceId.',
  });
}

/**
 * The workspaces where the caller may read every finding, restricted ones included; undefined
 * for a platform admin (all of them). Whole-source counts (trends, evaluations) are for them
 * only: they would tell others how many findings sit on assets they may not see.
 *
 * @example
 * const workspaceIds = fullViewWorkspaces(c.var.actor, c.var.ability);
 */
export function fullViewWorkspaces(
  actor: { isPlatformAdmin: boolean; memberships: readonly { workspaceId: string }[] },
  ability: AppAbility,
): string[] | undefined {
  if (actor.isPlatformAdmin) return undefined;
  return actor.memberships
    .map((membership) => membership.workspaceId)
    .filter((workspaceId) =>
      ability.can('read', subject('ComplianceFinding', { workspaceId, sensitivity: 'restricted' })),
    );
}
