import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFindingsWorld,
  type Finding,
  type FindingsPage,
  type FindingsWorld,
} from '../helpers/compliance-warehouse.js';
import { call } from '../helpers/tenants.js';

/**
 * Findings as readers see them: filtered in SQL by what each may read of the assets, by the
 * query's filters and by state (derived from the result and its waiver), paged by cursor,
 * each with the rule in force and its history.
 */
describe('compliance findings', () => {
  let w: FindingsWorld;

  beforeAll(async () => {
    w = await startFindingsWorld('findings');
  });
  afterAll(async () => {
    await w?.close();
  });

  const ids = async (token: string, query = '') =>
    (await w.list(token, query)).items.map((item) => item.id);

  it('shows each role the open findings of the assets it may read, newest failure first', async () => {
    expect(await ids(w.A.members.viewer.token)).toEqual([w.findings.typed, w.findings.custom]);
    expect(await ids(w.A.members.data_engineer.token)).toEqual([
      w.findings.typed,
      w.findings.custom,
      w.findings.gone,
    ]);
    expect(await ids(w.A.members.data_steward.token)).toEqual([
      w.findings.typed,
      w.findings.custom,
      w.findings.gone,
      w.findings.restricted,
    ]);
    for (const role of ['viewer', 'data_engineer', 'data_steward', 'admin'] as const) {
      expect(await ids(w.B.members[role].token), role).toEqual([]);
      const all = await call(
        w.api.send,
        w.B.members[role].token,
        'GET',
        '/api/v1/compliance/findings?limit=200',
        { expect: 200 },
      );
      expect(await all.text()).not.toContain(w.A.workspace.id);
    }
  });

  it('derives the state and filters by it, severity, framework, rule and asset', async () => {
    const steward = w.A.members.data_steward.token;
    const waived = await w.list(steward, '&state=waived');
    expect(waived.items).toMatchObject([
      { id: w.findings.waived, state: 'waived', waiver: { status: 'approved' } },
    ]);
    expect(await ids(steward, '&state=resolved')).toEqual([w.findings.resolved]);
    expect(await ids(w.A.members.viewer.token, '&state=resolved')).toEqual([w.findings.resolved]);
    expect(await ids(steward, '&severity=critical')).toEqual([
      w.findings.gone,
      w.findings.restricted,
    ]);
    expect(await ids(steward, '&severity=low&severity=critical')).toEqual([
      w.findings.typed,
      w.findings.gone,
      w.findings.restricted,
    ]);
    expect(await ids(steward, '&framework=Internal')).toEqual([w.findings.custom]);
    expect(await ids(steward, '&ruleId=testfw-column-typed')).toEqual([
      w.findings.typed,
      w.findings.restricted,
    ]);
    const [{ asset }] = (await w.list(steward, '&severity=critical')).items as [Finding];
    expect(asset.fqn).toBe('wh.public.people.ssn');
    await call(w.api.send, steward, 'GET', '/api/v1/compliance/findings?state=closed', {
      expect: 400,
    });
  });

  it('pages by cursor without gaps or repeats, and refuses a tampered cursor', async () => {
    const steward = w.A.members.data_steward.token;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: FindingsPage = await w.list(
        steward,
        `&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([
      w.findings.typed,
      w.findings.custom,
      w.findings.gone,
      w.findings.restricted,
    ]);
    const bad = Buffer.from(JSON.stringify({ at: "x' or 1=1", id: w.findings.typed })).toString(
      'base64url',
    );
    await call(w.api.send, steward, 'GET', `/api/v1/compliance/findings?cursor=${bad}`, {
      expect: 400,
    });
  });

  it('names the rule in force: built-in, custom, or none when it is gone; with history', async () => {
    const get = async (id: string, token = w.A.members.data_steward.token, expect = 200) =>
      (await (
        await call(w.api.send, token, 'GET', `/api/v1/compliance/findings/${id}`, { expect })
      ).json()) as Finding;
    expect(await get(w.findings.typed)).toMatchObject({
      ruleTitle: 'Columns have a type',
      references: ['TESTFW 2'],
      remediation: 'Give the column a data type.',
      history: [{ from: null, to: 'fail' }],
    });
    expect(await get(w.findings.custom)).toMatchObject({
      ruleTitle: '-Dangerous title',
      references: ['Policy 7'],
    });
    expect(await get(w.findings.gone)).toMatchObject({
      ruleTitle: null,
      references: [],
      remediation: null,
    });
    await get(w.findings.gone, w.A.members.viewer.token, 404);
    await get(w.findings.restricted, w.A.members.data_engineer.token, 404);
    await get(w.findings.restricted, w.B.members.admin.token, 404);
    // A result that never failed is not a finding.
    await get(w.findings.passing, w.A.members.admin.token, 404);
  });
});
