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

  it('takes tags and region on create and update, shows them to every reader, audits them', async () => {
    const created = await sendJson(api.send, 'POST', '/api/v1/datasources', tokens.engineer, {
      workspaceId,
      name: 'clinic',
      scanner: 'postgres',
      config: pgConfig(),
      tags: ['production', 'hipaa', 'hipaa', 'team:care.ops_1'],
      region: 'eu-west-1',
    });
    expect(created.status).toBe(201);
    const source = (await created.json()) as { id: string; tags: string[]; region: string };
    expect(source).toMatchObject({
      tags: ['hipaa', 'production', 'team:care.ops_1'],
      region: 'eu-west-1',
    });
    const path = `/api/v1/datasources/${source.id}`;
    // Not connection settings: a viewer, who sees no config, sees them.
    const asViewer = (await (await api.send(path, { headers: bearer(tokens.viewer) })).json()) as {
      tags: string[];
      region: string | null;
    };
    expect(asViewer).toMatchObject({ tags: source.tags, region: 'eu-west-1' });
    expect(asViewer).not.toHaveProperty('config');

    const etag = created.headers.get('ETag')!;
    const change = { tags: ['pci'], region: null };
    expect((await sendJson(api.send, 'PATCH', path, tokens.engineer, change)).status).toBe(428);
    const updated = await sendJson(api.send, 'PATCH', path, tokens.engineer, change, {
      'If-Match': etag,
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ tags: ['pci'], region: null, version: 2 });
    // Left out, they keep their value.
    const renamed = await sendJson(
      api.send,
      'PATCH',
      path,
      tokens.engineer,
      { name: 'clinic-2' },
      {
        'If-Match': updated.headers.get('ETag')!,
      },
    );
    expect(await renamed.json()).toMatchObject({ name: 'clinic-2', tags: ['pci'], region: null });

    const entries = await api.database.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('object_id', '=', source.id)
      .orderBy('id')
      .execute();
    expect(entries.map((entry) => entry.action)).toEqual([
      'datasource.create',
      'datasource.update',
      'datasource.update',
    ]);
    expect(entries[0]!.after).toMatchObject({ tags: source.tags, region: 'eu-west-1' });
    expect(entries[1]!.before).toMatchObject({ tags: source.tags, region: 'eu-west-1' });
    expect(entries[1]!.after).toMatchObject({ tags: ['pci'], region: null });
  });

  it('answers 422 naming each bad tag or region, 400 for unknown fields, and writes nothing', async () => {
    const post = (extra: Record<string, unknown>) =>
      sendJson(api.send, 'POST', '/api/v1/datasources', tokens.steward, {
        workspaceId,
        name: 'refused',
        scanner: 'postgres',
        config: pgConfig(),
        ...extra,
      });
    const bad = await post({ tags: ['ok', 'Prod', '-x', 'a'.repeat(64)], region: 'EU West' });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('Content-Type')).toBe('application/problem+json');
    const problem = (await bad.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors.map((error) => error.path)).toEqual([
      'tags[1]',
      'tags[2]',
      'tags[3]',
      'region',
    ]);
    expect(problem.errors[0]!.message).toContain('"Prod"');
    expect(problem.errors[3]!.message).toContain('"EU West"');
    const many = await post({ tags: Array.from({ length: 51 }, (_, i) => `tag-${i}`) });
    expect(many.status).toBe(422);
    expect((await post({ region: 'x'.repeat(65) })).status).toBe(422);
    // Unknown fields are a schema error, which the whole API answers with 400.
    expect((await post({ labels: ['x'] })).status).toBe(400);
    expect((await post({ tags: 'hipaa' })).status).toBe(400);
    const stored = await api.database.db
      .selectFrom('data_sources')
      .select('id')
      .where('name', '=', 'refused')
      .execute();
    expect(stored).toEqual([]);

    const created = await post({});
    const { id } = (await created.json()) as { id: string };
    const path = `/api/v1/datasources/${id}`;
    const shown = await api.send(path, { headers: bearer(tokens.viewer) });
    expect(await shown.json()).toMatchObject({ tags: [], region: null });
    const etag = { 'If-Match': created.headers.get('ETag')! };
    const patched = await sendJson(
      api.send,
      'PATCH',
      path,
      tokens.steward,
      { tags: ['UPPER'] },
      etag,
    );
    expect(patched.status).toBe(422);
    expect(await patched.json()).toMatchObject({ errors: [{ path: 'tags[0]' }] });
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
