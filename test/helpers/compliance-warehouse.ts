import { rmSync } from 'node:fs';
import { startAuthApi, type AuthApi } from './auth-api.js';
import { insertAsset, insertEvaluation, insertResult, packsDir } from './compliance-fixtures.js';
import { call, createPlatformAdmin, createTenant, type Tenant } from './tenants.js';

const HOUR = 3600 * 1000;
const ago = (ms: number) => new Date(Date.now() - ms);

/** The findings `seedWarehouse` writes, by what makes each one a case. */
export type WarehouseFindings = Record<
  'typed' | 'custom' | 'gone' | 'restricted' | 'waived' | 'resolved' | 'passing',
  string
>;

/**
 * A second data source of the tenant, `warehouse`, with a table whose columns span the
 * sensitivity levels, two evaluations (for the trend: 2 failed, then 5 with 3 opened and 1
 * resolved) and results covering every case: open on public, internal, confidential and
 * restricted assets, of a built-in rule (the test pack's), a custom rule (`wh-custom`, whose
 * title and remediation start like formulas) and a rule that no longer exists; one waived,
 * one resolved, one that never failed. Failing columns of `typed` look like formulas too.
 *
 * @example
 * const { sourceId, findings } = await seedWarehouse(api, tenant);
 */
export async function seedWarehouse(
  api: AuthApi,
  A: Tenant,
): Promise<{ sourceId: string; findings: WarehouseFindings }> {
  const f = {} as WarehouseFindings;
  await call(api.send, A.members.data_steward.token, 'POST', '/api/v1/compliance/rules', {
    body: {
      workspaceId: A.workspace.id,
      id: 'wh-custom',
      framework: 'Internal',
      title: '-Dangerous title',
      references: ['Policy 7'],
      severity: 'high',
      target: 'column',
      when: { field: 'column.name', op: 'isSet' },
      require: { field: 'column.description', op: 'isSet' },
      remediation: '@SUM(1) then, "describe" it',
    },
    expect: 201,
  });

  const db = api.database.db;
  const workspaceId = A.workspace.id;
  const { id: sourceId } = await db
    .insertInto('data_sources')
    .values({ workspace_id: workspaceId, name: 'warehouse', scanner: 'postgres', settings: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const base = { workspaceId, dataSourceId: sourceId };
  const table = await insertAsset(db, { ...base, kind: 'table', fqn: 'wh.public.people' });
  const column = (
    name: string,
    sensitivity: 'public' | 'internal' | 'confidential' | 'restricted',
  ) =>
    insertAsset(db, {
      ...base,
      kind: 'column',
      fqn: `wh.public.people.${name}`,
      parentId: table,
      sensitivity,
    });
  const email = await column('email', 'public');
  const phone = await column('phone', 'internal');
  const ssn = await column('ssn', 'confidential');
  const diagnosis = await column('diagnosis', 'restricted');
  await insertEvaluation(db, { ...base, failed: 2, opened: 2, at: ago(48 * HOUR) });
  const evaluationId = await insertEvaluation(db, {
    ...base,
    failed: 5,
    opened: 3,
    resolved: 1,
    at: ago(24 * HOUR),
  });
  const result = (
    input: Omit<
      Parameters<typeof insertResult>[1],
      'workspaceId' | 'dataSourceId' | 'evaluationId'
    >,
  ) => insertResult(db, { ...base, evaluationId, ...input });
  f.typed = await result({
    assetId: email,
    ruleId: 'testfw-column-typed',
    framework: 'TESTFW',
    severity: 'low',
    status: 'fail',
    openedAt: ago(1 * HOUR),
    evidence: { fields: {}, columns: [], failing: ['=HYPERLINK("http://evil.example")', '+cmd'] },
  });
  f.custom = await result({
    assetId: phone,
    ruleId: 'wh-custom',
    framework: 'Internal',
    severity: 'high',
    status: 'fail',
    openedAt: ago(2 * HOUR),
  });
  f.gone = await result({
    assetId: ssn,
    ruleId: 'gone-rule',
    framework: 'TESTFW',
    severity: 'critical',
    status: 'fail',
    openedAt: ago(3 * HOUR),
  });
  f.restricted = await result({
    assetId: diagnosis,
    ruleId: 'testfw-column-typed',
    framework: 'TESTFW',
    severity: 'critical',
    status: 'fail',
    openedAt: ago(4 * HOUR),
  });
  f.waived = await result({
    assetId: table,
    ruleId: 'testfw-described',
    framework: 'TESTFW',
    severity: 'high',
    status: 'fail',
    openedAt: ago(5 * HOUR),
  });
  f.resolved = await result({
    assetId: email,
    ruleId: 'wh-custom',
    framework: 'Internal',
    severity: 'high',
    status: 'pass',
    openedAt: ago(10 * HOUR),
    resolvedAt: ago(HOUR / 2),
  });
  f.passing = await result({
    assetId: phone,
    ruleId: 'testfw-column-typed',
    framework: 'TESTFW',
    severity: 'low',
    status: 'pass',
  });
  await db
    .insertInto('compliance_waivers')
    .values({
      workspace_id: workspaceId,
      result_id: f.waived,
      reason: 'The description lives in the wiki.',
      expires_at: new Date(Date.now() + 24 * HOUR),
      status: 'approved',
      requested_by: A.members.data_steward.id,
      decided_by: A.members.data_steward.id,
      decided_at: new Date(),
    })
    .execute();
  return { sourceId, findings: f };
}

/** A finding as `GET /api/v1/compliance/findings` answers it. */
export interface Finding {
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

/** One page of findings. */
export type FindingsPage = { items: Finding[]; nextCursor: string | null };

/** The API with the test packs, tenants A (owning `warehouse`) and B, and a findings list. */
export interface FindingsWorld {
  api: AuthApi;
  A: Tenant;
  B: Tenant;
  sourceId: string;
  findings: WarehouseFindings;
  /** The findings of `warehouse` the token may read, `query` (`&state=…`) appended. */
  list(token: string, query?: string): Promise<FindingsPage>;
  /** Stops the API and removes the packs folder. */
  close(): Promise<void>;
}

/**
 * Starts the API with `COMPLIANCE_PACKS_DIR` set to the test packs, creates tenants
 * `<label>-a` and `<label>-b` and seeds tenant A's `warehouse` (see `seedWarehouse`).
 *
 * @example
 * const world = await startFindingsWorld('findings');
 * const page = await world.list(world.A.members.viewer.token, '&state=open');
 */
export async function startFindingsWorld(label: string): Promise<FindingsWorld> {
  const dir = packsDir();
  let api: AuthApi | undefined;
  const close = async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '1000000', COMPLIANCE_PACKS_DIR: dir });
    const started = api;
    const admin = await createPlatformAdmin(api.send, api.database.db);
    const A = await createTenant(api, admin.token, `${label}-a`);
    const B = await createTenant(api, admin.token, `${label}-b`);
    const { sourceId, findings } = await seedWarehouse(api, A);
    const list = async (token: string, query = '') =>
      (await (
        await call(
          started.send,
          token,
          'GET',
          `/api/v1/compliance/findings?dataSourceId=${sourceId}${query}`,
          { expect: 200 },
        )
      ).json()) as FindingsPage;
    return { api, A, B, sourceId, findings, list, close };
  } catch (error) {
    await close();
    throw error;
  }
}
