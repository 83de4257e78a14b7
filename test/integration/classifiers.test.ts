import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkspaceClassification } from '../../db/queries/classifiers.js';
import { createTestUser, login } from '../helpers/auth.js';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';
import { call } from '../helpers/tenants.js';

type Who = 'steward' | 'engineer' | 'viewer' | 'outsider';

interface ClassifierBody {
  id: string;
  version: number;
  infoType: string;
  enabled: boolean;
}
interface InfoTypeItem {
  id: string;
  builtin: boolean;
  classifierId?: string;
  settings?: { minMatchRatio: number | null; enabled: boolean } | null;
}
interface ProblemBody {
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

describe('custom classifiers and info types', () => {
  let api: AuthApi;
  let workspaceId: string;
  let otherWorkspaceId: string;
  const tokens = {} as Record<Who, string>;

  const send = (who: Who, method: string, path: string, body?: unknown, ifMatch?: string) =>
    call(api.send, tokens[who], method, path, {
      body,
      headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch },
    });
  const auditOf = (objectId: string) =>
    api.database.db
      .selectFrom('audit_log')
      .select(['action', 'workspace_id', 'before', 'after'])
      .where('object_id', '=', objectId)
      .orderBy('id')
      .execute();
  const badge = (fields: Record<string, unknown> = {}) => ({
    workspaceId,
    name: `badges-${randomUUID()}`,
    infoType: `BADGE_${randomUUID().slice(0, 8).toUpperCase()}`,
    sensitivity: 'internal',
    namePatterns: ['badge_?(no|id)'],
    valuePatterns: ['B-\\d{5}'],
    ...fields,
  });
  const create = async (fields: Record<string, unknown> = {}) => {
    const response = await send('steward', 'POST', '/api/v1/classifiers', badge(fields));
    expect(response.status, await response.clone().text()).toBe(201);
    return { body: (await response.json()) as ClassifierBody, etag: response.headers.get('ETag')! };
  };

  beforeAll(async () => {
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '1000000' });
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
    for (const who of Object.keys(users) as Who[]) {
      tokens[who] = (await login(api.send, users[who])).accessToken;
    }
  });
  afterAll(async () => {
    await api?.close();
  });

  it('creates, reads, changes with If-Match and deletes a classifier, auditing each write', async () => {
    const created = await send('steward', 'POST', '/api/v1/classifiers', badge());
    expect(created.status).toBe(201);
    const classifier = (await created.json()) as ClassifierBody;
    const path = `/api/v1/classifiers/${classifier.id}`;
    expect(created.headers.get('Location')).toBe(path);
    let etag = created.headers.get('ETag')!;
    expect(etag).toMatch(/^"classifier\./);
    expect(classifier).toMatchObject({ version: 1, enabled: true });

    const read = await send('viewer', 'GET', path);
    expect(read.status).toBe(200);
    expect(read.headers.get('ETag')).toBe(etag);

    const change = { minMatchRatio: 0.8, dictionary: ['Gold', 'Silver'] };
    expect((await send('steward', 'PATCH', path, change)).status).toBe(428);
    expect((await send('steward', 'PATCH', path, change, '"classifier.x.1"')).status).toBe(412);
    const changed = await send('steward', 'PATCH', path, change, etag);
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ version: 2, minMatchRatio: 0.8 });
    expect((await send('steward', 'PATCH', path, change, etag)).status).toBe(412);
    etag = changed.headers.get('ETag')!;

    expect((await send('steward', 'DELETE', path)).status).toBe(428);
    expect((await send('steward', 'DELETE', path, undefined, '"stale"')).status).toBe(412);
    expect((await send('steward', 'DELETE', path, undefined, etag)).status).toBe(204);
    expect((await send('steward', 'GET', path)).status).toBe(404);

    const entries = await auditOf(classifier.id);
    expect(entries.map((entry) => entry.action)).toEqual([
      'classifier.create',
      'classifier.update',
      'classifier.delete',
    ]);
    expect(entries.every((entry) => entry.workspace_id === workspaceId)).toBe(true);
    expect(entries[1]!.after).toMatchObject({ minMatchRatio: 0.8, dictionaryEntries: 2 });
  });

  it('lets viewers and data engineers read, not write', async () => {
    const { body, etag } = await create();
    const path = `/api/v1/classifiers/${body.id}`;
    for (const who of ['viewer', 'engineer'] as const) {
      expect((await send(who, 'GET', path)).status).toBe(200);
      const list = await send(who, 'GET', `/api/v1/classifiers?workspaceId=${workspaceId}`);
      expect(JSON.stringify(await list.json())).toContain(body.id);
      expect((await send(who, 'POST', '/api/v1/classifiers', badge())).status).toBe(404);
      expect((await send(who, 'PATCH', path, { enabled: false }, etag)).status).toBe(404);
      expect((await send(who, 'DELETE', path, undefined, etag)).status).toBe(404);
    }
    expect((await send('steward', 'GET', path)).headers.get('ETag')).toBe(etag);
  });

  it('answers another workspace’s classifier exactly like a missing one (BOLA)', async () => {
    const { body, etag } = await create();
    const observe = async (id: string) => {
      const path = `/api/v1/classifiers/${id}`;
      const answers = [
        await send('outsider', 'GET', path),
        await send('outsider', 'PATCH', path, { enabled: false }, etag),
        await send('outsider', 'DELETE', path, undefined, etag),
      ];
      return Promise.all(
        answers.map(async (r) => ({
          status: r.status,
          detail: ((await r.json()) as ProblemBody).detail,
        })),
      );
    };
    expect(await observe(body.id)).toEqual(await observe(randomUUID()));
    expect((await observe(body.id))[0]).toEqual({ status: 404, detail: 'No such classifier.' });
    const list = await send('outsider', 'GET', `/api/v1/classifiers?workspaceId=${workspaceId}`);
    expect(await list.json()).toEqual({ items: [], nextCursor: null });
    const other = await send('outsider', 'POST', '/api/v1/classifiers', badge());
    expect(other.status).toBe(404);
    expect((await auditOf(body.id)).map((entry) => entry.action)).toEqual(['classifier.create']);
  });

  it('refuses unknown fields with 400 problem+json', async () => {
    const post = await send('steward', 'POST', '/api/v1/classifiers', badge({ createdBy: 'x' }));
    expect(post.status).toBe(400);
    expect(post.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await post.text()).toContain('createdBy');
    const { body, etag } = await create();
    const patch = await send(
      'steward',
      'PATCH',
      `/api/v1/classifiers/${body.id}`,
      { version: 9 },
      etag,
    );
    expect(patch.status).toBe(400);
  });

  it('answers 422 naming each bad pattern, oversize list or entry', async () => {
    const refused = async (fields: Record<string, unknown>) => {
      const response = await send('steward', 'POST', '/api/v1/classifiers', badge(fields));
      expect(response.status).toBe(422);
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      return ((await response.json()) as ProblemBody).errors!;
    };
    expect(await refused({ valuePatterns: ['\\d+', '(a', '(x)\\1'] })).toEqual([
      { path: 'valuePatterns[1]', message: 'missing closing ): `(a`' },
      { path: 'valuePatterns[2]', message: expect.stringContaining('backreferences') },
    ]);
    expect(await refused({ namePatterns: ['(?=id)x'] })).toEqual([
      { path: 'namePatterns[0]', message: expect.stringContaining('lookarounds') },
    ]);
    expect(await refused({ valuePatterns: Array(21).fill('a') })).toEqual([
      { path: 'valuePatterns', message: 'at most 20 patterns (got 21)' },
    ]);
    expect(await refused({ namePatterns: ['a'.repeat(501)] })).toEqual([
      { path: 'namePatterns[0]', message: 'longer than 500 characters (501)' },
    ]);
    expect(await refused({ dictionary: Array(10_001).fill('w') })).toEqual([
      { path: 'dictionary', message: 'at most 10000 entries (got 10001)' },
    ]);
    expect(await refused({ dictionary: ['ok', 'w'.repeat(201)] })).toEqual([
      { path: 'dictionary[1]', message: 'longer than 200 characters' },
    ]);
    expect(await refused({ sensitivity: null })).toEqual([
      { path: 'sensitivity', message: 'required for a new info type' },
    ]);
    expect(await refused({ infoType: 'not a type' })).toEqual([
      { path: 'infoType', message: expect.stringContaining('is not a built-in info type') },
    ]);
    const { body, etag } = await create();
    const patch = await send(
      'steward',
      'PATCH',
      `/api/v1/classifiers/${body.id}`,
      { valuePatterns: ['[z-a]'] },
      etag,
    );
    expect(patch.status).toBe(422);
    expect((await auditOf(body.id)).map((entry) => entry.action)).toEqual(['classifier.create']);
  });

  it('refuses a second classifier of the same name or the same new type with 409', async () => {
    const { body } = await create({ name: 'unique-name' });
    expect(
      (await send('steward', 'POST', '/api/v1/classifiers', badge({ name: 'unique-name' }))).status,
    ).toBe(409);
    const sameType = await send(
      'steward',
      'POST',
      '/api/v1/classifiers',
      badge({ infoType: body.infoType }),
    );
    expect(sameType.status).toBe(409);
    expect(((await sameType.json()) as ProblemBody).detail).toContain(body.infoType);
  });

  it('lists the built-in info types and, with a workspace, its own', async () => {
    const { body } = await create();
    const all = await send('viewer', 'GET', '/api/v1/infotypes');
    expect(all.status).toBe(200);
    const { items } = (await all.json()) as { items: InfoTypeItem[] };
    expect(items.length).toBeGreaterThanOrEqual(60);
    expect(items.every((item) => item.builtin && item.settings === undefined)).toBe(true);

    const mine = await send('viewer', 'GET', `/api/v1/infotypes?workspaceId=${workspaceId}`);
    const withOwn = ((await mine.json()) as { items: InfoTypeItem[] }).items;
    expect(withOwn.find((item) => item.id === body.infoType)).toMatchObject({
      builtin: false,
      classifierId: body.id,
      settings: null,
    });

    const builtinId = items[0]!.id;
    expect((await send('viewer', 'GET', `/api/v1/infotypes/${builtinId}`)).status).toBe(200);
    const own = await send('viewer', 'GET', `/api/v1/infotypes/${body.infoType}`);
    expect(await own.json()).toMatchObject({ id: body.infoType, builtin: false });
    expect((await send('outsider', 'GET', `/api/v1/infotypes/${body.infoType}`)).status).toBe(404);
    const foreign = await send('outsider', 'GET', `/api/v1/infotypes?workspaceId=${workspaceId}`);
    expect(JSON.stringify(await foreign.json())).not.toContain(body.infoType);
    expect((await send('viewer', 'GET', '/api/v1/infotypes/NO_SUCH_TYPE')).status).toBe(404);
  });

  it('stores a workspace’s settings of an info type, shows them and audits the change', async () => {
    const { items } = (await (await send('viewer', 'GET', '/api/v1/infotypes')).json()) as {
      items: InfoTypeItem[];
    };
    const id = items[0]!.id;
    const path = `/api/v1/infotypes/${id}/settings`;
    const settings = { workspaceId, minMatchRatio: 0.9, enabled: false };
    expect((await send('viewer', 'PUT', path, settings)).status).toBe(404);
    expect((await send('outsider', 'PUT', path, settings)).status).toBe(404);
    const unknown = await send(
      'steward',
      'PUT',
      '/api/v1/infotypes/NO_SUCH_TYPE/settings',
      settings,
    );
    expect(unknown.status).toBe(404);
    const put = await send('steward', 'PUT', path, settings);
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({
      infoType: id,
      minMatchRatio: 0.9,
      enabled: false,
      version: 1,
    });

    const shown = await send('viewer', 'GET', `/api/v1/infotypes/${id}?workspaceId=${workspaceId}`);
    expect(await shown.json()).toMatchObject({
      settings: { minMatchRatio: 0.9, minConfidence: null, enabled: false },
    });
    const elsewhere = await send('outsider', 'GET', `/api/v1/infotypes?workspaceId=${workspaceId}`);
    const foreign = ((await elsewhere.json()) as { items: InfoTypeItem[] }).items;
    expect(foreign.find((item) => item.id === id)?.settings).toBeNull();

    const again = await send('steward', 'PUT', path, { workspaceId, minConfidence: 0.5 });
    expect(await again.json()).toMatchObject({
      minMatchRatio: null,
      minConfidence: 0.5,
      version: 2,
    });
    const entries = await auditOf(id);
    expect(entries.map((entry) => entry.action)).toEqual([
      'infotype.settings',
      'infotype.settings',
    ]);
    expect(entries[1]!.before).toMatchObject({ minMatchRatio: 0.9, enabled: false });
  });

  it('loads what a scan of the workspace classifies with: enabled classifiers and settings', async () => {
    const on = await create();
    const off = await create();
    await send(
      'steward',
      'PATCH',
      `/api/v1/classifiers/${off.body.id}`,
      { enabled: false },
      off.etag,
    );
    const { classifiers, settings } = await loadWorkspaceClassification(
      api.database.db,
      workspaceId,
    );
    const ids = classifiers.map((classifier) => classifier.id);
    expect(ids).toContain(on.body.id);
    expect(ids).not.toContain(off.body.id);
    expect(classifiers.every((classifier) => classifier.workspaceId === workspaceId)).toBe(true);
    expect([...settings.values()]).toContainEqual({ minConfidence: 0.5, enabled: true });
  });
});
