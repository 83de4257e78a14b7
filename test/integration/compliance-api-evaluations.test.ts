import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';
import { auditedActions } from '../helpers/compliance-fixtures.js';
import { call, createPlatformAdmin, createTenant, type Tenant } from '../helpers/tenants.js';

/**
 * Evaluations on demand: whoever may scan a source may evaluate it now (the scan does it
 * after every run); the history is visible to the source's readers, newest first.
 */
describe('compliance evaluations', () => {
  let api: AuthApi;
  let A: Tenant;
  let B: Tenant;

  beforeAll(async () => {
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '1000000' });
    const admin = await createPlatformAdmin(api.send, api.database.db);
    A = await createTenant(api, admin.token, 'evaluations-a');
    B = await createTenant(api, admin.token, 'evaluations-b');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('evaluates a source on demand for whoever may scan it, and lists evaluations newest first', async () => {
    const path = '/api/v1/compliance/evaluations';
    const body = { dataSourceId: A.dataSource.id };
    await call(api.send, A.members.viewer.token, 'POST', path, { body, expect: 404 });
    await call(api.send, B.members.admin.token, 'POST', path, { body, expect: 404 });
    const response = await call(api.send, A.members.data_engineer.token, 'POST', path, {
      body,
      expect: 200,
    });
    const summary = (await response.json()) as {
      evaluationId: string;
      failed: number;
      rules: number;
    };
    // The tenant's own column rule fails on its undescribed column.
    expect(summary.rules).toBeGreaterThanOrEqual(1);
    expect(summary.failed).toBeGreaterThanOrEqual(1);
    expect(await auditedActions(api.database.db, summary.evaluationId)).toEqual([
      'compliance.evaluate',
    ]);
    const history = await call(
      api.send,
      A.members.data_steward.token,
      'GET',
      `${path}?dataSourceId=${A.dataSource.id}`,
      {
        expect: 200,
      },
    );
    // Whole-source counts would tell a viewer about findings on assets they may not read.
    const viewer = await call(
      api.send,
      A.members.viewer.token,
      'GET',
      `${path}?dataSourceId=${A.dataSource.id}`,
      { expect: 200 },
    );
    expect(await viewer.json()).toEqual({ items: [], nextCursor: null });
    const { items } = (await history.json()) as {
      items: { id: string; requestedBy: string | null }[];
    };
    expect(items[0]).toMatchObject({
      id: summary.evaluationId,
      requestedBy: A.members.data_engineer.id,
    });
    const stranger = await call(
      api.send,
      B.members.admin.token,
      'GET',
      `${path}?dataSourceId=${A.dataSource.id}`,
      {
        expect: 200,
      },
    );
    expect(await stranger.json()).toEqual({ items: [], nextCursor: null });
  });

  it('pages the history by cursor', async () => {
    const path = '/api/v1/compliance/evaluations';
    const token = A.members.data_steward.token;
    for (let i = 0; i < 2; i++) {
      await call(api.send, token, 'POST', path, {
        body: { dataSourceId: A.dataSource.id },
        expect: 200,
      });
    }
    const all = await call(api.send, token, 'GET', `${path}?dataSourceId=${A.dataSource.id}`, {
      expect: 200,
    });
    const { items } = (await all.json()) as { items: { id: string; evaluatedAt: string }[] };
    expect(items.length).toBeGreaterThanOrEqual(3);
    const times = items.map((item) => item.evaluatedAt);
    expect(times).toEqual([...times].sort().reverse());
    const first = await call(
      api.send,
      token,
      'GET',
      `${path}?dataSourceId=${A.dataSource.id}&limit=1`,
      {
        expect: 200,
      },
    );
    const page = (await first.json()) as { items: { id: string }[]; nextCursor: string };
    const second = await call(
      api.send,
      token,
      'GET',
      `${path}?dataSourceId=${A.dataSource.id}&limit=1&cursor=${page.nextCursor}`,
      { expect: 200 },
    );
    expect([
      ...page.items,
      ...((await second.json()) as { items: { id: string }[] }).items,
    ]).toEqual(items.slice(0, 2).map(({ id }) => expect.objectContaining({ id })));
  });
});
