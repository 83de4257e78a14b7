import { basename } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { builtInRulePacks } from '../../infra/compliance-packs.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { complianceCatalogRoutes } from './compliance-catalog-routes.js';
import { complianceEvaluationsRoutes } from './compliance-evaluations-routes.js';
import { complianceFindingsRoutes } from './compliance-findings-routes.js';
import { complianceRulesRoutes } from './compliance-rules-routes.js';
import { listPacksRoute } from './compliance-rules-schemas.js';
import { complianceSummaryRoutes } from './compliance-summary-routes.js';
import { complianceWaiversRoutes } from './compliance-waivers-routes.js';

/**
 * Everything under `/api/v1/compliance`: packs and rules, findings and their exports, the
 * summary, waivers and evaluations. The packs are the ones loaded at start-up (`deps`), so
 * every route and every evaluation sees the same rules.
 *
 * @example
 * app.route('/', complianceRoutes(deps));
 */
export function complianceRoutes(deps: ApiDeps) {
  const packs = deps.compliancePacks ?? builtInRulePacks();
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(listPacksRoute, (c) => {
    const items = packs.packs.map((pack) => ({
      id: pack.id,
      framework: pack.framework,
      title: pack.title,
      version: pack.version,
      description: pack.description ?? null,
      rules: pack.rules.length,
    }));
    // Whoever may write rules somewhere (stewards, admins) can act on a broken pack file;
    // only its name is shown, never the server's folders.
    if (!c.var.ability.can('create', 'ComplianceRule')) return c.json({ items }, 200);
    const problems = packs.problems.map((p) => ({
      file: basename(p.file),
      issues: p.issues.map((issue) => ({
        path: issue.path,
        message: issue.message.replaceAll(p.file, basename(p.file)),
      })),
    }));
    return c.json({ items, problems }, 200);
  });

  app.route('/', complianceCatalogRoutes(deps, packs));
  app.route('/', complianceRulesRoutes(deps, packs));
  app.route('/', complianceFindingsRoutes(deps, packs));
  app.route('/', complianceSummaryRoutes(deps));
  app.route('/', complianceWaiversRoutes(deps));
  app.route('/', complianceEvaluationsRoutes(deps, packs));
  return app;
}
