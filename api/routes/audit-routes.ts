import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Expression, Kysely, SqlBool } from 'kysely';
import { auditCursor, listAudit } from '../../db/queries/audit-log.js';
import type { Database } from '../../db/schema.js';
import type { AppEnv } from '../deps.js';
import { decodeCursor, pageLimit, pageSchema, paginationQuery } from '../pagination.js';
import { bearer, commonErrors, problemContent } from '../openapi-common.js';
import { problem } from '../problem.js';

const auditEntry = z
  .object({
    id: z.string(),
    occurredAt: z.string().openapi({ example: '2026-11-23T12:00:00.123456Z' }),
    actor: z.object({ userId: z.string().nullable(), label: z.string() }),
    action: z.string().openapi({ example: 'datasource.update' }),
    objectType: z.string(),
    objectId: z.string().nullable(),
    workspaceId: z.string().nullable(),
    requestId: z.string().nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AuditEntry');

const auditQuery = z
  .object({
    ...paginationQuery.shape,
    actorUserId: z.uuid().optional(),
    action: z.string().min(1).max(200).optional(),
    objectType: z.string().min(1).max(200).optional(),
    objectId: z.string().min(1).max(200).optional(),
    workspaceId: z.uuid().optional(),
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Entries at or after this time.' }),
    to: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Entries before this time.' }),
  })
  .strict();

const listAuditRoute = createRoute({
  method: 'get',
  path: '/api/v1/audit',
  tags: ['audit'],
  summary: 'Search the audit log',
  description: 'Newest first, one page at a time; every filter given must match.',
  security: bearer,
  request: { query: auditQuery },
  responses: {
    ...commonErrors,
    200: {
      description: 'One page of audit entries',
      content: { 'application/json': { schema: pageSchema(auditEntry).openapi('AuditPage') } },
    },
    400: { description: 'Invalid filter or cursor', content: problemContent },
    403: { description: 'Only administrators read the audit log', content: problemContent },
  },
});

export interface AuditRoutesDeps {
  db: Kysely<Database>;
  /** Whether the caller may read the audit log (an administrator check). */
  isAllowed: (c: Context<AppEnv>) => boolean | Promise<boolean>;
  /** The entries this caller may see, as SQL over `audit_log`; all of them when omitted. */
  visibleTo?: (c: Context<AppEnv>) => Expression<SqlBool>;
}

/**
 * `GET /api/v1/audit`: the audit log, filtered and paged by cursor, for administrators.
 *
 * @example
 * app.route('/', auditRoutes({
 *   db: deps.db,
 *   isAllowed: (c) => c.get('ability').can('read', 'AuditLog'),
 *   visibleTo: (c) => caslToKysely(c.get('ability'), 'read', 'AuditLog', permissionColumns.AuditLog),
 * }));
 */
export function auditRoutes(deps: AuditRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(listAuditRoute, async (c) => {
    if (!(await deps.isAllowed(c))) {
      return problem(c, 403, {
        detail: 'Reading the audit log needs the administrator role.',
      }) as never;
    }
    const query = c.req.valid('query');
    const page = await listAudit(
      deps.db,
      {
        actorUserId: query.actorUserId,
        action: query.action,
        objectType: query.objectType,
        objectId: query.objectId,
        workspaceId: query.workspaceId,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        visibleTo: deps.visibleTo?.(c),
      },
      { limit: pageLimit(query.limit), after: decodeCursor(query.cursor, auditCursor) },
    );
    c.header('Cache-Control', 'no-store');
    return c.json(page, 200);
  });
  return app;
}
