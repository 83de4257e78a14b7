import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';
import { snapshotDatabase } from '../helpers/db-snapshot.js';
import { call, createPlatformAdmin, createTenant, type Tenant } from '../helpers/tenants.js';

interface Problem {
  status: number;
  errors: { path: string; message: string }[];
}

const nest = (depth: number): unknown =>
  depth === 0 ? { field: 'dataset.personalData', op: 'eq', value: true } : { not: nest(depth - 1) };

/**
 * A posted rule is data checked by `parseRule`: every problem comes back at once as a 422
 * whose `errors` point into the body with JSON Pointers, and nothing is stored.
 */
describe('custom rule validation', () => {
  let api: AuthApi;
  let tenant: Tenant;

  beforeAll(async () => {
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '1000000' });
    const admin = await createPlatformAdmin(api.send, api.database.db);
    tenant = await createTenant(api, admin.token, 'rule-checks');
  });
  afterAll(async () => {
    await api?.close();
  });

  const post = async (fields: Record<string, unknown>, expectStatus = 422) => {
    const response = await call(
      api.send,
      tenant.members.data_steward.token,
      'POST',
      '/api/v1/compliance/rules',
      {
        body: {
          workspaceId: tenant.workspace.id,
          id: 'checked-rule',
          framework: 'Internal',
          title: 'A rule that is checked',
          references: ['Policy 1'],
          severity: 'high',
          target: 'dataset',
          when: { field: 'dataset.personalData', op: 'eq', value: true },
          require: { field: 'dataset.owners', op: 'isSet' },
          remediation: 'Name an owner for the dataset.',
          ...fields,
        },
        expect: expectStatus,
      },
    );
    if (expectStatus >= 400) {
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    return (await response.json()) as Problem;
  };

  it('points at an unknown field inside a combinator', async () => {
    const problem = await post({
      when: {
        all: [
          { field: 'dataset.personalData', op: 'eq', value: true },
          { field: 'dataset.ownr', op: 'isSet' },
        ],
      },
    });
    expect(problem.status).toBe(422);
    expect(problem.errors).toEqual([
      {
        path: '/when/all/1/field',
        message: expect.stringContaining('unknown field "dataset.ownr"'),
      },
    ]);
  });

  it('points at an unknown operator and at a literal that does not fit', async () => {
    const problem = await post({
      require: {
        any: [
          { field: 'dataset.owners', op: 'matches' },
          { field: 'dataset.rowEstimate', op: 'gt', value: 'many' },
        ],
      },
    });
    expect(problem.errors).toEqual([
      { path: '/require/any/0/op', message: expect.stringContaining('unknown operator') },
      { path: '/require/any/1/value', message: 'expected a number' },
    ]);
  });

  it('refuses conditions nested deeper than 8 levels', async () => {
    const problem = await post({ when: nest(8) });
    expect(problem.errors).toEqual([
      { path: `/when${'/not'.repeat(8)}`, message: 'nested deeper than 8 levels' },
    ]);
    // Eight levels are fine.
    await post({ when: nest(7) }, 201);
  });

  it('treats __proto__ and constructor as unknown names, never as the prototype', async () => {
    const asField = await post({ when: { field: '__proto__', op: 'isSet' } });
    expect(asField.errors).toEqual([
      { path: '/when/field', message: expect.stringContaining('unknown field "__proto__"') },
    ]);
    const text = `{"workspaceId":"${tenant.workspace.id}","id":"proto-rule","framework":"Internal",
      "title":"A rule that is checked","references":["Policy 1"],"severity":"high","target":"dataset",
      "when":{"__proto__":{"field":"dataset.name","op":"isSet"}},
      "require":{"constructor":{"field":"dataset.name","op":"isSet"}},
      "remediation":"Name an owner for the dataset."}`;
    const response = await api.send('/api/v1/compliance/rules', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${tenant.members.data_steward.token}`,
        'Content-Type': 'application/json',
      },
      body: text,
    });
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as Problem;
    expect(errors.map((e) => e.path)).toEqual(['/when/__proto__', '/require/constructor']);
    expect(({} as Record<string, unknown>).field).toBeUndefined();
  });

  it('reports every problem of the rule at once, the API’s own fields included', async () => {
    const before = await snapshotDatabase(api.database.db);
    const problem = await post({
      id: 'Not An Id',
      title: 'x',
      references: [],
      severity: 'urgent',
      framework: 'X',
      pack: 'Bad Pack',
      evidence: ['dataset.nope'],
    });
    expect(problem.errors.map((e) => e.path).sort()).toEqual(
      ['/framework', '/id', '/pack', '/references', '/severity', '/title'].sort(),
    );
    expect(await snapshotDatabase(api.database.db)).toEqual(before);
  });

  it('checks the fields of a column rule against its scope', async () => {
    const problem = await post({
      target: 'dataset',
      require: { field: 'column.name', op: 'isSet' },
    });
    expect(problem.errors).toEqual([
      { path: '/require/field', message: expect.stringContaining('needs a column') },
    ]);
    await post(
      { id: 'column-ok', target: 'column', require: { field: 'column.name', op: 'isSet' } },
      201,
    );
  });
});
