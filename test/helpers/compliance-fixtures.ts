import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthApi } from './auth-api.js';
import { call } from './tenants.js';

/** A tenant's custom rule id, its finding's id and the id of the waiver asked for it. */
export interface TenantCompliance {
  ruleId: string;
  findingId: string;
  waiverId: string;
}

/**
 * The tenant's compliance objects: a custom rule (through the API, as a steward), a failing
 * result of it on the column (written directly, as an evaluation leaves it: evaluating needs
 * a scanned catalog) and a waiver requested by the engineer (through the API).
 *
 * @example
 * const compliance = await complianceFixture(api, { workspaceId, dataSourceId, assetId, steward, engineer, label });
 */
export async function complianceFixture(
  api: AuthApi,
  options: {
    workspaceId: string;
    dataSourceId: string;
    assetId: string;
    steward: string;
    engineer: string;
    label: string;
  },
): Promise<TenantCompliance> {
  const { send } = api;
  const db = api.database.db;
  const ruleId = `tenant-${randomBytes(6).toString('hex')}`;
  await call(send, options.steward, 'POST', '/api/v1/compliance/rules', {
    body: {
      workspaceId: options.workspaceId,
      id: ruleId,
      framework: 'Tenant',
      title: `Columns of ${options.label} are described`,
      references: ['Tenant policy 1'],
      severity: 'medium',
      target: 'column',
      when: { field: 'column.name', op: 'isSet' },
      require: { field: 'column.description', op: 'isSet' },
      remediation: 'Describe the column in the catalog.',
    },
    expect: 201,
  });
  const evaluationId = await insertEvaluation(db, {
    workspaceId: options.workspaceId,
    dataSourceId: options.dataSourceId,
  });
  const findingId = await insertResult(db, {
    workspaceId: options.workspaceId,
    dataSourceId: options.dataSourceId,
    assetId: options.assetId,
    evaluationId,
    ruleId,
    framework: 'Tenant',
    severity: 'medium',
    status: 'fail',
    evidence: { fields: {}, columns: [], failing: ['code'] },
  });
  const requested = await call(
    send,
    options.engineer,
    'POST',
    `/api/v1/compliance/findings/${findingId}/waivers`,
    {
      body: {
        reason: `Tenant ${options.label} documents its columns elsewhere.`,
        expiresAt: new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString(),
      },
      expect: 201,
    },
  );
  const { id: waiverId } = (await requested.json()) as { id: string };
  return { ruleId, findingId, waiverId };
}

type Db = AuthApi['database']['db'];

/**
 * The audit actions recorded for an object, oldest first.
 *
 * @example
 * expect(await auditedActions(db, waiverId)).toEqual(['compliance-waiver.request']);
 */
export async function auditedActions(db: Db, objectId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select('action')
    .where('object_id', '=', objectId)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.action);
}

/**
 * A `compliance_evaluations` row, as an evaluation of the source records it (counts are the
 * caller's to choose, e.g. for trends). Returns its id.
 *
 * @example
 * const evaluationId = await insertEvaluation(db, { workspaceId, dataSourceId, failed: 3 });
 */
