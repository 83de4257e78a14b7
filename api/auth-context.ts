import { createAccessTokens, type AccessTokens } from '../infra/access-tokens.js';
import { createSessions, type Sessions } from '../infra/sessions.js';
import type { ApiDeps } from './deps.js';
import { createLoginThrottle, type LoginThrottle } from './middleware/login-throttle.js';

/** The pieces of authentication shared by the middleware and the auth routes. */
export interface AuthContext {
  tokens: AccessTokens;
  sessions: Sessions;
  throttle: LoginThrottle;
}

/**
 * Built once per app from its deps, so that the middleware and the routes verify with the
 * same key and read the same sessions.
 *
 * @example
 * const auth = createAuthContext(deps);
 */
export function createAuthContext({ config, redis, redisKeyPrefix = '' }: ApiDeps): AuthContext {
  return {
    tokens: createAccessTokens(config.secrets.jwtSigningKey, config.auth.accessTokenTtlSeconds),
    sessions: createSessions(redis, config.auth.refreshTokenTtlSeconds, redisKeyPrefix),
    throttle: createLoginThrottle(redis, redisKeyPrefix),
  };
}
