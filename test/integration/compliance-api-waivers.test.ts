import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';
import {
  auditedActions,
  insertAsset,
  insertEvaluation,
  insertResult,
} from '../helpers/compliance-fixtures.js';
import { call, createPlatformAdmin, createTenant, type Tenant } from '../helpers/tenants.js';

interface Waiver {
  id: string;
  status: string;
  effective: boolean;
  requestedBy: string | null;
  decidedBy: string | null;
  decisionNote: string | null;
  version: number;
}

const DAY = 24 * 3600 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/**
 * The waiver lifecycle: engineers ask, stewards decide, an approved waiver makes its finding
 * `waived` until it expires (then the finding is open again with no job), requesters withdraw
 * their requests, stewards revoke approvals; each change is audited; one live waiver per
 * finding; waivers are as visible as their findings.
 */
describe('compliance waivers', () => {
  let api: AuthApi;
  let A: Tenant;
  let B: Tenant;
  let finding: string;
  let resolved: string;
  let restricted: string;

  beforeAll(async () => {
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '1000000' });
    const admin = await createPlatformAdmin(api.send, api.database.db);
    A = await createTenant(api, admin.token, 'waivers-a');
    B = await createTenant(api, admin.token, 'waivers-b');
    const db = api.database.db;
    const base = { workspaceId: A.workspace.id, dataSourceId: A.dataSource.id };
    const table = await insertAsset(db, { ...base, kind: 'table', fqn: 'db.public.visits' });
    const secret = await insertAsset(db, {
      ...base,
      kind: 'column',
      fqn: 'db.public.visits.diagnosis',
      parentId: table,
      sensitivity: 'restricted',
    });
    const evaluationId = await insertEvaluation(db, base);
    const result = (assetId: string, ruleId: string, status: 'fail' | 'pass', resolvedAt?: Date) =>
      insertResult(db, { ...base, evaluationId, assetId, ruleId, status, resolvedAt });
    finding = await result(table, 'waiver-rule', 'fail');
    resolved = await result(table, 'waiver-resolved', 'pass', new Date());
    restricted = await result(secret, 'waiver-rule', 'fail');
  });
  afterAll(async () => {
    await api?.close();
  });

  const ask = (token: string, id: string, body: object, expect: number) =>
    call(api.send, token, 'POST', `/api/v1/compliance/findings/${id}/waivers`, { body, expect });
  const stateOf = async (id: string) => {
    const response = await call(
      api.send,
      A.members.viewer.token,
      'GET',
      `/api/v1/compliance/findings/${id}`,
      {
        expect: 200,
      },
    );
    return ((await response.json()) as { state: string }).state;
  };
  const decide = (
    token: string,
    id: string,
    verb: string,
    etag: string | null,
    expect: number,
    body?: object,
  ) =>
    call(api.send, token, 'POST', `/api/v1/compliance/waivers/${id}/${verb}`, {
      body,
      headers: etag ? { 'If-Match': etag } : {},
      expect,
    });
  const revoke = (token: string, id: string, etag: string, expect: number) =>
    call(api.send, token, 'DELETE', `/api/v1/compliance/waivers/${id}`, {
      headers: { 'If-Match': etag },
      expect,
    });

  it('checks the request: expiry ahead and within a year, the finding failing, the asker allowed', async () => {
    const engineer = A.members.data_engineer.token;
    const past = await ask(
      engineer,
      finding,
      { reason: 'Fixed next sprint.', expiresAt: inDays(-1) },
      422,
    );
    expect(await past.json()).toMatchObject({ status: 422, errors: [{ path: '/expiresAt' }] });
    await ask(engineer, finding, { reason: 'Fixed next sprint.', expiresAt: inDays(400) }, 422);
    await ask(engineer, finding, { reason: 'short', expiresAt: inDays(10) }, 400);
    await ask(engineer, resolved, { reason: 'Fixed next sprint.', expiresAt: inDays(10) }, 409);
    // Viewers read findings but may not excuse them; strangers do not see them.
    await ask(
      A.members.viewer.token,
      finding,
      { reason: 'Fixed next sprint.', expiresAt: inDays(10) },
      404,
    );
    await ask(
      B.members.admin.token,
      finding,
      { reason: 'Fixed next sprint.', expiresAt: inDays(10) },
      404,
    );
    // Engineers read up to confidential: a restricted asset's finding is not theirs to see.
    await ask(engineer, restricted, { reason: 'Fixed next sprint.', expiresAt: inDays(10) }, 404);
  });

  it('engineer asks, steward approves with If-Match: the finding is waived until the waiver expires', async () => {
    const asked = await ask(
      A.members.data_engineer.token,
      finding,
      { reason: 'Fixed next sprint, see JIRA-12.', expiresAt: inDays(30) },
      201,
    );
    const waiver = (await asked.json()) as Waiver;
    expect(waiver).toMatchObject({
      status: 'requested',
      effective: false,
      requestedBy: A.members.data_engineer.id,
    });
    expect(asked.headers.get('location')).toBe(`/api/v1/compliance/waivers/${waiver.id}`);
    await ask(
      A.members.data_engineer.token,
      finding,
      { reason: 'A second request.', expiresAt: inDays(5) },
      409,
    );
    expect(await stateOf(finding)).toBe('open');

    const steward = A.members.data_steward.token;
    await decide(A.members.data_engineer.token, waiver.id, 'approve', '*', 404);
    await decide(steward, waiver.id, 'approve', null, 428);
    await decide(steward, waiver.id, 'approve', '"compliance-waiver.x.9"', 412);
    const approved = await decide(steward, waiver.id, 'approve', asked.headers.get('etag'), 200, {
      note: 'OK until then.',
    });
    expect(await approved.json()).toMatchObject({
      status: 'approved',
      effective: true,
      decidedBy: A.members.data_steward.id,
      decisionNote: 'OK until then.',
      version: 2,
    });
    expect(await stateOf(finding)).toBe('waived');
    await decide(steward, waiver.id, 'reject', approved.headers.get('etag'), 409);

    await api.database.db
      .updateTable('compliance_waivers')
      .set({ expires_at: sql`now() - interval '1 minute'` })
      .where('id', '=', waiver.id)
      .execute();
    expect(await stateOf(finding)).toBe('open');
    const open = await call(
      api.send,
      steward,
      'GET',
      `/api/v1/compliance/findings?state=open&ruleId=waiver-rule`,
      {
        expect: 200,
      },
    );
    expect(await open.json()).toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ id: finding })]),
    });
    expect(await auditedActions(api.database.db, waiver.id)).toEqual([
      'compliance-waiver.request',
      'compliance-waiver.approve',
    ]);

    // A lapsed approval does not block a new request; it is closed as it is replaced.
    const again = await ask(
      A.members.data_engineer.token,
      finding,
      { reason: 'Still needed for a week.', expiresAt: inDays(7) },
      201,
    );
    const expired = await call(
      api.send,
      steward,
      'GET',
      `/api/v1/compliance/waivers/${waiver.id}`,
      { expect: 200 },
    );
    expect(await expired.json()).toMatchObject({ status: 'revoked' });
    const rejected = await decide(
      steward,
      ((await again.json()) as Waiver).id,
      'reject',
      again.headers.get('etag'),
      200,
      {
        note: 'Fix it now.',
      },
    );
    expect(await rejected.json()).toMatchObject({
      status: 'rejected',
      decisionNote: 'Fix it now.',
    });
    expect(await stateOf(finding)).toBe('open');
  });

  it('lets a requester withdraw a request but not an approval; stewards revoke approvals', async () => {
    const engineer = A.members.data_engineer.token;
    const steward = A.members.data_steward.token;
    const asked = await ask(
      engineer,
      finding,
      { reason: 'Withdrawn shortly after.', expiresAt: inDays(3) },
      201,
    );
    const { id } = (await asked.json()) as Waiver;
    await revoke(A.members.viewer.token, id, '*', 404);
    const withdrawn = await revoke(engineer, id, asked.headers.get('etag')!, 200);
    expect(await withdrawn.json()).toMatchObject({ status: 'revoked' });
    await revoke(engineer, id, withdrawn.headers.get('etag')!, 409);

    const second = await ask(
      engineer,
      finding,
      { reason: 'Approved then revoked.', expiresAt: inDays(3) },
      201,
    );
    const secondId = ((await second.json()) as Waiver).id;
    const approved = await decide(steward, secondId, 'approve', second.headers.get('etag'), 200);
    await revoke(engineer, secondId, approved.headers.get('etag')!, 409);
    expect(await stateOf(finding)).toBe('waived');
    await revoke(steward, secondId, approved.headers.get('etag')!, 200);
    expect(await stateOf(finding)).toBe('open');
    expect(await auditedActions(api.database.db, secondId)).toEqual([
      'compliance-waiver.request',
      'compliance-waiver.approve',
      'compliance-waiver.revoke',
    ]);
  });

  it('approves a steward’s own request at once, and shows waivers only with their findings', async () => {
    const asked = await ask(
      A.members.data_steward.token,
      restricted,
      { reason: 'Accepted risk, see memo 4.', expiresAt: inDays(90) },
      201,
    );
    const waiver = (await asked.json()) as Waiver;
    expect(waiver).toMatchObject({
      status: 'approved',
      effective: true,
      decidedBy: A.members.data_steward.id,
    });
    expect(await auditedActions(api.database.db, waiver.id)).toEqual(['compliance-waiver.grant']);
    const listed = async (token: string, query = '') => {
      const response = await call(
        api.send,
        token,
        'GET',
        `/api/v1/compliance/waivers?limit=200${query}`,
        { expect: 200 },
      );
      return ((await response.json()) as { items: Waiver[] }).items.map((item) => item.id);
    };
    expect(await listed(A.members.data_steward.token, '&status=approved')).toEqual([waiver.id]);
    expect(await listed(A.members.viewer.token)).not.toContain(waiver.id);
    expect(await listed(A.members.viewer.token)).toContain(A.compliance.waiverId);
    await call(api.send, A.members.viewer.token, 'GET', `/api/v1/compliance/waivers/${waiver.id}`, {
      expect: 404,
    });
    expect(await listed(B.members.admin.token, `&workspaceId=${A.workspace.id}`)).toEqual([]);
    await call(api.send, B.members.admin.token, 'GET', `/api/v1/compliance/waivers/${waiver.id}`, {
      expect: 404,
    });
  });
});
