import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestUser,
  login,
  postJson,
  type TestUser,
  type TokenPair,
} from '../helpers/auth.js';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';

describe('authentication', () => {
  let api: AuthApi;
  let user: TestUser;
  let workspaceId: string;

  beforeAll(async () => {
    api = await startAuthApi();
    ({ id: workspaceId } = await api.database.db
      .insertInto('workspaces')
      .values({ slug: 'sales', name: 'Sales' })
      .returning('id')
      .executeTakeFirstOrThrow());
    user = await createTestUser(api.database.db, {
      memberships: [{ workspaceId, role: 'data_steward' }],
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  const credentials = ({ email, password }: TestUser) => ({ email, password });
  const me = (token: string) => api.send('/api/v1/me', { headers: bearer(token) });
  const refresh = (refreshToken: string) =>
    postJson(api.send, '/api/v1/auth/refresh', { refreshToken });

  it('signs in and returns a token pair; /me shows the user and memberships', async () => {
    const response = await postJson(api.send, '/api/v1/auth/login', {
      email: user.email.toUpperCase(),
      password: user.password,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const tokens = (await response.json()) as TokenPair;
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const profile = await me(tokens.accessToken);
    expect(profile.status).toBe(200);
    expect(await profile.json()).toEqual({
      user: { id: user.id, email: user.email, displayName: 'Test User', isPlatformAdmin: false },
      memberships: [
        { workspaceId, workspaceSlug: 'sales', workspaceName: 'Sales', role: 'data_steward' },
      ],
    });
  });

  it('answers a wrong password and an unknown user with the same 401, in similar time', async () => {
    const timed = async (email: string) => {
      const started = performance.now();
      const response = await postJson(api.send, '/api/v1/auth/login', {
        email,
        password: 'not the password',
      });
      return { response, ms: performance.now() - started };
    };
    const victim = await createTestUser(api.database.db);
    const wrong = await timed(victim.email);
    const unknown = await timed(`nobody-${victim.id}@example.test`);
    for (const { response } of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const [a, b] = [await wrong.response.json(), await unknown.response.json()];
    expect(a).toEqual(b);
    // Both run a full argon2 verification: same order of magnitude, not a fast path.
    expect(unknown.ms).toBeGreaterThan(wrong.ms / 5);
  });

  it('rejects unknown fields in the login body', async () => {
    const response = await postJson(api.send, '/api/v1/auth/login', {
      email: user.email,
      password: user.password,
      isPlatformAdmin: true,
    });
    expect(response.status).toBe(400);
  });

  it('rotates refresh tokens, and reuse of a used one ends the session', async () => {
    const first = await login(api.send, user);
    const rotated = await refresh(first.refreshToken);
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as TokenPair;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.accessToken)).status).toBe(200);

    const reuse = await refresh(first.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.headers.get('www-authenticate')).toMatch(/^Bearer/);
    // The whole family and its session are gone: the legitimate holder is signed out too.
    expect((await refresh(second.refreshToken)).status).toBe(401);
    expect((await me(second.accessToken)).status).toBe(401);
    expect((await me(first.accessToken)).status).toBe(401);
  });

  it('logout revokes the access token and the refresh token', async () => {
    const tokens = await login(api.send, user);
    const out = await api.send('/api/v1/auth/logout', {
      method: 'POST',
      headers: bearer(tokens.accessToken),
    });
    expect(out.status).toBe(204);
    expect((await me(tokens.accessToken)).status).toBe(401);
    expect((await refresh(tokens.refreshToken)).status).toBe(401);
    expect((await api.send('/api/v1/auth/logout', { method: 'POST' })).status).toBe(401);
  });

  it('rejects the token of a user disabled after signing in, on the next request', async () => {
    const someone = await createTestUser(api.database.db);
    const tokens = await login(api.send, someone);
    expect((await me(tokens.accessToken)).status).toBe(200);
    await api.database.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', someone.id)
      .execute();
    expect((await me(tokens.accessToken)).status).toBe(401);
    expect((await refresh(tokens.refreshToken)).status).toBe(401);
    const again = await postJson(api.send, '/api/v1/auth/login', credentials(someone));
    expect(again.status).toBe(401);
  });

  it('throttles repeated failures on one account with 429 and Retry-After', async () => {
    const target = await createTestUser(api.database.db);
    for (let attempt = 0; attempt < 10; attempt++) {
      const response = await postJson(api.send, '/api/v1/auth/login', {
        email: target.email,
        password: 'guess',
      });
      expect(response.status).toBe(401);
    }
    const blocked = await postJson(api.send, '/api/v1/auth/login', credentials(target));
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Other accounts from the same address are still served.
    expect((await postJson(api.send, '/api/v1/auth/login', credentials(user))).status).toBe(200);
  });

  it('only platform admins run platform checks', async () => {
    const tokens = await login(api.send, user);
    const start = await api.send('/api/v1/diagnostics?wait=0', {
      method: 'POST',
      headers: bearer(tokens.accessToken),
    });
    expect(start.status).toBe(403);
    const read = await api.send(
      '/api/v1/diagnostics/platform-check-00000000-0000-0000-0000-000000000000',
      { headers: bearer(tokens.accessToken) },
    );
    expect(read.status).toBe(404);
  });
});
