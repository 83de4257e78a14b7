import { subject } from '@casl/ability';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import { issueInvitation } from '../../db/queries/invitations.js';
import { revokeRefreshTokensOfUser } from '../../db/queries/refresh-tokens.js';
import {
  createUser,
  findMembership,
  findUser,
  listUsers,
  removeMembership,
  setMembership,
  updateUser,
  userAndWorkspaceExist,
  type UserView,
} from '../../db/queries/users.js';
import { hashPassword } from '../../infra/passwords.js';
import { requireAccess } from '../access.js';
import { audit } from '../audit.js';
import type { AuthContext } from '../auth-context.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { checkIfMatch, etagFor } from '../etag.js';
import { decodeCursor, pageLimit } from '../pagination.js';
import { problem } from '../problem.js';
import { z } from '@hono/zod-openapi';
import {
  createUserRoute,
  disableUserRoute,
  enableUserRoute,
  getUserRoute,
  listUsersRoute,
  reinviteUserRoute,
  removeMembershipRoute,
  setRoleRoute,
  updateUserRoute,
} from './users-schemas.js';

/** How long an invitation can be redeemed. */
export const INVITATION_TTL_SECONDS = 7 * 24 * 3600;

const userCursor = z.strictObject({ email: z.string().max(320), id: z.uuid() });
const summary = (user: UserView) => ({
  email: user.email,
  displayName: user.displayName,
  status: user.status,
  isPlatformAdmin: user.isPlatformAdmin,
});

/**
 * User administration: accounts are platform-wide, roles belong to a workspace. Changing
 * another account (status, invitations) is the `delete` right on `User`, which only platform
 * admins hold; users may read and rename themselves.
 */
