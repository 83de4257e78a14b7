import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { findLoginByEmail, loadActiveActor } from '../../db/queries/actors.js';
import {
  issueRefreshToken,
  revokeRefreshFamily,
  rotateRefreshToken,
} from '../../db/queries/refresh-tokens.js';
import { verifyPassword } from '../../infra/passwords.js';
import type { AuthContext } from '../auth-context.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { unauthorized } from '../middleware/authenticate.js';
import { clientAddress } from '../middleware/client-address.js';
import { audit } from '../audit.js';
import { redeemInvitation } from '../../db/queries/invitations.js';
import { updateUser, findUser } from '../../db/queries/users.js';
import { hashPassword } from '../../infra/passwords.js';
import { bearer, commonErrors, json, problemContent } from '../openapi-common.js';
import { problem } from '../problem.js';
import { acceptInvitationBody, loginBody, me, refreshBody, tokenPair } from './auth-schemas.js';

const loginRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/login',
  tags: ['auth'],
  summary: 'Sign in with e-mail and password',
  request: { body: { required: true, content: json(loginBody) } },
  responses: {
    200: { description: 'Signed in', content: json(tokenPair) },
    ...commonErrors,
    401: { description: 'Wrong e-mail or password', content: problemContent },
    429: { description: 'Too many failed attempts', content: problemContent },
  },
});

const acceptInvitationRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/accept-invitation',
  tags: ['auth'],
  summary: 'Set a password with a one-time invitation token and become active',
  request: { body: { required: true, content: json(acceptInvitationBody) } },
  responses: {
    204: { description: 'The account is active; sign in with the new password' },
    ...commonErrors,
    401: { description: 'Unknown, used or expired invitation', content: problemContent },
  },
});

const refreshRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/refresh',
  tags: ['auth'],
  summary: 'Exchange a refresh token for new tokens',
  description: 'The refresh token is single-use: presenting a used one ends its session.',
  request: { body: { required: true, content: json(refreshBody) } },
  responses: {
    200: { description: 'New tokens', content: json(tokenPair) },
    ...commonErrors,
    401: { description: 'Invalid, expired or reused token', content: problemContent },
  },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/logout',
  tags: ['auth'],
  summary: 'End the session of the access token',
  security: bearer,
  responses: { 204: { description: 'Signed out' }, ...commonErrors },
});

const meRoute = createRoute({
  method: 'get',
  path: '/api/v1/me',
  tags: ['auth'],
  summary: 'The signed-in user and their workspaces',
  security: bearer,
  responses: { 200: { description: 'The signed-in user', content: json(me) }, ...commonErrors },
});

/** Sign-in, token refresh, sign-out and the caller's own profile. */
export function authRoutes({ db, config }: ApiDeps, { tokens, sessions, throttle }: AuthContext) {
  const app = new OpenAPIHono<AppEnv>();
  const refreshTtl = config.auth.refreshTokenTtlSeconds;
  const addressOf = (c: Context) =>
    clientAddress(c, { trustedProxies: config.http.trustedProxies });
  const client = (c: Context) => ({ userAgent: c.req.header('User-Agent'), ip: addressOf(c) });

  const tokenResponse = async (userId: string, sessionId: string, refreshToken: string) => ({
    accessToken: await tokens.sign({ userId, sessionId }),
    refreshToken,
    expiresIn: config.auth.accessTokenTtlSeconds,
    tokenType: 'Bearer' as const,
  });

  app.openapi(loginRoute, async (c) => {
    const { email, password } = c.req.valid('json');
    const ip = addressOf(c);
    const wait = await throttle.retryAfter(email, ip);
    if (wait !== undefined) {
      c.header('Retry-After', String(wait));
      return problem(c, 429, { detail: 'Too many failed sign-ins. Try again later.' }) as never;
    }
    const login = await findLoginByEmail(db, email);
    // Verified even for unknown users, so that timing does not reveal which accounts exist.
    const valid = await verifyPassword(login?.password_hash ?? null, password);
    if (!login || !valid || login.status !== 'active') {
      await throttle.recordFailure(email, ip);
      await audit(c, db, {
        actor: { userId: login?.id ?? null, label: email.toLowerCase() },
        action: 'auth.login-failed',
        objectType: 'session',
        after: { ip },
      });
      return unauthorized(c, 'The e-mail or password is wrong.') as never;
    }
    await throttle.recordSuccess(email);
    const sessionId = randomUUID();
    await sessions.create(sessionId, login.id);
    const refreshToken = await issueRefreshToken(db, {
      familyId: sessionId,
      userId: login.id,
      ttlSeconds: refreshTtl,
      ...client(c),
    });
    await audit(c, db, {
      actor: { userId: login.id, label: email.toLowerCase() },
      action: 'auth.login',
      objectType: 'session',
      objectId: sessionId,
      after: { ip },
    });
    c.header('Cache-Control', 'no-store');
    return c.json(await tokenResponse(login.id, sessionId, refreshToken), 200);
  });

  app.openapi(refreshRoute, async (c) => {
    const { refreshToken } = c.req.valid('json');
    const result = await rotateRefreshToken(db, refreshToken, refreshTtl, client(c));
    if (result.outcome === 'reused') {
      await sessions.revoke(result.familyId);
      await audit(c, db, {
        actor: { userId: result.userId, label: 'refresh token' },
        action: 'auth.refresh-reused',
        objectType: 'session',
        objectId: result.familyId,
        after: { ip: addressOf(c) },
      });
      return unauthorized(c, 'The refresh token was already used; the session has ended.') as never;
    }
    if (result.outcome === 'invalid') {
      return unauthorized(c, 'The refresh token is invalid or expired.') as never;
    }
    const live = (await sessions.userOf(result.familyId)) === result.userId;
    if (!live || !(await loadActiveActor(db, result.userId))) {
      await revokeRefreshFamily(db, result.familyId);
      return unauthorized(c, 'The session has ended.') as never;
    }
    await sessions.touch(result.familyId);
    c.header('Cache-Control', 'no-store');
    return c.json(await tokenResponse(result.userId, result.familyId, result.token), 200);
  });

  app.openapi(logoutRoute, async (c) => {
    const { sessionId } = c.var.actor;
    await sessions.revoke(sessionId);
    await revokeRefreshFamily(db, sessionId);
    await audit(c, db, { action: 'auth.logout', objectType: 'session', objectId: sessionId });
    return c.body(null, 204);
  });

  app.openapi(acceptInvitationRoute, async (c) => {
    const { token, password } = c.req.valid('json');
    const passwordHash = await hashPassword(password);
    const accepted = await db.transaction().execute(async (trx) => {
      const userId = await redeemInvitation(trx, token);
      const user = userId && (await findUser(trx, userId));
      if (!user) return false;
      await updateUser(trx, user.id, user.version, { status: 'active', passwordHash });
      await audit(c, trx, {
        actor: { userId: user.id, label: user.email },
        action: 'user.accept-invitation',
        objectType: 'user',
        objectId: user.id,
        before: { status: 'invited' },
        after: { status: 'active' },
      });
      return true;
    });
    if (!accepted) {
      return unauthorized(c, 'The invitation is unknown, used or expired.') as never;
    }
    return c.body(null, 204);
  });

  app.openapi(meRoute, (c) => {
    const { userId, email, displayName, isPlatformAdmin, memberships } = c.var.actor;
    c.header('Cache-Control', 'no-store');
    return c.json({ user: { id: userId, email, displayName, isPlatformAdmin }, memberships }, 200);
  });
  return app;
}
