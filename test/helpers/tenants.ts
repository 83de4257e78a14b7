import { randomBytes, randomUUID } from 'node:crypto';
import { ROLES, type Role } from '../../core/permissions/vocabulary.js';
import type { AuthApi } from './auth-api.js';
import { bearer, createTestUser, login, type Send, type TestUser } from './auth.js';
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
 * role signed in, an invited member, a disabled one and a data source. Going through the API
 * (not the database) also leaves the audit entries a real tenant has. The one scan run is
 * written to the database directly: starting a real scan needs a worker and a source.
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

  const users = [...Object.values(members), invited, disabled];
  const tenant: Tenant = {
    workspace,
    members,
    invited: { id: invited.id, email: invited.email },
    disabled: { id: disabled.id, email: disabled.email },
    dataSource,
    scanRunId,
    ids: {
      user: users.map((user) => user.id),
      workspace: [workspace.id],
      dataSource: [dataSource.id],
      scanRun: [scanRunId],
      platformCheck: [],
    },
    secrets: [
      workspace.id,
      slug,
      name,
      dataSource.id,
      dataSource.name,
      scanRunId,
      ...users.flatMap((user) => [user.id, user.email]),
    ],
  };
  return tenant;
}

/** A platform admin, signed in, created directly in the database (as the bootstrap does). */
export async function createPlatformAdmin(
  send: Send,
  db: Parameters<typeof createTestUser>[0],
): Promise<SignedIn> {
  const admin = await createTestUser(db, { platformAdmin: true });
  return { ...admin, token: (await login(send, admin)).accessToken };
}
