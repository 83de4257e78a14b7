import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestUser, login, postJson, type TestUser } from '../helpers/auth.js';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';

describe('user administration', () => {
  let api: AuthApi;
  let admin: TestUser;
  let adminToken: string;
  let workspaceId: string;

  beforeAll(async () => {
    api = await startAuthApi();
    admin = await createTestUser(api.database.db, { platformAdmin: true });
    ({ accessToken: adminToken } = await login(api.send, admin));
    ({ id: workspaceId } = await api.database.db
      .insertInto('workspaces')
      .values({ slug: 'ops', name: 'Ops' })
      .returning('id')
      .executeTakeFirstOrThrow());
  });
  afterAll(async () => {
    await api?.close();
  });

  const me = (token: string) => api.send('/api/v1/me', { headers: bearer(token) });
  const setRole = (token: string, userId: string, role: string, workspace = workspaceId) =>
    api.send(`/api/v1/users/${userId}/memberships/${workspace}`, {
      method: 'PUT',
      headers: { ...bearer(token), 'Content-Type': 'application/json' },
      body: JSON.stringify({ role }),
    });

  it('a platform admin creates users; invited users cannot sign in', async () => {
    const email = `new-${admin.id}@example.test`;
    const created = await postJson(
      api.send,
      '/api/v1/users',
      { email, displayName: 'New', password: 'a long enough password' },
      bearer(adminToken),
    );
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ email, status: 'active', isPlatformAdmin: false });
    await login(api.send, { email, password: 'a long enough password' });

    const duplicate = await postJson(
      api.send,
      '/api/v1/users',
      { email: email.toUpperCase(), displayName: 'Again' },
      bearer(adminToken),
    );
    expect(duplicate.status).toBe(409);

    const invitedEmail = `invited-${admin.id}@example.test`;
    const invited = await postJson(
      api.send,
      '/api/v1/users',
      { email: invitedEmail, displayName: 'Invited' },
      bearer(adminToken),
    );
    expect(await invited.json()).toMatchObject({ status: 'invited' });
    const attempt = await postJson(api.send, '/api/v1/auth/login', {
      email: invitedEmail,
      password: 'anything at all',
    });
    expect(attempt.status).toBe(401);
  });

  it('others cannot create users, and unknown fields are refused', async () => {
    const someone = await createTestUser(api.database.db);
    const { accessToken } = await login(api.send, someone);
    const body = { email: `x-${someone.id}@example.test`, displayName: 'X' };
    expect((await postJson(api.send, '/api/v1/users', body, bearer(accessToken))).status).toBe(403);
    const massAssignment = { ...body, status: 'active', is_platform_admin: true };
    const refused = await postJson(api.send, '/api/v1/users', massAssignment, bearer(adminToken));
    expect(refused.status).toBe(400);
  });

  it('sets roles: platform and workspace admins may, others get 404', async () => {
    const member = await createTestUser(api.database.db);
    const { accessToken } = await login(api.send, member);
    expect((await setRole(adminToken, member.id, 'data_engineer')).status).toBe(204);
    const profile = (await (await me(accessToken)).json()) as { memberships: { role: string }[] };
    expect(profile.memberships).toEqual([expect.objectContaining({ role: 'data_engineer' })]);

    // A data engineer cannot promote themselves.
    expect((await setRole(accessToken, member.id, 'admin')).status).toBe(404);
    const workspaceAdmin = await createTestUser(api.database.db, {
      memberships: [{ workspaceId, role: 'admin' }],
    });
    const { accessToken: wsToken } = await login(api.send, workspaceAdmin);
    expect((await setRole(wsToken, member.id, 'viewer')).status).toBe(204);
    const other = await api.database.db
      .insertInto('workspaces')
      .values({ slug: `other-${member.id}`, name: 'Other' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await setRole(wsToken, member.id, 'viewer', other.id)).status).toBe(404);
    expect((await setRole(adminToken, member.id, 'owner')).status).toBe(400);
  });

  it('disabling a user ends all their sessions at once', async () => {
    const target = await createTestUser(api.database.db);
    const [first, second] = [await login(api.send, target), await login(api.send, target)];
    const disable = (token: string, id: string) =>
      api.send(`/api/v1/users/${id}/disable`, { method: 'POST', headers: bearer(token) });

    expect((await disable(first.accessToken, admin.id)).status).toBe(404);
    expect((await disable(adminToken, admin.id)).status).toBe(409);
    expect((await disable(adminToken, target.id)).status).toBe(200);
    for (const tokens of [first, second]) {
      expect((await me(tokens.accessToken)).status).toBe(401);
      const refresh = await postJson(api.send, '/api/v1/auth/refresh', {
        refreshToken: tokens.refreshToken,
      });
      expect(refresh.status).toBe(401);
    }
    const sessionKeys = await api.redisKeys(`user-sessions:${target.id}`);
    expect(sessionKeys).toEqual([]);
  });
});
