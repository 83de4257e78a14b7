import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { createAccessTokens } from '../../infra/access-tokens.js';

const KEY = 'k'.repeat(48);
const claims = { userId: '6f1c2a52-5b8e-4a0e-9a53-1f4f7b2f3c11', sessionId: 's-1' };

describe('access tokens', () => {
  const tokens = createAccessTokens(KEY, 900);

  it('round-trips its own tokens and names the key in the header', async () => {
    const token = await tokens.sign(claims);
    expect(await tokens.verify(token)).toEqual(claims);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as {
      alg: string;
      kid: string;
    };
    expect(header).toMatchObject({
      alg: 'HS256',
      kid: createHash('sha256').update(KEY).digest('hex').slice(0, 8),
    });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      exp: number;
      iat: number;
    };
    expect(payload.exp - payload.iat).toBe(900);
  });

  it('refuses unsigned, foreign-key, expired and garbage tokens', async () => {
    const unsecured = new UnsecuredJWT({ sid: claims.sessionId })
      .setSubject(claims.userId)
      .setIssuer('governance-platform')
      .setAudience('governance-platform-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    expect(await tokens.verify(unsecured)).toBeUndefined();
    const foreign = createAccessTokens('z'.repeat(48), 900);
    expect(await tokens.verify(await foreign.sign(claims))).toBeUndefined();
    const expired = await new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256', kid: tokens.keyId })
      .setSubject(claims.userId)
      .setIssuer('governance-platform')
      .setAudience('governance-platform-api')
      .setIssuedAt(1_000)
      .setExpirationTime(2_000)
      .sign(new TextEncoder().encode(KEY));
    expect(await tokens.verify(expired)).toBeUndefined();
    for (const junk of ['', 'a.b.c', 'not a token', `${'x'.repeat(10)}..`]) {
      expect(await tokens.verify(junk)).toBeUndefined();
    }
  });
});