export function usersRoutes({ db }: ApiDeps, { sessions }: AuthContext) {
  const app = new OpenAPIHono<AppEnv>();
  const load = (id: string) => () => findUser(db, id);
  const respond = (c: Context<AppEnv>, user: UserView) => {
    c.header('ETag', etagFor('user', user.id, user.version));
    return c.json(user, 200);
  };

  app.openapi(createUserRoute, async (c) => {
    if (!c.var.ability.can('create', 'User')) {
      return problem(c, 403, { detail: 'Only platform admins create users.' }) as never;
    }
    const body = c.req.valid('json');
    const passwordHash = body.password === undefined ? null : await hashPassword(body.password);
    const created = await db.transaction().execute(async (trx) => {
      const user = await createUser(trx, { ...body, passwordHash });
      if (!user) return undefined;
      const invitation =
        user.status === 'invited'
          ? await issueInvitation(trx, {
              userId: user.id,
              createdBy: c.var.actor.userId,
              ttlSeconds: INVITATION_TTL_SECONDS,
            })
          : undefined;
      await audit(c, trx, {
        action: invitation ? 'user.invite' : 'user.create',
        objectType: 'user',
        objectId: user.id,
        after: summary(user),
      });
      return { user, invitation };
    });
    if (!created) return problem(c, 409, { detail: 'A user has this e-mail address.' }) as never;
    const { user, invitation } = created;
    c.header('Location', `/api/v1/users/${user.id}`);
    c.header('ETag', etagFor('user', user.id, user.version));
    c.header('Cache-Control', 'no-store');
    const shown = invitation && {
      token: invitation.token,
      expiresAt: invitation.expiresAt.toISOString(),
    };
    return c.json({ ...user, ...(shown && { invitation: shown }) }, 201);
  });

  app.openapi(listUsersRoute, async (c) => {
    const query = c.req.valid('query');
    const visibleTo = caslToKysely(c.var.ability, 'read', 'User', permissionColumns.User);
    const page = await listUsers(
      db,
      { visibleTo, email: query.email },
      { limit: pageLimit(query.limit), after: decodeCursor(query.cursor, userCursor) },
    );
    return c.json(page, 200);
  });

  app.openapi(getUserRoute, async (c) =>
    respond(c, await requireAccess(c, 'read', 'User', load(c.req.valid('param').id))),
  );

  app.openapi(updateUserRoute, async (c) => {
    const current = await requireAccess(c, 'update', 'User', load(c.req.valid('param').id));
    const refused = checkIfMatch(c, { kind: 'user', ...current });
    if (refused) return refused as never;
    const { displayName } = c.req.valid('json');
    const updated = await db.transaction().execute(async (trx) => {
      const user = await updateUser(trx, current.id, current.version, { displayName });
      if (user) {
        await audit(c, trx, {
          action: 'user.update',
          objectType: 'user',
          objectId: user.id,
          before: { displayName: current.displayName },
          after: { displayName: user.displayName },
        });
      }
      return user;
    });
    if (!updated) return problem(c, 412, { detail: 'The user changed meanwhile.' }) as never;
    return respond(c, updated);
  });

  /** Moves another account between statuses; `from` lists where the move may start. */
  const changeStatus = async (
    c: Context<AppEnv>,
    id: string,
    to: 'active' | 'disabled',
    from: readonly UserView['status'][],
  ) => {
    const current = await requireAccess(c, 'delete', 'User', load(id));
    if (current.id === c.var.actor.userId) {
      return problem(c, 409, { detail: 'Admins cannot change their own status.' });
    }
    if (!from.includes(current.status)) {
      return problem(c, 409, { detail: `The user is ${current.status}.` });
    }
    const updated = await db.transaction().execute(async (trx) => {
      const user = await updateUser(trx, current.id, current.version, { status: to });
      if (user) {
        await audit(c, trx, {
          action: to === 'disabled' ? 'user.disable' : 'user.enable',
          objectType: 'user',
          objectId: user.id,
          before: { status: current.status },
          after: { status: user.status },
        });
      }
      return user;
    });
    if (!updated) return problem(c, 409, { detail: 'The user changed meanwhile; retry.' });
    if (to === 'disabled') {
      await sessions.revokeAllOfUser(current.id);
      await revokeRefreshTokensOfUser(db, current.id);
    }
    return respond(c, updated);
  };

  app.openapi(
    disableUserRoute,
    (c) => changeStatus(c, c.req.valid('param').id, 'disabled', ['active', 'invited']) as never,
  );
  app.openapi(
    enableUserRoute,
    (c) => changeStatus(c, c.req.valid('param').id, 'active', ['disabled']) as never,
  );

  app.openapi(reinviteUserRoute, async (c) => {
    const user = await requireAccess(c, 'delete', 'User', load(c.req.valid('param').id));
    if (user.status !== 'invited') {
      return problem(c, 409, { detail: `The user is ${user.status}, not invited.` }) as never;
    }
    const invitation = await db.transaction().execute(async (trx) => {
      const issued = await issueInvitation(trx, {
        userId: user.id,
        createdBy: c.var.actor.userId,
        ttlSeconds: INVITATION_TTL_SECONDS,
      });
      await audit(c, trx, { action: 'user.reinvite', objectType: 'user', objectId: user.id });
      return issued;
    });
    c.header('Cache-Control', 'no-store');
    return c.json({ token: invitation.token, expiresAt: invitation.expiresAt.toISOString() }, 201);
  });

  app.openapi(setRoleRoute, async (c) => {
    const { id, workspaceId } = c.req.valid('param');
    await requireAccess(c, 'update', 'Membership', async () => {
      if (!(await userAndWorkspaceExist(db, id, workspaceId))) return undefined;
      // Changing a member's role needs the workspace's admin right; adding someone new also
      // needs to see that account (platform admins, or oneself), or any workspace admin
      // could probe which user ids exist and pull strangers into their workspace.
      const member = (await findMembership(db, id, workspaceId)) !== undefined;
      const visible = c.var.ability.can('read', subject('User', { id }));
      return member || visible ? { workspaceId, userId: id } : undefined;
    });
    const { role } = c.req.valid('json');
    await db.transaction().execute(async (trx) => {
      const before = await findMembership(trx, id, workspaceId);
      await setMembership(trx, { workspaceId, userId: id, role });
      await audit(c, trx, {
        action: 'membership.set',
        objectType: 'membership',
        objectId: id,
        workspaceId,
        before: before ? { role: before } : null,
        after: { role },
      });
    });
    return c.body(null, 204);
  });

  app.openapi(removeMembershipRoute, async (c) => {
    const { id, workspaceId } = c.req.valid('param');
    const role = await requireAccess(c, 'delete', 'Membership', async () => {
      const found = await findMembership(db, id, workspaceId);
      return found && { workspaceId, userId: id, role: found };
    });
    await db.transaction().execute(async (trx) => {
      await removeMembership(trx, id, workspaceId);
      await audit(c, trx, {
        action: 'membership.remove',
        objectType: 'membership',
        objectId: id,
        workspaceId,
        before: { role: role.role },
      });
    });
    return c.body(null, 204);
  });
  return app;
}
