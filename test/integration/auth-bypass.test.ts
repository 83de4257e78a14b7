import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createAccessTokens } from '../../infra/access-tokens.js';
import { bearer, createTestUser, login, postJson, type TestUser } from '../helpers/auth.js';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const headerOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

// Known bypasses of peers: OpenMetadata CVE-2024-28255 (path-based filter), DataHub
// CVE-2022-39366 (unverified signatures), CVE-2023-25559 (actor headers), CVE-2023-25562
// (logout left the session valid).
describe('authentication bypass attempts', () => {
  let api: AuthApi;
  let user: TestUser;
  let admin: TestUser;
  let token: string;

  beforeAll(async () => {
    api = await startAuthApi();
    user = await createTestUser(api.database.db);
    admin = await createTestUser(api.database.db, { platformAdmin: true });
    ({ accessToken: token } = await login(api.send, user));
  });
  afterAll(async () => {
    await api?.close();
  });

  const me = (accessToken: string) => api.send('/api/v1/me', { headers: bearer(accessToken) });

  async function expectRejected(accessToken: string) {
    const response = await me(accessToken);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  }

  it('accepts the genuine token (control)', async () => {
    expect((await me(token)).status).toBe(200);
  });

  it('rejects alg "none" and a stripped signature', async () => {
    const [header, payload] = token.split('.');
    await expectRejected(`${b64({ ...headerOf(token), alg: 'none' })}.${payload}.`);
    await expectRejected(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`);
    await expectRejected(`${header}.${payload}.`);
    await expectRejected(`${header}.${payload}`);
  });

  it('rejects a token signed with another key or another algorithm', async () => {
    const claims = claimsOf(token);
    const { kid } = headerOf(token);
    const forge = (alg: string, key: string) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, kid: kid as string })
        .sign(new TextEncoder().encode(key));
    await expectRejected(await forge('HS256', 'x'.repeat(48)));
    await expectRejected(await forge('HS512', api.config.secrets.jwtSigningKey));
    await expectRejected(`${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`);
  });

  it('rejects an elevated claim in an otherwise intact token', async () => {
    const [header, , signature] = token.split('.');
    const payload = b64({ ...claimsOf(token), sub: admin.id });
    await expectRejected(`${header}.${payload}.${signature}`);
  });

  it('rejects an expired token and one for another audience', async () => {
    const { sub, sid } = claimsOf(token) as { sub: string; sid: string };
    const key = new TextEncoder().encode(api.config.secrets.jwtSigningKey);
    const { kid } = headerOf(token);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ sid })
      .setProtectedHeader({ alg: 'HS256', kid: kid as string })
      .setSubject(sub)
      .setIssuer('governance-platform')
      .setAudience('governance-platform-api')
      .setIssuedAt(now - 3600)
      .setExpirationTime(now - 1800)
      .sign(key);
    await expectRejected(expired);
    const otherAudience = await new SignJWT({ sid })
      .setProtectedHeader({ alg: 'HS256', kid: kid as string })
      .setSubject(sub)
      .setIssuer('governance-platform')
      .setAudience('someone-else')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    await expectRejected(otherAudience);
  });

  it('rejects a well-signed token whose session does not exist', async () => {
    const tokens = createAccessTokens(api.config.secrets.jwtSigningKey, 60);
    await expectRejected(await tokens.sign({ userId: admin.id, sessionId: admin.id }));
  });

  it('rejects the token of a disabled user and a token after logout', async () => {
    const someone = await createTestUser(api.database.db);
    const first = await login(api.send, someone);
    const second = await login(api.send, someone);
    await api.send('/api/v1/auth/logout', { method: 'POST', headers: bearer(first.accessToken) });
    await expectRejected(first.accessToken);
    expect((await me(second.accessToken)).status).toBe(200);
    await api.database.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', someone.id)
      .execute();
    await expectRejected(second.accessToken);
  });

  it('revokes the family when a used refresh token comes back', async () => {
    const someone = await createTestUser(api.database.db);
    const stolen = await login(api.send, someone);
    const refresh = (refreshToken: string) =>
      postJson(api.send, '/api/v1/auth/refresh', { refreshToken });
    const legit = (await (await refresh(stolen.refreshToken)).json()) as { refreshToken: string };
    expect((await refresh(stolen.refreshToken)).status).toBe(401);
    expect((await refresh(legit.refreshToken)).status).toBe(401);
    await expectRejected(stolen.accessToken);
  });

  it.each([
    '/health/../api/v1/me',
    '/api/v1/auth/login/../../v1/me',
    '/api/v1/auth/login/%2e%2e/%2e%2e/v1/me',
    '/api/v1/auth/%2e%2e/me',
    '/api/v1/auth/login%2f..%2f..%2fme',
    '//api/v1/me',
    '/api/v1/me;x',
    '/api/v1/auth/login;/../../me',
    '/api/v1/me/',
    '/api/v1/me?/api/v1/auth/login',
    '/API/V1/ME',
    '/api/v1/./me',
  ])('does not serve %s without a token', async (path) => {
    for (const method of ['GET', 'POST']) {
      const response = await api.raw(method, path);
      expect([401, 404, 400]).toContain(response.status);
      expect(response.body).not.toContain(user.email);
      expect(response.body).not.toContain('"memberships"');
    }
  });

  it('ignores identity headers', async () => {
    const headers = {
      'X-User': admin.email,
      'X-Forwarded-User': admin.email,
      'X-Actor': admin.id,
      'X-User-Id': admin.id,
      'X-Remote-User': admin.email,
    };
    for (const path of ['/api/v1/me', '/api/v1/diagnostics/platform-check-x']) {
      expect((await api.raw('GET', path, headers)).status).toBe(401);
    }
    const asUser = await api.send('/api/v1/me', { headers: { ...headers, ...bearer(token) } });
    expect(asUser.status).toBe(200);
    const body = (await asUser.json()) as { user: { id: string; isPlatformAdmin: boolean } };
    expect(body.user).toMatchObject({ id: user.id, isPlatformAdmin: false });
    const diagnostics = await api.send('/api/v1/diagnostics?wait=0', {
      method: 'POST',
      headers: { ...headers, ...bearer(token) },
    });
    expect(diagnostics.status).toBe(403);
  });

  it('rejects malformed Authorization headers', async () => {
    for (const value of [token, `Basic ${token}`, `Bearer`, `Bearer ${token} extra`, 'Bearer .']) {
      const response = await api.send('/api/v1/me', { headers: { Authorization: value } });
      expect(response.status).toBe(401);
    }
  });
});
