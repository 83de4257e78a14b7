import { createRoute, z } from '@hono/zod-openapi';
import { ROLES } from '../../core/permissions/vocabulary.js';
import {
  bearer,
  commonErrors,
  getOneRoute,
  json,
  patchOneRoute,
  problemContent,
  uuidParams,
} from '../openapi-common.js';
import { pageSchema, paginationQuery } from '../pagination.js';

export const userView = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    status: z.enum(['active', 'invited', 'disabled']),
    isPlatformAdmin: z.boolean(),
    version: z.number().int(),
  })
  .openapi('User');

const invitation = z
  .object({
    token: z
      .string()
      .openapi({ description: 'Shown once; the user redeems it to set a password.' }),
    expiresAt: z.string(),
  })
  .openapi('Invitation');

const membershipParams = z.strictObject({ id: z.uuid(), workspaceId: z.uuid() });
const noSuchUser = { description: 'No such user', content: problemContent };

export const createUserRoute = createRoute({
  method: 'post',
  path: '/api/v1/users',
  tags: ['users'],
  summary: 'Create or invite a user (platform admins)',
  description:
    'With a password the user is `active`. Without one the user is `invited` and the answer ' +
    'carries a one-time invitation token, redeemed at `POST /api/v1/auth/accept-invitation`.',
  security: bearer,
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
    201: {
      description: 'Created',
      content: json(userView.extend({ invitation: invitation.optional() })),
    },
    403: { description: 'Not a platform admin', content: problemContent },
    409: { description: 'The e-mail address is taken', content: problemContent },
    ...commonErrors,
  },
});

export const listUsersRoute = createRoute({
  method: 'get',
  path: '/api/v1/users',
  tags: ['users'],
  summary: 'Users the caller may see: everyone for platform admins, else themselves',
  security: bearer,
  request: {
    query: z.strictObject({ ...paginationQuery.shape, email: z.email().max(320).optional() }),
  },
  responses: {
    200: { description: 'One page', content: json(pageSchema(userView).openapi('UserPage')) },
    ...commonErrors,
  },
});

export const getUserRoute = getOneRoute({
  path: '/api/v1/users/{id}',
  tag: 'users',
  noun: 'user',
  summary: 'One user',
  view: userView,
});

export const updateUserRoute = patchOneRoute({
  path: '/api/v1/users/{id}',
  tag: 'users',
  noun: 'user',
  summary: 'Change a display name (the user or a platform admin); needs If-Match',
  view: userView,
  body: z.strictObject({ displayName: z.string().trim().min(1).max(200) }),
});

const statusRoute = (action: 'disable' | 'enable', summary: string, ok: string) =>
  createRoute({
    method: 'post',
    path: `/api/v1/users/{id}/${action}`,
    tags: ['users'],
    summary,
    security: bearer,
    request: { params: uuidParams },
    responses: {
      200: { description: ok, content: json(userView) },
      404: noSuchUser,
      409: { description: 'Not possible in the user’s current state', content: problemContent },
      ...commonErrors,
    },
  });

export const disableUserRoute = statusRoute(
  'disable',
  'Disable a user and end their sessions (platform admins)',
  'Disabled; their tokens stop working on the next request',
);
export const enableUserRoute = statusRoute(
  'enable',
  'Enable a disabled user again (platform admins)',
  'Enabled; they sign in again',
);
export const reinviteUserRoute = createRoute({
  method: 'post',
  path: '/api/v1/users/{id}/invitation',
  tags: ['users'],
  summary: 'Issue a new invitation to an invited user, replacing the old one (platform admins)',
  security: bearer,
  request: { params: uuidParams },
  responses: {
    201: { description: 'The new one-time invitation', content: json(invitation) },
    404: noSuchUser,
    409: { description: 'The user is not invited', content: problemContent },
    ...commonErrors,
  },
});

export const setRoleRoute = createRoute({
  method: 'put',
  path: '/api/v1/users/{id}/memberships/{workspaceId}',
  tags: ['users'],
  summary: "Set a user's role in a workspace (workspace or platform admins)",
  security: bearer,
  request: {
    params: membershipParams,
    body: { required: true, content: json(z.strictObject({ role: z.enum(ROLES) })) },
  },
  responses: {
    204: { description: 'Role set' },
    404: { description: 'No such user or workspace', content: problemContent },
    ...commonErrors,
  },
});

export const removeMembershipRoute = createRoute({
  method: 'delete',
  path: '/api/v1/users/{id}/memberships/{workspaceId}',
  tags: ['users'],
  summary: 'Remove a user from a workspace (workspace or platform admins)',
  security: bearer,
  request: { params: membershipParams },
  responses: {
    204: { description: 'Removed' },
    404: { description: 'No such membership', content: problemContent },
    ...commonErrors,
  },
});
