import type { Context, MiddlewareHandler } from 'hono';
import { defineAbilityFor } from '../../core/permissions/define-ability.js';
import { loadActiveActor } from '../../db/queries/actors.js';
import type { AuthContext } from '../auth-context.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { endpointKey } from '../endpoint.js';
import { problem } from '../problem.js';

/**
 * Endpoints reachable without a token, as `METHOD route-template`. Matched against the route
 * the router chose, never the raw URL, so encodings, dot segments and stray slashes cannot
 * make a protected endpoint look public.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  'GET /health',
  'GET /ready',
  'GET /metrics',
  'GET /openapi.json',
  'GET /docs',
  'GET /docs/docs.js',
  'GET /docs/docs.css',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/accept-invitation',
]);

/** A 401 that tells the client which scheme to use (RFC 6750). */
export function unauthorized(c: Context, detail: string): Response {
  const response = problem(c, 401, { detail });
  response.headers.set('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"');
  return response;
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * The one place a request becomes a user's request: verifies the access token, checks its
 * session is still live in Redis and its user still `active`, then builds the user's CASL
 * ability. Identity comes from the token alone; headers such as `X-User` mean nothing here.
 *
 * @example
 * app.use(authenticate(deps, auth));
 */
export function authenticate(deps: ApiDeps, auth: AuthContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const endpoint = endpointKey(c);
    if (endpoint !== undefined && PUBLIC_ROUTES.has(endpoint)) return next();

    const token = bearerToken(c.req.header('Authorization'));
    if (token === undefined) return unauthorized(c, 'Sign in and send the access token.');
    const claims = await auth.tokens.verify(token);
    if (!claims) return unauthorized(c, 'The access token is invalid or expired.');
    // Both need only the token's claims, so they run side by side.
    const [sessionUser, actor] = await Promise.all([
      auth.sessions.userOf(claims.sessionId),
      loadActiveActor(deps.db, claims.userId),
    ]);
    if (sessionUser !== claims.userId || !actor) return unauthorized(c, 'The session has ended.');

    c.set('actor', { ...actor, sessionId: claims.sessionId });
    c.set('ability', defineAbilityFor(actor));
    return next();
  };
}
