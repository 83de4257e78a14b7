import { subject } from '@casl/ability';
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { parseRule, RULE_ID, type RuleIssue } from '../../core/compliance/rule-pack.js';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import {
  deleteCustomRule,
  findCustomRules,
  insertCustomRule,
  replaceCustomRule,
  type CustomRuleRecord,
} from '../../db/queries/compliance-rules.js';
import { findWorkspace } from '../../db/queries/workspaces.js';
import type { Database } from '../../db/schema.js';
import type { LoadedPacks } from '../../infra/compliance-packs.js';
import { notFound, requireAccess } from '../access.js';
import { audit } from '../audit.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { checkIfMatch, etagFor } from '../etag.js';
import { problem } from '../problem.js';
import {
  createRuleRoute,
  deleteRuleRoute,
  getRuleRoute,
  replaceRuleRoute,
} from './compliance-rules-schemas.js';
import { builtInRules, invalidRule } from './compliance-shared.js';
import { builtInView, customRuleView } from './compliance-rule-views.js';

type RuleBody = Omit<
  z.infer<(typeof createRuleRoute.request.body.content)['application/json']['schema']>,
  'workspaceId'
>;

/**
 * Checks a posted rule with `parseRule` (shape, conditions, evidence fields) plus what only
 * the API adds: the framework's and pack's spelling. Returns the definition to store
 * (the rule's fields and `framework`) or every problem at once.
 */
function checkRule(
  body: RuleBody,
):
  | { ok: true; definition: Record<string, unknown>; pack: string }
  | { ok: false; issues: RuleIssue[] } {
  const { framework, pack = 'custom' } = body;
  const issues: RuleIssue[] = [];
  const name = framework.trim();
  if (name.length < 2 || name.length > 40) {
    issues.push({ path: '/framework', message: 'must be 2-40 characters' });
  }
  if (pack.length < 3 || pack.length > 80 || !RULE_ID.test(pack)) {
    issues.push({
      path: '/pack',
      message: 'lower-case words joined by "-" or ".", 3-80 characters',
    });
  }
  const fields = {
    id: body.id,
    title: body.title,
    description: body.description,
    references: body.references,
    severity: body.severity,
    target: body.target,
    when: body.when,
    require: body.require,
    evidence: body.evidence,
    remediation: body.remediation,
  };
  const parsed = parseRule(fields, { framework: name, pack });
  if (!parsed.ok) issues.push(...parsed.issues);
  if (!parsed.ok || issues.length > 0) return { ok: false, issues };
  // Stored as the rule's own fields plus `framework`; the pack has its own column.
  const definition: Record<string, unknown> = { ...parsed.value, framework: name };
  delete definition.pack;
  return { ok: true, definition, pack };
}

/** What the audit log keeps of a rule: enough to see what changed, conditions included. */
const summary = (rule: CustomRuleRecord) => ({
  ruleId: rule.ruleId,
  pack: rule.pack,
  enabled: rule.enabled,
  definition: rule.definition,
});

/**
 * Custom compliance rules: a workspace's own, stored as validated data (never code) and
 * evaluated beside the built-in packs. CASL `ComplianceRule`; every change audited.
 *
 * @example
 * app.route('/', complianceRulesRoutes(deps, packs));
 */