export async function insertEvaluation(
  db: Db,
  input: {
    workspaceId: string;
    dataSourceId: string;
    failed?: number;
    opened?: number;
    resolved?: number;
    at?: Date;
  },
): Promise<string> {
  const { id } = await db
    .insertInto('compliance_evaluations')
    .values({
      workspace_id: input.workspaceId,
      data_source_id: input.dataSourceId,
      rules_digest: 'sha256:test',
      rules: 1,
      assets: 1,
      passed: 0,
      failed: input.failed ?? 1,
      opened: input.opened ?? 1,
      resolved: input.resolved ?? 0,
      failed_by: '{}',
      duration_ms: 1,
      ...(input.at && { created_at: input.at }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * A `compliance_results` row and its first transition, as an evaluation leaves them: a
 * `fail` is opened at `openedAt` (now by default); a `pass` with `resolvedAt` is a resolved
 * finding, one without never failed. Returns its id (the finding's id).
 *
 * @example
 * const findingId = await insertResult(db, { workspaceId, dataSourceId, assetId, evaluationId, ruleId: 'x-rule', status: 'fail' });
 */
export async function insertResult(
  db: Db,
  input: {
    workspaceId: string;
    dataSourceId: string;
    assetId: string;
    evaluationId: string;
    ruleId: string;
    status: 'pass' | 'fail' | 'not_applicable';
    framework?: string;
    severity?: 'low' | 'medium' | 'high' | 'critical';
    evidence?: Record<string, unknown>;
    openedAt?: Date | null;
    resolvedAt?: Date | null;
  },
): Promise<string> {
  const failed = input.status === 'fail' || input.resolvedAt;
  const { id } = await db
    .insertInto('compliance_results')
    .values({
      workspace_id: input.workspaceId,
      data_source_id: input.dataSourceId,
      asset_id: input.assetId,
      rule_id: input.ruleId,
      framework: input.framework ?? 'Test',
      severity: input.severity ?? 'medium',
      status: input.status,
      evidence: JSON.stringify(input.evidence ?? { fields: {}, columns: [], failing: [] }),
      opened_at: input.openedAt === undefined ? (failed ? new Date() : null) : input.openedAt,
      resolved_at: input.resolvedAt ?? null,
      evaluation_id: input.evaluationId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('compliance_result_changes')
    .values({ result_id: id, evaluation_id: input.evaluationId, to_status: input.status })
    .execute();
  return id;
}

/**
 * A pack of the tests' own, loaded from `COMPLIANCE_PACKS_DIR` beside the built-in ones.
 *
 * @example
 * TEST_PACK.rules[0].id; // 'testfw-described'
 */
export const TEST_PACK = {
  id: 'testpack',
  framework: 'TESTFW',
  title: 'Test framework pack',
  version: '1.2.0',
  rules: [
    {
      id: 'testfw-described',
      title: 'Datasets are described',
      references: ['TESTFW 1'],
      severity: 'high',
      target: 'dataset',
      when: { field: 'dataset.name', op: 'isSet' },
      require: { field: 'dataset.description', op: 'isSet' },
      remediation: 'Describe the dataset in the catalog.',
    },
    {
      id: 'testfw-column-typed',
      title: 'Columns have a type',
      references: ['TESTFW 2'],
      severity: 'low',
      target: 'column',
      when: { field: 'column.name', op: 'isSet' },
      require: { field: 'column.dataType', op: 'isSet' },
      remediation: 'Give the column a data type.',
    },
  ],
};

/**
 * Writes a folder for `COMPLIANCE_PACKS_DIR` with the test pack and a broken one.
 *
 * @example
 * const dir = packsDir(); // …/testpack.json, …/broken.json
 */
export function packsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'compliance-packs-'));
  writeFileSync(join(dir, 'testpack.json'), JSON.stringify(TEST_PACK));
  writeFileSync(join(dir, 'broken.json'), JSON.stringify({ id: 'broken', rules: [] }));
  return dir;
}

/**
 * A catalog asset written directly (as a scan leaves it), for result fixtures. Returns its id.
 *
 * @example
 * const tableId = await insertAsset(db, { workspaceId, dataSourceId, kind: 'table', fqn: 'db.s.t' });
 */
export async function insertAsset(
  db: Db,
  input: {
    workspaceId: string;
    dataSourceId: string;
    kind: string;
    fqn: string;
    parentId?: string;
    sensitivity?: 'public' | 'internal' | 'confidential' | 'restricted';
    description?: string;
  },
): Promise<string> {
  const { id } = await db
    .insertInto('catalog_assets')
    .values({
      workspace_id: input.workspaceId,
      data_source_id: input.dataSourceId,
      parent_id: input.parentId ?? null,
      kind: input.kind,
      fqn: input.fqn,
      name: input.fqn.split('.').at(-1)!,
      data_type: input.kind === 'column' ? 'text' : null,
      description: input.description ?? null,
      properties: '{}',
      sensitivity: input.sensitivity ?? 'public',
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}
