import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import { listEvaluations } from '../../db/queries/compliance-summary.js';
import { findDataSource } from '../../db/queries/data-sources.js';
import type { LoadedPacks } from '../../infra/compliance-packs.js';
import { evaluateDataSource } from '../../infra/compliance-evaluation.js';
import { notFound, requireAccess } from '../access.js';
import { audit } from '../audit.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { bearer, commonErrors, json, problemContent } from '../openapi-common.js';
import { decodeCursor, pageLimit, pageSchema, paginationQuery } from '../pagination.js';
import { CURSOR_TIME } from '../../db/keyset-page.js';
import { fullViewWorkspaces } from './compliance-shared.js';

const tag = 'compliance';
const counts = {
  rules: z.number().int(),
  assets: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
  opened: z.number().int(),
  resolved: z.number().int(),
  failedBy: z.record(z.string(), z.record(z.string(), z.number().int())).openapi({
    description: 'Failed results by framework, then severity: `{ "GDPR": { "high": 3 } }`',
  }),
  durationMs: z.number().int(),
};

const evaluationView = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    dataSourceId: z.string(),
    dataSourceName: z.string(),
    scanRunId: z.string().nullable(),
    requestedBy: z.string().nullable(),
    ...counts,
    evaluatedAt: z.string(),
  })
  .openapi('ComplianceEvaluation');

const evaluateRoute = createRoute({
  method: 'post',
  path: '/api/v1/compliance/evaluations',
  tags: [tag],
  summary: "Evaluate a data source's catalog now (whoever may scan it); scans also evaluate",
  security: bearer,
  request: {
    body: { required: true, content: json(z.strictObject({ dataSourceId: z.uuid() })) },
  },
  responses: {
    200: {
      description: 'What the evaluation found and changed',
      content: json(
        z
          .object({
            evaluationId: z.string(),
            dataSourceId: z.string(),
            ...counts,
            evaluatedAt: z.string(),
          })
          .openapi('ComplianceEvaluationSummary'),
      ),
    },
    404: { description: 'No such data source', content: problemContent },
    ...commonErrors,
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/compliance/evaluations',
  tags: [tag],
  summary: 'Evaluations of the data sources you may read, newest first',
  security: bearer,
  request: {
    query: z.strictObject({
      ...paginationQuery.shape,
      dataSourceId: z.uuid().optional(),
      workspaceId: z.uuid().optional(),
    }),
  },
  responses: {
    200: {
      description: 'One page',
      content: json(pageSchema(evaluationView).openapi('ComplianceEvaluationPage')),
    },
    ...commonErrors,
  },
});

const evaluationCursor = z.strictObject({ at: z.string().regex(CURSOR_TIME), id: z.uuid() });

/**
 * Evaluations: on demand (CASL `scan` on the data source, as a scan would evaluate it) and
 * their history, which gives each source's trend.
 *
 * @example
 * app.route('/', complianceEvaluationsRoutes(deps, packs));
 */
export function complianceEvaluationsRoutes(deps: ApiDeps, packs: LoadedPacks) {
  const { db } = deps;
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(evaluateRoute, async (c) => {
    const { dataSourceId } = c.req.valid('json');
    const source = await requireAccess(c, 'scan', 'DataSource', () =>
      findDataSource(db, dataSourceId),
    );
    const summary = await evaluateDataSource({ ...deps, packs }, source.id, {
      requestedBy: c.var.actor.userId,
    });
    // Deleted between the check and the evaluation.
    if (!summary) throw notFound('DataSource');
    const body = {
      evaluationId: summary.evaluationId,
      dataSourceId: summary.dataSourceId,
      rules: summary.rules,
      assets: summary.assets,
      passed: summary.passed,
      failed: summary.failed,
      opened: summary.opened,
      resolved: summary.resolved,
      failedBy: summary.failedBy,
      durationMs: Math.round(summary.durationMs),
      evaluatedAt: summary.createdAt,
    };
    // The evaluation commits in its own transaction (it also runs after every scan); the
    // audit entry follows it, as a scan start's does.
    await audit(c, db, {
      action: 'compliance.evaluate',
      objectType: 'compliance-evaluation',
      objectId: summary.evaluationId,
      workspaceId: source.workspaceId,
      after: {
        dataSourceId: source.id,
        failed: body.failed,
        opened: body.opened,
        resolved: body.resolved,
      },
    });
    return c.json(body, 200);
  });

  app.openapi(listRoute, async (c) => {
    const { cursor, limit, ...filter } = c.req.valid('query');
    const visibleTo = caslToKysely(
      c.var.ability,
      'read',
      'DataSource',
      permissionColumns.DataSource,
    );
    const page = await listEvaluations(
      db,
      { ...filter, visibleTo, workspaceIds: fullViewWorkspaces(c.var.actor, c.var.ability) },
      {
        limit: pageLimit(limit),
        after: decodeCursor(cursor, evaluationCursor),
      },
    );
    return c.json(page, 200);
  });

  return app;
}