export function complianceRulesRoutes({ db }: ApiDeps, packs: LoadedPacks) {
  const app = new OpenAPIHono<AppEnv>();
  const builtIns = builtInRules(packs);

  /**
   * The custom rule `ruleId` names among those the caller may read (in `workspaceId` when
   * given). The same id in several of the caller's workspaces needs `workspaceId` (400).
   */
  const readable = async (c: Context<AppEnv>, ruleId: string, workspaceId?: string) => {
    const visibleTo = caslToKysely(
      c.var.ability,
      'read',
      'ComplianceRule',
      permissionColumns.ComplianceRule,
    );
    const rows = await findCustomRules(db, { visibleTo, ruleId, workspaceId });
    if (rows.length > 1) {
      return problem(c, 400, {
        detail: 'Several of your workspaces have a rule of that id: give workspaceId.',
      });
    }
    return rows[0];
  };
  /**
   * The one access check of a write: readable first, then `action` on that rule, then the
   * request's `If-Match` against its version. Returns the rule or the response refusing.
   */
  const writable = async (
    c: Context<AppEnv>,
    action: 'update' | 'delete',
    ruleId: string,
    workspaceId: string | undefined,
  ) => {
    const found = await readable(c, ruleId, workspaceId);
    if (found instanceof Response) return found;
    if (!found && builtIns.has(ruleId)) {
      return problem(c, 409, {
        detail: `${ruleId} is a built-in rule; built-in rules cannot be changed.`,
      });
    }
    const current = await requireAccess(c, action, 'ComplianceRule', async () => found);
    return checkIfMatch(c, { kind: 'compliance-rule', ...current }) ?? current;
  };
  /**
   * Runs `write` on the rule `current` (at its version) in a transaction, audited there as
   * `compliance-rule.<action>` when it took effect. Returns what `write` returned, or the 412
   * when the rule changed meanwhile.
   */
  const auditedWrite = async <T>(
    c: Context<AppEnv>,
    action: 'update' | 'delete',
    current: CustomRuleRecord,
    write: (trx: Kysely<Database>) => Promise<T | undefined | false>,
    after?: (result: T) => Record<string, unknown>,
  ): Promise<T | Response> => {
    const written = await db.transaction().execute(async (trx) => {
      const result = await write(trx);
      if (result) {
        await audit(c, trx, {
          action: `compliance-rule.${action}`,
          objectType: 'compliance-rule',
          objectId: current.id,
          workspaceId: current.workspaceId,
          before: summary(current),
          ...(after && { after: after(result) }),
        });
      }
      return result;
    });
    return written || problem(c, 412, { detail: 'The rule changed meanwhile.' });
  };
  app.openapi(getRuleRoute, async (c) => {
    const { ruleId } = c.req.valid('param');
    const builtIn = builtIns.get(ruleId);
    if (builtIn) return c.json(builtInView(builtIn), 200);
    const found = await readable(c, ruleId, c.req.valid('query').workspaceId);
    if (found instanceof Response) return found as never;
    if (!found) throw notFound('ComplianceRule');
    c.header('ETag', etagFor('compliance-rule', found.id, found.version));
    return c.json(customRuleView(found), 200);
  });

  app.openapi(createRuleRoute, async (c) => {
    const { workspaceId, ...body } = c.req.valid('json');
    const workspace = await findWorkspace(db, workspaceId);
    const allowed = c.var.ability.can(
      'create',
      subject('ComplianceRule', { workspaceId, createdBy: c.var.actor.userId }),
    );
    if (!workspace || !allowed) throw notFound('Workspace');
    const checked = checkRule(body);
    if (!checked.ok) return invalidRule(c, checked.issues) as never;
    if (builtIns.has(body.id)) {
      return problem(c, 409, { detail: `${body.id} is the id of a built-in rule.` }) as never;
    }
    const created = await db.transaction().execute(async (trx) => {
      const result = await insertCustomRule(trx, {
        workspaceId,
        ruleId: body.id,
        pack: checked.pack,
        definition: checked.definition,
        enabled: body.enabled ?? true,
        createdBy: c.var.actor.userId,
      });
      if (result !== 'taken') {
        await audit(c, trx, {
          action: 'compliance-rule.create',
          objectType: 'compliance-rule',
          objectId: result.id,
          workspaceId,
          after: summary(result),
        });
      }
      return result;
    });
    if (created === 'taken') {
      return problem(c, 409, { detail: `The workspace has a rule ${body.id} already.` }) as never;
    }
    c.header('Location', `/api/v1/compliance/rules/${created.ruleId}?workspaceId=${workspaceId}`);
    c.header('ETag', etagFor('compliance-rule', created.id, created.version));
    return c.json(customRuleView(created), 201);
  });

  app.openapi(replaceRuleRoute, async (c) => {
    const { ruleId } = c.req.valid('param');
    const current = await writable(c, 'update', ruleId, c.req.valid('query').workspaceId);
    if (current instanceof Response) return current as never;
    const body = c.req.valid('json');
    const checked = checkRule({ ...body, id: current.ruleId, pack: body.pack ?? current.pack });
    if (!checked.ok) return invalidRule(c, checked.issues) as never;
    const updated = await auditedWrite(
      c,
      'update',
      current,
      (trx) =>
        replaceCustomRule(trx, current.id, current.version, {
          pack: checked.pack,
          definition: checked.definition,
          enabled: body.enabled ?? current.enabled,
        }),
      summary,
    );
    if (updated instanceof Response) return updated as never;
    c.header('ETag', etagFor('compliance-rule', updated.id, updated.version));
    return c.json(customRuleView(updated), 200);
  });

  app.openapi(deleteRuleRoute, async (c) => {
    const { ruleId } = c.req.valid('param');
    const current = await writable(c, 'delete', ruleId, c.req.valid('query').workspaceId);
    if (current instanceof Response) return current as never;
    const deleted = await auditedWrite(c, 'delete', current, (trx) =>
      deleteCustomRule(trx, current.id, current.version),
    );
    if (deleted instanceof Response) return deleted as never;
    return c.body(null, 204);
  });

  return app;
}
