import { randomBytes, randomUUID } from 'node:crypto';
import { ROLES, type Role } from '../../core/permissions/vocabulary.js';
import type { AuthApi } from './auth-api.js';
import { bearer, createTestUser, login, type Send, type TestUser } from './auth.js';
import { complianceFixture, type TenantCompliance } from './compliance-fixtures.js';
import type { IdKind } from './openapi-routes.js';

/** A user who has signed in, with their access token. */
export interface SignedIn extends TestUser {
  token: string;
}

/** One workspace with a member of every role, an invited member and a disabled one. */
export interface Tenant {
  workspace: { id: string; slug: string; name: string };
  members: Record<Role, SignedIn>;
  invited: { id: string; email: string };
  disabled: { id: string; email: string };
  /** A data source registered by the tenant's data engineer. */
  dataSource: { id: string; name: string };
  /** A finished scan of that data source, requested by the same engineer. */
  scanRunId: string;
  /** A classifier of the tenant's data steward, defining an information type of its own. */
  classifier: { id: string; name: string; infoType: string };
  /**
   * A custom compliance rule of the steward's, a failing result of it on the scanned column
   * (a finding, written directly as an evaluation would) and a waiver the engineer asked for.
   */
  compliance: TenantCompliance;
  /** The ids of the tenant's objects, by the kind of path parameter that takes them. */
  ids: Record<IdKind, string[]>;
  /** Ids, e-mail addresses, slug and name: strings no other tenant's answer may contain. */
  secrets: string[];
}

/**
 * Calls the API with a bearer token and a JSON body; throws when the status is not `expect`,
 * so that set-up failures say which step broke.
 */
