import { subject } from '@casl/ability';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ROLES } from '../../core/permissions/vocabulary.js';
import { revokeRefreshTokensOfUser } from '../../db/queries/refresh-tokens.js';
import {
  createUser,
  setMembership,
  setUserStatus,
  userAndWorkspaceExist,
} from '../../db/queries/users.js';
import { hashPassword } from '../../infra/passwords.js';
import type { AuthContext } from '../auth-context.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { problem } from '../problem.js';
import { problemContent } from './auth-schemas.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });
const userView = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    status: z.enum(['active', 'invited', 'disabled']),
    isPlatformAdmin: z.boolean(),
  })
  .openapi('User');

const createUserRoute = createRoute({
  method: 'post',
  path: '/api/v1/users',
  tags: ['users'],
  summary: 'Create a user (platform admins)',
  description: 'Without a password the user is `invited` and cannot sign in yet.',
  security: [{ bearer: [] }],
  request: {
    body: {
      required: true,
      content: json(
        z.strictObject({
          email: z.email().max(320),
          displayName: z.string().trim().min(1).max(200),
          password: z.string().min(12).max(1024).optional(),
          isPlatformAdmin: z.boolean().default(false),
        }),
      ),
    },
  },
  responses: {
    201: { description: 'Created', content: json(userView) },
    403: { description: 'Not a platform admin', content: problemContent },
    409: { description: 'The e-mail address is taken', content: problemContent },
  },
});

const idParams = z.strictObject({ id: z.uuid() });

const setRoleRoute = createRoute({
  method: 'put',
  path: '/api/v1/users/{id}/memberships/{workspaceId}',
  tags: ['users'],
  summary: "Set a user's role in a workspace (workspace or platform admins)",
  security: [{ bearer: [] }],
  request: {
    params: z.strictObject({ id: z.uuid(), workspaceId: z.uuid() }),
    body: { required: true, content: json(z.strictObject({ role: z.enum(ROLES) })) },
  },
  responses: {
    204: { description: 'Role set' },
    404: { description: 'No such user or workspace', content: problemContent },
  },
});

const disableRoute = createRoute({
  method: 'post',
  path: '/api/v1/users/{id}/disable',
  tags: ['users'],
  summary: 'Disable a user and end their sessions (platform admins)',
  security: [{ bearer: [] }],
  request: { params: idParams },
  responses: {
    204: { description: 'Disabled; their tokens stop working on the next request' },
    404: { description: 'No such user', content: problemContent },
    409: { description: 'Admins cannot disable themselves', content: problemContent },
  },
});

/** User administration: accounts are platform-wide, roles belong to a workspace. */
export function usersRoutes({ db }: ApiDeps, { sessions }: AuthContext) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(createUserRoute, async (c) => {
    if (!c.var.actor.isPlatformAdmin) {
      return problem(c, 403, { detail: 'Only platform admins create users.' }) as never;
    }
    const body = c.req.valid('json');
    const user = await createUser(db, {
      email: body.email,
      displayName: body.displayName,
      passwordHash: body.password === undefined ? null : await hashPassword(body.password),
      isPlatformAdmin: body.isPlatformAdmin,
    });
    if (!user) return problem(c, 409, { detail: 'A user has this e-mail address.' }) as never;
    c.header('Location', `/api/v1/users/${user.id}`);
    return c.json(user, 201);
  });

  app.openapi(setRoleRoute, async (c) => {
    const { id, workspaceId } = c.req.valid('param');
    const allowed = c.var.ability.can('manage', subject('Membership', { workspaceId }));
    // Not allowed and not found answer alike, so workspace ids cannot be probed.
    if (!allowed || !(await userAndWorkspaceExist(db, id, workspaceId))) {
      return problem(c, 404, { detail: 'No such user or workspace.' }) as never;
    }
    await setMembership(db, { workspaceId, userId: id, role: c.req.valid('json').role });
    return c.body(null, 204);
  });

  app.openapi(disableRoute, async (c) => {
    const { id } = c.req.valid('param');
    if (!c.var.actor.isPlatformAdmin) {
      return problem(c, 404, { detail: 'No such user.' }) as never;
    }
    if (id === c.var.actor.userId) {
      return problem(c, 409, { detail: 'Admins cannot disable themselves.' }) as never;
    }
    if (!(await setUserStatus(db, id, 'disabled'))) {
      return problem(c, 404, { detail: 'No such user.' }) as never;
    }
    await sessions.revokeAllOfUser(id);
    await revokeRefreshTokensOfUser(db, id);
    return c.body(null, 204);
  });
  return app;
}
