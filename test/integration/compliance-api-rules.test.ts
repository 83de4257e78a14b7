import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, login } from '../helpers/auth.js';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';
import { packsDir } from '../helpers/compliance-fixtures.js';
import { call, createPlatformAdmin, createTenant, type Tenant } from '../helpers/tenants.js';

interface Rule {
  id: string;
  builtIn: boolean;
  workspaceId: string | null;
  framework: string;
  pack: string;
  title: string;
  severity: string;
  target: string;
  version: number | null;
}

/** The body of a rule replacement (`PUT`): everything but the workspace and the id. */
const ruleBody = (extra: Record<string, unknown> = {}) => ({
  framework: 'Internal',
  title: 'Datasets with personal data have owners',
  references: ['Policy 4.2'],
  severity: 'high',
  target: 'dataset',
  when: { field: 'dataset.personalData', op: 'eq', value: true },
  require: { field: 'dataset.owners', op: 'isSet' },
  remediation: 'Name an owner for the dataset.',
  ...extra,
});

const rule = (workspaceId: string, id: string, extra: Record<string, unknown> = {}) => ({
  workspaceId,
  id,
  ...ruleBody(extra),
});

describe('compliance rules and packs', () => {
  let api: AuthApi;
  let dir: string;
  let A: Tenant;
  let B: Tenant;

  beforeAll(async () => {
    dir = packsDir();
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '1000000', COMPLIANCE_PACKS_DIR: dir });
    const admin = await createPlatformAdmin(api.send, api.database.db);
    A = await createTenant(api, admin.token, 'rules-a');
    B = await createTenant(api, admin.token, 'rules-b');
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async <T>(token: string, path: string, expect = 200) =>
    (await (await call(api.send, token, 'GET', path, { expect })).json()) as T;

  it('lists the loaded packs to everyone and rejected files only to stewards and admins', async () => {
    const viewer = await get<{ items: { id: string }[]; problems?: unknown }>(
      A.members.viewer.token,
      '/api/v1/compliance/packs',
    );
    expect(viewer.items).toContainEqual({
      id: 'testpack',
      framework: 'TESTFW',
      title: 'Test framework pack',
      version: '1.2.0',
      description: null,
      rules: 2,
    });
    expect(viewer.problems).toBeUndefined();
    const steward = await get<{ problems: { file: string; issues: unknown[] }[] }>(
      A.members.data_steward.token,
      '/api/v1/compliance/packs',
    );
    const broken = steward.problems.find((problem) => problem.file === 'broken.json');
    expect(broken?.issues.length).toBeGreaterThan(0);
    // A file's name only: never the server's folders.
    expect(JSON.stringify(steward.problems)).not.toContain(dir);
    expect(JSON.stringify(steward.problems)).not.toContain(process.cwd());
  });

  it('lists built-in rules and the workspace’s own, filtered', async () => {
    const { items } = await get<{ items: Rule[] }>(
      A.members.viewer.token,
      '/api/v1/compliance/rules?limit=200',
    );
    expect(items.find((r) => r.id === 'testfw-described')).toMatchObject({
      builtIn: true,
      workspaceId: null,
      pack: 'testpack',
      version: null,
    });
    expect(items.find((r) => r.id === A.compliance.ruleId)).toMatchObject({
      builtIn: false,
      workspaceId: A.workspace.id,
      framework: 'Tenant',
      version: 1,
    });
    expect(items.some((r) => r.id === B.compliance.ruleId)).toBe(false);
    const filtered = async (query: string) =>
      (
        await get<{ items: Rule[] }>(A.members.viewer.token, `/api/v1/compliance/rules?${query}`)
      ).items.map((r) => r.id);
    expect(await filtered('framework=TESTFW')).toEqual(['testfw-column-typed', 'testfw-described']);
    expect(await filtered('severity=high&pack=testpack')).toEqual(['testfw-described']);
    expect(await filtered('target=column&framework=Tenant')).toEqual([A.compliance.ruleId]);
    expect(await filtered(`workspaceId=${B.workspace.id}&framework=Tenant`)).toEqual([]);
  });

  it('asks a member of several workspaces which one', async () => {
    const user = await createTestUser(api.database.db, {
      memberships: [
        { workspaceId: A.workspace.id, role: 'viewer' },
        { workspaceId: B.workspace.id, role: 'viewer' },
      ],
    });
    const { accessToken } = await login(api.send, user);
    const refused = await call(api.send, accessToken, 'GET', '/api/v1/compliance/rules', {
      expect: 400,
    });
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    const ids = (
      await get<{ items: Rule[] }>(
        accessToken,
        `/api/v1/compliance/rules?limit=200&workspaceId=${B.workspace.id}`,
      )
    ).items.map((r) => r.id);
    expect(ids).toContain(B.compliance.ruleId);
    expect(ids).not.toContain(A.compliance.ruleId);
  });

  it('pages built-in and custom rules together by id, without gaps or repeats', async () => {
    const token = A.members.data_steward.token;
    for (const id of ['page-a', 'page-b.x', 'page-c', 'testfw-d']) {
      await call(api.send, token, 'POST', '/api/v1/compliance/rules', {
        body: rule(A.workspace.id, id),
        expect: 201,
      });
    }
    const all = (await get<{ items: Rule[] }>(token, '/api/v1/compliance/rules?limit=200')).items;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page: { items: Rule[]; nextCursor: string | null } = await get(
        token,
        `/api/v1/compliance/rules?limit=2${query}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((r) => r.id));
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(
      expect.arrayContaining(['page-a', 'page-b.x', 'testfw-d', 'testfw-described']),
    );
  });

  it('creates, reads, replaces and deletes a custom rule with If-Match, audited', async () => {
    const steward = A.members.data_steward.token;
    const created = await call(api.send, steward, 'POST', '/api/v1/compliance/rules', {
      body: rule(A.workspace.id, 'acme-owners', { pack: 'acme' }),
      expect: 201,
    });
    const etag = created.headers.get('etag')!;
    expect(created.headers.get('location')).toContain('/api/v1/compliance/rules/acme-owners');
    expect(await created.json()).toMatchObject({ id: 'acme-owners', pack: 'acme', enabled: true });
    const stored = await api.database.db
      .selectFrom('compliance_rules')
      .select(['definition', 'pack'])
      .where('rule_id', '=', 'acme-owners')
      .executeTakeFirstOrThrow();
    // The evaluation reads `framework` from the definition and the pack from its column.
    expect(stored.definition).toMatchObject({ id: 'acme-owners', framework: 'Internal' });
    expect(stored.definition).not.toHaveProperty('pack');

    const path = `/api/v1/compliance/rules/acme-owners?workspaceId=${A.workspace.id}`;
    const read = await call(api.send, A.members.viewer.token, 'GET', path, { expect: 200 });
    expect(read.headers.get('etag')).toBe(etag);

    const replacement = ruleBody({ severity: 'critical', enabled: false });
    await call(api.send, steward, 'PUT', path, { body: replacement, expect: 428 });
    await call(api.send, steward, 'PUT', path, {
      body: replacement,
      headers: { 'If-Match': '"compliance-rule.x.1"' },
      expect: 412,
    });
    await call(api.send, A.members.data_engineer.token, 'PUT', path, {
      body: replacement,
      headers: { 'If-Match': etag },
      expect: 404,
    });
    const replaced = await call(api.send, steward, 'PUT', path, {
      body: replacement,
      headers: { 'If-Match': etag },
      expect: 200,
    });
    expect(await replaced.json()).toMatchObject({
      severity: 'critical',
      enabled: false,
      pack: 'acme',
      version: 2,
    });
    await call(api.send, steward, 'DELETE', path, { headers: { 'If-Match': etag }, expect: 412 });
    await call(api.send, steward, 'DELETE', path, {
      headers: { 'If-Match': replaced.headers.get('etag')! },
      expect: 204,
    });
    await call(api.send, steward, 'GET', path, { expect: 404 });

    const actions = await api.database.db
      .selectFrom('audit_log')
      .select(['action', 'workspace_id'])
      .where('object_type', '=', 'compliance-rule')
      .where('actor_user_id', '=', A.members.data_steward.id)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action).slice(-3)).toEqual([
      'compliance-rule.create',
      'compliance-rule.update',
      'compliance-rule.delete',
    ]);
  });

  it('leaves rule writes to stewards and admins of the workspace', async () => {
    for (const token of [
      A.members.viewer.token,
      A.members.data_engineer.token,
      B.members.admin.token,
    ]) {
      await call(api.send, token, 'POST', '/api/v1/compliance/rules', {
        body: rule(A.workspace.id, 'not-allowed'),
        expect: 404,
      });
    }
    await call(api.send, A.members.admin.token, 'POST', '/api/v1/compliance/rules', {
      body: rule(A.workspace.id, 'admin-rule'),
      expect: 201,
    });
  });

  it('refuses an id taken by a built-in rule or by the workspace with 409', async () => {
    const token = A.members.data_steward.token;
    const builtIn = await call(api.send, token, 'POST', '/api/v1/compliance/rules', {
      body: rule(A.workspace.id, 'testfw-described'),
      expect: 409,
    });
    expect(await builtIn.text()).toContain('built-in');
    await call(api.send, token, 'POST', '/api/v1/compliance/rules', {
      body: rule(A.workspace.id, A.compliance.ruleId),
      expect: 409,
    });
    // Another workspace may use the same id for a rule of its own.
    await call(api.send, B.members.data_steward.token, 'POST', '/api/v1/compliance/rules', {
      body: rule(B.workspace.id, A.compliance.ruleId),
      expect: 201,
    });
    await call(api.send, token, 'PUT', '/api/v1/compliance/rules/testfw-described', {
      body: ruleBody(),
      headers: { 'If-Match': '*' },
      expect: 409,
    });
    await call(api.send, token, 'DELETE', '/api/v1/compliance/rules/testfw-described', {
      headers: { 'If-Match': '*' },
      expect: 409,
    });
  });
});
