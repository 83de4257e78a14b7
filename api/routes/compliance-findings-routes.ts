import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import {
  findFinding,
  findingHistory,
  listFindings,
  type FindingFilter,
  type FindingRecord,
} from '../../db/queries/compliance-findings.js';
import type { LoadedPacks } from '../../infra/compliance-packs.js';
import { requireAccess } from '../access.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { decodeCursor, pageLimit } from '../pagination.js';
import { csvRow, pagedStream } from './compliance-export.js';
import {
  exportFindingsRoute,
  getFindingRoute,
  listFindingsRoute,
} from './compliance-findings-schemas.js';
import { CURSOR_TIME } from '../../db/keyset-page.js';
import { builtInRules, ruleSummary } from './compliance-shared.js';

const findingCursor = z.strictObject({ at: z.string().regex(CURSOR_TIME), id: z.uuid() });

const CSV_HEADER = [
  'id',
  'state',
  'framework',
  'severity',
  'ruleId',
  'ruleTitle',
  'dataSource',
  'assetFqn',
  'assetKind',
  'assetSensitivity',
  'failingColumns',
  'openedAt',
  'resolvedAt',
  'waiverStatus',
  'waiverExpiresAt',
  'references',
  'remediation',
];

type FindingQuery = Omit<FindingFilter, 'visibleTo' | 'severity'> & {
  severity?: string | string[];
};

/**
 * The one filter every finding read starts from: what the caller may read of findings
 * (`ComplianceFinding`, on the joined asset's sensitivity), narrowed by the query.
 *
 * @example
 * const filter = findingFilterOf(c, c.req.valid('query'));
 */
export function findingFilterOf(c: Context<AppEnv>, query: FindingQuery): FindingFilter {
  const { severity, ...rest } = query;
  return {
    ...rest,
    ...(severity !== undefined && { severity: [severity].flat() }),
    visibleTo: caslToKysely(
      c.var.ability,
      'read',
      'ComplianceFinding',
      permissionColumns.ComplianceFinding,
    ),
  };
}

/**
 * Findings: failures of compliance rules on the assets the caller may read, their history,
 * and exports of them. Reads only; waivers have their own routes.
 *
 * @example
 * app.route('/', complianceFindingsRoutes(deps, packs));
 */
export function complianceFindingsRoutes({ db }: ApiDeps, packs: LoadedPacks) {
  const app = new OpenAPIHono<AppEnv>();
  const builtIns = builtInRules(packs);

  // Field by field, so nothing a query adds for access checks or rule lookups leaks out.
  const view = (f: FindingRecord) => ({
    id: f.id,
    workspaceId: f.workspaceId,
    state: f.state,
    ruleId: f.ruleId,
    ...ruleSummary(builtIns, f.ruleId, f.customRule),
    framework: f.framework,
    severity: f.severity,
    asset: f.asset,
    dataSource: f.dataSource,
    evidence: f.evidence,
    openedAt: f.openedAt,
    resolvedAt: f.resolvedAt,
    updatedAt: f.updatedAt,
    waiver: f.waiver,
  });
  type View = ReturnType<typeof view>;

  // Registered before `/findings/{id}`, which would otherwise take `export` for an id.
  app.openapi(exportFindingsRoute, (c) => {
    const { format, ...query } = c.req.valid('query');
    const filter = findingFilterOf(c, query);
    const fetch = async (cursor: string | null, limit: number) => {
      const page = await listFindings(db, filter, {
        limit,
        after: decodeCursor(cursor ?? undefined, findingCursor),
      });
      return { items: page.items.map(view), nextCursor: page.nextCursor };
    };
    const csv = (f: View) =>
      csvRow([
        f.id,
        f.state,
        f.framework,
        f.severity,
        f.ruleId,
        f.ruleTitle,
        f.dataSource.name,
        f.asset.fqn,
        f.asset.kind,
        f.asset.sensitivity,
        Array.isArray(f.evidence.failing) ? f.evidence.failing.join('; ') : '',
        f.openedAt,
        f.resolvedAt,
        f.waiver?.status,
        f.waiver?.expiresAt,
        f.references.join('; '),
        f.remediation,
      ]);
    const body =
      format === 'csv'
        ? pagedStream({ fetch, render: csv, head: csvRow(CSV_HEADER), tail: '' })
        : pagedStream({
            fetch,
            render: (f, index) => `${index === 0 ? '' : ','}\n${JSON.stringify(f)}`,
            head: '[',
            tail: '\n]\n',
          });
    const day = new Date().toISOString().slice(0, 10);
    // `c.body`, not a bare Response, so the request id and rate-limit headers are kept.
    return c.body(body, 200, {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
      'Content-Disposition': `attachment; filename="compliance-findings-${day}.${format}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    }) as never;
  });

  app.openapi(listFindingsRoute, async (c) => {
    const { cursor, limit, ...query } = c.req.valid('query');
    const page = await listFindings(db, findingFilterOf(c, query), {
      limit: pageLimit(limit),
      after: decodeCursor(cursor, findingCursor),
    });
    return c.json({ items: page.items.map(view), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(getFindingRoute, async (c) => {
    const { id } = c.req.valid('param');
    const finding = await requireAccess(c, 'read', 'ComplianceFinding', async () => {
      const found = await findFinding(db, id);
      return found && { ...found, sensitivity: found.asset.sensitivity };
    });
    return c.json({ ...view(finding), history: await findingHistory(db, finding.id) }, 200);
  });

  return app;
}