export async function call(
  send: Send,
  token: string | undefined,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; expect?: number } = {},
): Promise<Response> {
  const response = await send(path, {
    method,
    headers: {
      ...(token && bearer(token)),
      ...(options.body !== undefined && { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (options.expect !== undefined && response.status !== options.expect) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response;
}

async function createUser(send: Send, token: string, password?: string) {
  const email = `member-${randomUUID()}@example.test`;
  const body = { email, displayName: `Member ${email.slice(7, 15)}`, password };
  const response = await call(send, token, 'POST', '/api/v1/users', { body, expect: 201 });
  const { id } = (await response.json()) as { id: string };
  return { id, email, password: password ?? '' };
}

/**
 * Builds a tenant through the API as a platform admin would: the workspace, a user of every
 * role signed in, an invited member, a disabled one, a data source and a classifier. Going
 * through the API (not the database) also leaves the audit entries a real tenant has. The one
 * scan run is written to the database directly: starting a real scan needs a worker and a
 * source.
 */
export async function createTenant(api: AuthApi, adminToken: string, label: string) {
  const { send } = api;
  const slug = `${label}-${randomBytes(4).toString('hex')}`;
  const name = `Tenant ${slug}`;
  const created = await call(send, adminToken, 'POST', '/api/v1/workspaces', {
    body: { slug, name },
    expect: 201,
  });
  const workspace = { ...((await created.json()) as { id: string }), slug, name };
  const join = (userId: string, role: Role) =>
    call(send, adminToken, 'PUT', `/api/v1/users/${userId}/memberships/${workspace.id}`, {
      body: { role },
      expect: 204,
    });

  const members = {} as Record<Role, SignedIn>;
  for (const role of ROLES) {
    const user = await createUser(send, adminToken, `pw-${randomUUID()}`);
    await join(user.id, role);
    members[role] = { ...user, token: (await login(send, user)).accessToken };
  }
  const invited = await createUser(send, adminToken);
  await join(invited.id, 'viewer');
  const disabled = await createUser(send, adminToken, `pw-${randomUUID()}`);
  await join(disabled.id, 'data_engineer');
  await call(send, adminToken, 'POST', `/api/v1/users/${disabled.id}/disable`, { expect: 200 });

  const registered = await call(send, members.data_engineer.token, 'POST', '/api/v1/datasources', {
    body: {
      workspaceId: workspace.id,
      name: `source-${slug}`,
      scanner: 'postgres',
      config: { host: '127.0.0.1', database: slug, user: 'scanner', password: `pw-${slug}` },
    },
    expect: 201,
  });
  const dataSource = {
    id: ((await registered.json()) as { id: string }).id,
    name: `source-${slug}`,
  };

  const { id: scanRunId } = await api.database.db
    .insertInto('scan_runs')
    .values({
      data_source_id: dataSource.id,
      workflow_id: `scan:${dataSource.id}`,
      status: 'succeeded',
      requested_by: members.data_engineer.id,
      finished_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  const infoType = `TENANT_${randomBytes(6).toString('hex').toUpperCase()}`;
  const classifierName = `classifier-${slug}`;
  const defined = await call(send, members.data_steward.token, 'POST', '/api/v1/classifiers', {
    body: {
      workspaceId: workspace.id,
      name: classifierName,
      infoType,
      sensitivity: 'confidential',
      valuePatterns: ['T-\\d{6}'],
    },
    expect: 201,
  });
  const classifier = {
    id: ((await defined.json()) as { id: string }).id,
    name: classifierName,
    infoType,
  };

  const columnAssetId = await catalogColumn(api, workspace.id, dataSource.id, scanRunId, infoType);
  const compliance = await complianceFixture(api, {
    workspaceId: workspace.id,
    dataSourceId: dataSource.id,
    assetId: columnAssetId,
    steward: members.data_steward.token,
    engineer: members.data_engineer.token,
    label: slug,
  });

  const users = [...Object.values(members), invited, disabled];
  const tenant: Tenant = {
    workspace,
    members,
    invited: { id: invited.id, email: invited.email },
    disabled: { id: disabled.id, email: disabled.email },
    dataSource,
    scanRunId,
    classifier,
    compliance,
    ids: {
      user: users.map((user) => user.id),
      workspace: [workspace.id],
      dataSource: [dataSource.id],
      scanRun: [scanRunId],
      platformCheck: [],
      classifier: [classifier.id],
      infoType: [infoType],
      catalogAsset: [columnAssetId],
      complianceRule: [compliance.ruleId],
      complianceFinding: [compliance.findingId],
      complianceWaiver: [compliance.waiverId],
    },
    secrets: [
      workspace.id,
      slug,
      name,
      dataSource.id,
      dataSource.name,
      scanRunId,
      classifier.id,
      classifier.name,
      infoType,
      columnAssetId,
      compliance.ruleId,
      compliance.findingId,
      compliance.waiverId,
      ...users.flatMap((user) => [user.id, user.email]),
    ],
  };
  return tenant;
}

/**
 * A scanned column of the tenant's source, as a scan leaves it in the catalog (written
 * directly: a real scan needs a source), with a suggestion of the tenant's own type.
 */
async function catalogColumn(
  api: AuthApi,
  workspaceId: string,
  dataSourceId: string,
  scanRunId: string,
  infoType: string,
): Promise<string> {
  const db = api.database.db;
  const base = { workspace_id: workspaceId, data_source_id: dataSourceId, properties: '{}' };
  const { id: datasetId } = await db
    .insertInto('catalog_assets')
    .values({
      ...base,
      kind: 'table',
      fqn: 'db.public.people',
      name: 'people',
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id } = await db
    .insertInto('catalog_assets')
    .values({
      ...base,
      parent_id: datasetId,
      kind: 'column',
      fqn: 'db.public.people.code',
      name: 'code',
      data_type: 'text',
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('column_classifications')
    .values({
      asset_id: id,
      info_type: infoType,
      workspace_id: workspaceId,
      data_source_id: dataSourceId,
      source: 'custom',
      confidence: 0.9,
      evidence: '[]',
      scan_run_id: scanRunId,
    })
    .execute();
  return id;
}

/** A platform admin, signed in, created directly in the database (as the bootstrap does). */
export async function createPlatformAdmin(
  send: Send,
  db: Parameters<typeof createTestUser>[0],
): Promise<SignedIn> {
  const admin = await createTestUser(db, { platformAdmin: true });
  return { ...admin, token: (await login(send, admin)).accessToken };
}
