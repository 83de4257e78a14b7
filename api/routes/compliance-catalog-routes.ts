import { OpenAPIHono, z } from '@hono/zod-openapi';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import { findCustomRules } from '../../db/queries/compliance-rules.js';
import { encodeCursor } from '../../db/keyset-page.js';
import type { LoadedPacks } from '../../infra/compliance-packs.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { decodeCursor, pageLimit } from '../pagination.js';
import {
  builtInView,
  customRuleView,
  matchesFilter,
  type RuleView,
} from './compliance-rule-views.js';
import { listRulesRoute } from './compliance-rules-schemas.js';
import { builtInRules, impliedWorkspace } from './compliance-shared.js';

// Built-in rules belong to no workspace: they sort before a custom rule of the same id
// (which the evaluation ignores anyway), under the empty workspace id.
const ruleCursor = z.strictObject({
  ruleId: z.string().max(80),
  workspaceId: z.union([z.literal(''), z.uuid()]),
});
type RuleCursor = z.infer<typeof ruleCursor>;

const keyOf = (view: RuleView): RuleCursor => ({
  ruleId: view.id,
  workspaceId: view.workspaceId ?? '',
});
const before = (a: RuleCursor, b: RuleCursor) =>
  a.ruleId < b.ruleId || (a.ruleId === b.ruleId && a.workspaceId < b.workspaceId);

/**
 * The rule list: the loaded packs' rules and the workspace's own together, by id, paged by
 * one cursor over both.
 *
 * @example
 * app.route('/', complianceCatalogRoutes(deps, packs));
 */
export function complianceCatalogRoutes({ db }: ApiDeps, packs: LoadedPacks) {
  const app = new OpenAPIHono<AppEnv>();
  const builtIns = [...builtInRules(packs).values()].sort((a, b) =>
    a.rule.id < b.rule.id ? -1 : 1,
  );

  app.openapi(listRulesRoute, async (c) => {
    const { cursor, limit: requested, workspaceId: given, ...filter } = c.req.valid('query');
    const limit = pageLimit(requested);
    const after = decodeCursor(cursor, ruleCursor);
    const workspaceId = impliedWorkspace(c, given);
    const builtIn = builtIns
      .filter((entry) => matchesFilter(entry, filter))
      .map(builtInView)
      .filter((view) => !after || before(after, keyOf(view)))
      .slice(0, limit + 1);
    const custom = workspaceId
      ? await findCustomRules(
          db,
          {
            visibleTo: caslToKysely(
              c.var.ability,
              'read',
              'ComplianceRule',
              permissionColumns.ComplianceRule,
            ),
            workspaceId,
            ...filter,
          },
          {
            after: after && {
              ruleId: after.ruleId,
              workspaceId: after.workspaceId || '00000000-0000-0000-0000-000000000000',
            },
            limit: limit + 1,
          },
        )
      : [];
    const merged = [...builtIn, ...custom.map(customRuleView)]
      .sort((a, b) => (before(keyOf(a), keyOf(b)) ? -1 : 1))
      .slice(0, limit + 1);
    const items = merged.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = merged.length > limit && last ? encodeCursor(keyOf(last)) : null;
    return c.json({ items, nextCursor }, 200);
  });

  return app;
}
