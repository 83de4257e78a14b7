import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import {
  createWorkspace,
  findWorkspace,
  listMembers,
  listWorkspaces,
  updateWorkspace,
} from '../../db/queries/workspaces.js';
import { requireAccess } from '../access.js';
import { audit } from '../audit.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { checkIfMatch, etagFor } from '../etag.js';
import {
  bearer,
  commonErrors,
  getOneRoute,
  json,
  patchOneRoute,
  problemContent,
  uuidParams,
} from '../openapi-common.js';
import { decodeCursor, pageLimit, pageSchema, paginationQuery } from '../pagination.js';
import { problem } from '../problem.js';

const workspaceView = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Workspace');

const memberView = z
  .object({
    userId: z.string(),
    email: z.string(),
    displayName: z.string(),
    status: z.enum(['active', 'invited', 'disabled']),
    role: z.enum(['admin', 'data_steward', 'data_engineer', 'viewer']),
  })
  .openapi('Member');

const name = z.string().trim().min(1).max(200);
const notFoundResponse = { description: 'No such workspace', content: problemContent };

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/workspaces',
  tags: ['workspaces'],
  summary: 'Workspaces the caller belongs to (all of them for platform admins)',
  security: bearer,
  request: { query: paginationQuery.strict() },
  responses: {
    200: {
      description: 'One page',
      content: json(pageSchema(workspaceView).openapi('WorkspacePage')),
    },
    ...commonErrors,
  },
});

const createWorkspaceRoute = createRoute({
  method: 'post',
  path: '/api/v1/workspaces',
  tags: ['workspaces'],
  summary: 'Create a workspace (platform admins)',
  security: bearer,
  request: {
    body: {
      required: true,
      content: json(
        z.strictObject({
          slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, {
            message: 'lower-case letters, digits and dashes',
          }),
          name,
        }),
      ),
    },
  },
  responses: {
    201: { description: 'Created', content: json(workspaceView) },
    403: { description: 'Not a platform admin', content: problemContent },
    409: { description: 'The slug is taken', content: problemContent },
    ...commonErrors,
  },
});

const getRoute = getOneRoute({
  path: '/api/v1/workspaces/{id}',
  tag: 'workspaces',
  noun: 'workspace',
  summary: 'One workspace',
  view: workspaceView,
});

const updateRoute = patchOneRoute({
  path: '/api/v1/workspaces/{id}',
  tag: 'workspaces',
  noun: 'workspace',
  summary: 'Rename a workspace (workspace admins); needs If-Match',
  view: workspaceView,
  body: z.strictObject({ name }),
});

const membersRoute = createRoute({
  method: 'get',
  path: '/api/v1/workspaces/{id}/members',
  tags: ['workspaces'],
  summary: 'Members of a workspace and their roles',
  security: bearer,
  request: { params: uuidParams, query: paginationQuery.strict() },
  responses: {
    200: { description: 'One page', content: json(pageSchema(memberView).openapi('MemberPage')) },
    404: notFoundResponse,
    ...commonErrors,
  },
});

const slugCursor = z.strictObject({ slug: z.string().max(63) });
const memberCursor = z.strictObject({ email: z.string().max(320), id: z.uuid() });

/** Workspaces and their members; every list is filtered in SQL from the caller's rules. */
export function workspacesRoutes({ db }: ApiDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const load = (id: string) => () => findWorkspace(db, id);

  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query');
    const visible = caslToKysely(c.var.ability, 'read', 'Workspace', permissionColumns.Workspace);
    const page = await listWorkspaces(db, visible, {
      limit: pageLimit(query.limit),
      after: decodeCursor(query.cursor, slugCursor),
    });
    return c.json(page, 200);
  });

  app.openapi(createWorkspaceRoute, async (c) => {
    if (!c.var.ability.can('create', 'Workspace')) {
      return problem(c, 403, { detail: 'Only platform admins create workspaces.' }) as never;
    }
    const created = await db.transaction().execute(async (trx) => {
      const workspace = await createWorkspace(trx, c.req.valid('json'));
      if (workspace) {
        await audit(c, trx, {
          action: 'workspace.create',
          objectType: 'workspace',
          objectId: workspace.id,
          workspaceId: workspace.id,
          after: { slug: workspace.slug, name: workspace.name },
        });
      }
      return workspace;
    });
    if (!created) return problem(c, 409, { detail: 'A workspace has this slug.' }) as never;
    c.header('Location', `/api/v1/workspaces/${created.id}`);
    c.header('ETag', etagFor('workspace', created.id, created.version));
    return c.json(created, 201);
  });

  app.openapi(getRoute, async (c) => {
    const workspace = await requireAccess(c, 'read', 'Workspace', load(c.req.valid('param').id));
    c.header('ETag', etagFor('workspace', workspace.id, workspace.version));
    return c.json(workspace, 200);
  });

  app.openapi(updateRoute, async (c) => {
    const current = await requireAccess(c, 'update', 'Workspace', load(c.req.valid('param').id));
    const refused = checkIfMatch(c, { kind: 'workspace', ...current });
    if (refused) return refused as never;
    const { name: newName } = c.req.valid('json');
    const updated = await db.transaction().execute(async (trx) => {
      const row = await updateWorkspace(trx, current.id, current.version, { name: newName });
      if (row) {
        await audit(c, trx, {
          action: 'workspace.update',
          objectType: 'workspace',
          objectId: row.id,
          workspaceId: row.id,
          before: { name: current.name },
          after: { name: row.name },
        });
      }
      return row;
    });
    if (!updated) {
      return problem(c, 412, {
        detail: 'The workspace changed meanwhile; read it again.',
      }) as never;
    }
    c.header('ETag', etagFor('workspace', updated.id, updated.version));
    return c.json(updated, 200);
  });

  app.openapi(membersRoute, async (c) => {
    const { id } = c.req.valid('param');
    await requireAccess(c, 'read', 'Workspace', load(id));
    const query = c.req.valid('query');
    const visible = caslToKysely(c.var.ability, 'read', 'Membership', permissionColumns.Membership);
    const page = await listMembers(db, id, visible, {
      limit: pageLimit(query.limit),
      after: decodeCursor(query.cursor, memberCursor),
    });
    return c.json(page, 200);
  });

  return app;
}
