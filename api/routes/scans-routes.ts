import { OpenAPIHono, z } from '@hono/zod-openapi';
import { findDataSource } from '../../db/queries/data-sources.js';
import { listScansOfSource } from '../../db/queries/scan-requests.js';
import {
  findScanRun,
  listScanDiff,
  listScanErrors,
  scanDiffSummary,
  scanRunView,
} from '../../db/queries/scan-runs.js';
import { requireAccess } from '../access.js';
import { audit } from '../audit.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { decodeCursor, pageLimit } from '../pagination.js';
import { problem } from '../problem.js';
import { startScan } from '../scan-starter.js';
import {
  cancelScanRoute,
  getScanRoute,
  listScansRoute,
  scanDiffRoute,
  scanErrorsRoute,
  startScanRoute,
} from './scans-schemas.js';

const runCursor = z.strictObject({ at: z.string().max(40), id: z.uuid() });
const diffCursor = z.strictObject({ fqn: z.string().max(4000), change: z.string().max(40) });
const errorCursor = z.strictObject({ fqn: z.string().max(4000) });
const linksOf = (id: string) => ({ self: `/api/v1/scans/${id}` });

/** Starting, watching and cancelling scans; the work itself is the `scanWorkflow`. */
export function scansRoutes(deps: ApiDeps) {
  const { db, temporal } = deps;
  const app = new OpenAPIHono<AppEnv>();
  const loadSource = (id: string) => () => findDataSource(db, id);
  const loadRun = (id: string) => () => findScanRun(db, id);

  app.openapi(startScanRoute, async (c) => {
    const source = await requireAccess(
      c,
      'scan',
      'DataSource',
      loadSource(c.req.valid('param').id),
    );
    // The body is optional: an empty POST starts a full scan.
    const mode =
      (c.req.header('Content-Length') ?? '0') !== '0' ? c.req.valid('json').mode : 'full';
    const result = await startScan(deps, {
      dataSourceId: source.id,
      mode,
      requestedBy: c.var.actor.userId,
    });
    await audit(c, db, {
      action: result.started ? 'scan.start' : 'scan.start-joined',
      objectType: 'scan',
      objectId: result.scanRunId,
      workspaceId: source.workspaceId,
      after: { dataSourceId: source.id, mode },
    });
    const run = await findScanRun(db, result.scanRunId);
    c.header('Location', `/api/v1/scans/${result.scanRunId}`);
    const body = {
      id: result.scanRunId,
      status: run?.status ?? 'queued',
      links: linksOf(result.scanRunId),
    };
    return result.started ? c.json(body, 202) : c.json(body, 200);
  });

  app.openapi(listScansRoute, async (c) => {
    const source = await requireAccess(
      c,
      'read',
      'DataSource',
      loadSource(c.req.valid('param').id),
    );
    const query = c.req.valid('query');
    const page = await listScansOfSource(db, source.id, {
      limit: pageLimit(query.limit),
      after: decodeCursor(query.cursor, runCursor),
    });
    return c.json(page, 200);
  });

  app.openapi(getScanRoute, async (c) => {
    const run = await requireAccess(c, 'read', 'ScanRun', loadRun(c.req.valid('param').id));
    const view = await scanRunView(db, run, { errorLimit: 20 });
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        ...view,
        links: {
          self: `/api/v1/scans/${run.id}`,
          diff: `/api/v1/scans/${run.id}/diff`,
          dataSource: `/api/v1/datasources/${run.dataSourceId}`,
        },
      },
      200,
    );
  });

  app.openapi(scanDiffRoute, async (c) => {
    const run = await requireAccess(c, 'read', 'ScanRun', loadRun(c.req.valid('param').id));
    const query = c.req.valid('query');
    const [summary, page] = await Promise.all([
      scanDiffSummary(db, run.id),
      listScanDiff(db, run.id, {
        limit: pageLimit(query.limit),
        after: decodeCursor(query.cursor, diffCursor),
      }),
    ]);
    return c.json({ summary: { ...summary }, ...page }, 200);
  });

  app.openapi(scanErrorsRoute, async (c) => {
    const run = await requireAccess(c, 'read', 'ScanRun', loadRun(c.req.valid('param').id));
    const query = c.req.valid('query');
    const page = await listScanErrors(db, run.id, {
      limit: pageLimit(query.limit),
      after: decodeCursor(query.cursor, errorCursor),
    });
    return c.json(page, 200);
  });

  app.openapi(cancelScanRoute, async (c) => {
    const run = await requireAccess(c, 'update', 'ScanRun', loadRun(c.req.valid('param').id));
    if (run.status !== 'queued' && run.status !== 'running') {
      return problem(c, 409, { detail: `The scan has already ended (${run.status}).` }) as never;
    }
    // The chain of runs, not one run: the workflow may have continued as new since it started.
    await temporal.workflow
      .getHandle(run.workflowId, undefined, { firstExecutionRunId: run.runId ?? undefined })
      .cancel();
    await audit(c, db, {
      action: 'scan.cancel',
      objectType: 'scan',
      objectId: run.id,
      workspaceId: run.workspaceId,
    });
    return c.json({ id: run.id, status: run.status, links: linksOf(run.id) }, 202);
  });
  return app;
}
