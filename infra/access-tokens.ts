import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

const ALGORITHM = 'HS256';
const ISSUER = 'governance-platform';
const AUDIENCE = 'governance-platform-api';

/** What a verified access token says: who, and within which session. */
export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
}

/** Signs and verifies the API's access tokens with one HMAC key. */
export interface AccessTokens {
  /** The key id put in every token's header, so that keys can rotate later. */
  readonly keyId: string;
  sign(claims: AccessTokenClaims): Promise<string>;
  /** Returns undefined for any token that is not ours, not intact or not current. */
  verify(token: string): Promise<AccessTokenClaims | undefined>;
}

/**
 * Access tokens are short-lived HS256 JWTs. Verification pins the algorithm, issuer and
 * audience: `alg: none`, asymmetric algorithms and tokens minted for another service are
 * all refused rather than trusted.
 *
 * @example
 * const tokens = createAccessTokens(config.secrets.jwtSigningKey, 900);
 * const claims = await tokens.verify(bearer); // undefined when invalid
 */
export function createAccessTokens(signingKey: string, ttlSeconds: number): AccessTokens {
  const key = new TextEncoder().encode(signingKey);
  const keyId = createHash('sha256').update(signingKey).digest('hex').slice(0, 8);
  return {
    keyId,
    async sign({ userId, sessionId }) {
      return new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: ALGORITHM, kid: keyId, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload, protectedHeader } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ['sub', 'sid', 'iat', 'exp'],
        });
        if (protectedHeader.kid !== keyId) return undefined;
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return undefined;
        return { userId: payload.sub, sessionId: payload.sid };
      } catch (error) {
        if (error instanceof errors.JOSEError) return undefined;
        throw error;
      }
    },
  };
}
