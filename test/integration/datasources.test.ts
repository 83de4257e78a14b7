import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../infra/secret-box.js';
import { bearer, createTestUser, login, type Send } from '../helpers/auth.js';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';

const PASSWORD = 'a-secret-password-123';

function sendJson(
  send: Send,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers = {},
) {
  return send(path, {
    method,
    headers: { ...bearer(token), 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('data sources', () => {
  let api: AuthApi;
  let workspaceId: string;
  let otherWorkspaceId: string;
  const tokens: Record<'steward' | 'engineer' | 'viewer' | 'outsider', string> = {
    steward: '',
    engineer: '',
    viewer: '',
    outsider: '',
  };

  const pgConfig = (extra: Record<string, unknown> = {}) => ({
    host: '127.0.0.1',
    port: 5432,
    database: 'shop',
    user: 'scanner',
    password: PASSWORD,
    ...extra,
  });

  beforeAll(async () => {
    api = await startAuthApi();
    const db = api.database.db;
    const workspaces = await db
      .insertInto('workspaces')
      .values([
        { slug: 'sales', name: 'Sales' },
        { slug: 'hr', name: 'HR' },
      ])
      .returning('id')
      .execute();
    [workspaceId, otherWorkspaceId] = workspaces.map((w) => w.id) as [string, string];
    const users = {
      steward: await createTestUser(db, { memberships: [{ workspaceId, role: 'data_steward' }] }),
      engineer: await createTestUser(db, { memberships: [{ workspaceId, role: 'data_engineer' }] }),
      viewer: await createTestUser(db, { memberships: [{ workspaceId, role: 'viewer' }] }),
      outsider: await createTestUser(db, {
        memberships: [{ workspaceId: otherWorkspaceId, role: 'admin' }],
      }),
    };
    for (const role of Object.keys(users) as (keyof typeof users)[]) {
      tokens[role] = (await login(api.send, users[role])).accessToken;
    }
  });
  afterAll(async () => {
    await api?.close();
  });

  it('lists the scanners with their config schemas, secrets marked', async () => {
    const response = await api.send('/api/v1/scanners', { headers: bearer(tokens.viewer) });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as {
      items: { id: string; secretFields: string[] }[];
    };
    expect(items.find((s) => s.id === 'postgres')).toMatchObject({ secretFields: ['password'] });
  });

  it('registers a source with sealed secrets, masked everywhere, and hides settings from viewers', async () => {
    const created = await sendJson(api.send, 'POST', '/api/v1/datasources', tokens.engineer, {
      workspaceId,
      name: 'shop',
      scanner: 'postgres',
      config: pgConfig(),
    });
    expect(created.status).toBe(201);
    const source = (await created.json()) as { id: string; config: Record<string, unknown> };
    expect(source.config).toMatchObject({ host: '127.0.0.1', password: '********' });
    expect(created.headers.get('ETag')).toMatch(/^"datasource\./);

    const row = await api.database.db
      .selectFrom('data_sources')
      .selectAll()
      .where('id', '=', source.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row.settings)).not.toContain(PASSWORD);
    expect(row.secret_ciphertext?.toString('latin1')).not.toContain(PASSWORD);
    const box = createSecretBox({ currentKey: api.config.secrets.dataEncryptionKey });
    expect(box.open(row.secret_ciphertext!, row.secret_key_id!, source.id)).toEqual({
      password: PASSWORD,
    });

    const asViewer = await api.send(`/api/v1/datasources/${source.id}`, {
      headers: bearer(tokens.viewer),
    });
    expect(asViewer.status).toBe(200);
    expect(await asViewer.json()).not.toHaveProperty('config');

    const audit = await api.database.db
      .selectFrom('audit_log')
      .select(['after'])
      .where('object_id', '=', source.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.after)).not.toContain(PASSWORD);
  });

  it('refuses unknown scanners, bad configs and unknown fields with 400', async () => {
    const post = (body: unknown) =>
      sendJson(api.send, 'POST', '/api/v1/datasources', tokens.steward, body);
    const base = { workspaceId, name: 'x', scanner: 'postgres', config: pgConfig() };
    expect((await post({ ...base, scanner: 'oracle' })).status).toBe(400);
    const bad = await post({ ...base, config: pgConfig({ port: 'five' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('port');
    expect((await post({ ...base, createdBy: 'someone' })).status).toBe(400);
    expect((await post({ ...base, workspaceId: otherWorkspaceId })).status).toBe(404);
  });

  it('keeps a secret sent back masked, needs If-Match, and lets only the allowed change it', async () => {
    const created = await sendJson(api.send, 'POST', '/api/v1/datasources', tokens.engineer, {
      workspaceId,
      name: 'warehouse',
      scanner: 'postgres',
      config: pgConfig(),
    });
    const source = (await created.json()) as { id: string; config: Record<string, unknown> };
    let etag = created.headers.get('ETag')!;
    const path = `/api/v1/datasources/${source.id}`;
    const patch = (token: string, body: unknown, headers: Record<string, string>) =>
      sendJson(api.send, 'PATCH', path, token, body, headers);

    const renamedHost = { config: { ...source.config, host: 'localhost' } };
    expect((await patch(tokens.engineer, renamedHost, {})).status).toBe(428);
    expect((await patch(tokens.engineer, renamedHost, { 'If-Match': '"stale"' })).status).toBe(412);
    expect((await patch(tokens.viewer, renamedHost, { 'If-Match': etag })).status).toBe(404);
    expect((await patch(tokens.outsider, renamedHost, { 'If-Match': etag })).status).toBe(404);
    const ok = await patch(tokens.engineer, renamedHost, { 'If-Match': etag });
    expect(ok.status).toBe(200);
    etag = ok.headers.get('ETag')!;
    const row = await api.database.db
      .selectFrom('data_sources')
      .selectAll()
      .where('id', '=', source.id)
      .executeTakeFirstOrThrow();
    const box = createSecretBox({ currentKey: api.config.secrets.dataEncryptionKey });
    expect(box.open(row.secret_ciphertext!, row.secret_key_id!, source.id)).toEqual({
      password: PASSWORD,
    });
    expect(row.settings).toMatchObject({ host: 'localhost' });

    const remove = (token: string, headers: Record<string, string>) =>
      sendJson(api.send, 'DELETE', path, token, undefined, headers);
    expect((await remove(tokens.viewer, { 'If-Match': etag })).status).toBe(404);
    expect((await remove(tokens.steward, {})).status).toBe(428);
    expect((await remove(tokens.steward, { 'If-Match': etag })).status).toBe(204);
    expect((await api.send(path, { headers: bearer(tokens.steward) })).status).toBe(404);
  });

  it('lists only the sources of the caller’s workspaces', async () => {
    const list = async (token: string) =>
      (
        (await (await api.send('/api/v1/datasources', { headers: bearer(token) })).json()) as {
          items: { workspaceId: string }[];
        }
      ).items;
    expect((await list(tokens.viewer)).length).toBeGreaterThan(0);
    expect(await list(tokens.outsider)).toEqual([]);
  });
});
