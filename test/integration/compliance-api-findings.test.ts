import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';
import { packsDir } from '../helpers/compliance-fixtures.js';
import { seedWarehouse, type WarehouseFindings } from '../helpers/compliance-warehouse.js';
import { call, createPlatformAdmin, createTenant, type Tenant } from '../helpers/tenants.js';

interface Finding {
  id: string;
  state: string;
  ruleId: string;
  ruleTitle: string | null;
  references: string[];
  remediation: string | null;
  severity: string;
  asset: { fqn: string; sensitivity: string };
  waiver: { status: string } | null;
  history?: { from: string | null; to: string }[];
}
type Page = { items: Finding[]; nextCursor: string | null };

/**
 * Findings as readers see them: filtered in SQL by what each may read of the assets, by the
 * query's filters and by state (derived from the result and its waiver), paged by cursor,
 * each with the rule in force and its history.
 */
describe('compliance findings', () => {
  let api: AuthApi;
  let dir: string;
  let A: Tenant;
  let B: Tenant;
  let sourceId: string;
  let f: WarehouseFindings;

  beforeAll(async () => {
    dir = packsDir();
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '1000000', COMPLIANCE_PACKS_DIR: dir });
    const admin = await createPlatformAdmin(api.send, api.database.db);
    A = await createTenant(api, admin.token, 'findings-a');
    B = await createTenant(api, admin.token, 'findings-b');
    ({ sourceId, findings: f } = await seedWarehouse(api, A));
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = async (token: string, query = '') =>
    (await (
      await call(
        api.send,
        token,
        'GET',
        `/api/v1/compliance/findings?dataSourceId=${sourceId}${query}`,
        { expect: 200 },
      )
    ).json()) as Page;
  const ids = async (token: string, query = '') =>
    (await list(token, query)).items.map((item) => item.id);

  it('shows each role the open findings of the assets it may read, newest failure first', async () => {
    expect(await ids(A.members.viewer.token)).toEqual([f.typed, f.custom]);
    expect(await ids(A.members.data_engineer.token)).toEqual([f.typed, f.custom, f.gone]);
    expect(await ids(A.members.data_steward.token)).toEqual([
      f.typed,
      f.custom,
      f.gone,
      f.restricted,
    ]);
    for (const role of ['viewer', 'data_engineer', 'data_steward', 'admin'] as const) {
      expect(await ids(B.members[role].token), role).toEqual([]);
      const all = await call(
        api.send,
        B.members[role].token,
        'GET',
        '/api/v1/compliance/findings?limit=200',
        { expect: 200 },
      );
      expect(await all.text()).not.toContain(A.workspace.id);
    }
  });

  it('derives the state and filters by it, severity, framework, rule and asset', async () => {
    const steward = A.members.data_steward.token;
    const waived = await list(steward, '&state=waived');
    expect(waived.items).toMatchObject([
      { id: f.waived, state: 'waived', waiver: { status: 'approved' } },
    ]);
    expect(await ids(steward, '&state=resolved')).toEqual([f.resolved]);
    expect(await ids(A.members.viewer.token, '&state=resolved')).toEqual([f.resolved]);
    expect(await ids(steward, '&severity=critical')).toEqual([f.gone, f.restricted]);
    expect(await ids(steward, '&severity=low&severity=critical')).toEqual([
      f.typed,
      f.gone,
      f.restricted,
    ]);
    expect(await ids(steward, '&framework=Internal')).toEqual([f.custom]);
    expect(await ids(steward, '&ruleId=testfw-column-typed')).toEqual([f.typed, f.restricted]);
    const [{ asset }] = (await list(steward, '&severity=critical')).items as [Finding];
    expect(asset.fqn).toBe('wh.public.people.ssn');
    await call(api.send, steward, 'GET', '/api/v1/compliance/findings?state=closed', {
      expect: 400,
    });
  });

  it('pages by cursor without gaps or repeats, and refuses a tampered cursor', async () => {
    const steward = A.members.data_steward.token;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(steward, `&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([f.typed, f.custom, f.gone, f.restricted]);
    const bad = Buffer.from(JSON.stringify({ at: "x' or 1=1", id: f.typed })).toString('base64url');
    await call(api.send, steward, 'GET', `/api/v1/compliance/findings?cursor=${bad}`, {
      expect: 400,
    });
  });

  it('names the rule in force: built-in, custom, or none when it is gone; with history', async () => {
    const get = async (id: string, token = A.members.data_steward.token, expect = 200) =>
      (await (
        await call(api.send, token, 'GET', `/api/v1/compliance/findings/${id}`, { expect })
      ).json()) as Finding;
    expect(await get(f.typed)).toMatchObject({
      ruleTitle: 'Columns have a type',
      references: ['TESTFW 2'],
      remediation: 'Give the column a data type.',
      history: [{ from: null, to: 'fail' }],
    });
    expect(await get(f.custom)).toMatchObject({
      ruleTitle: '-Dangerous title',
      references: ['Policy 7'],
    });
    expect(await get(f.gone)).toMatchObject({ ruleTitle: null, references: [], remediation: null });
    await get(f.gone, A.members.viewer.token, 404);
    await get(f.restricted, A.members.data_engineer.token, 404);
    await get(f.restricted, B.members.admin.token, 404);
    // A result that never failed is not a finding.
    await get(f.passing, A.members.admin.token, 404);
  });
});
