import { randomUUID } from 'node:crypto';
import type { Send } from './auth.js';
import { call, type SignedIn } from './tenants.js';

/** What one request should have left in the audit log, in the API's shape. */
export interface ExpectedEntry {
  action: string;
  objectType: string;
  objectId: string;
  workspaceId: string | null;
  actor: { userId: string; label: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** One request of the scenario: its request id and its entry (null for a refused write). */
export interface ScenarioStep {
  label: string;
  requestId: string;
  expected: ExpectedEntry | null;
}

interface Request {
  token?: string;
  method: string;
  path: string;
  body?: unknown;
  ifMatch?: string;
}

type Entry = Omit<ExpectedEntry, 'actor'> & { actor?: ExpectedEntry['actor'] };

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { sid: string };

/**
 * The life of one account as a platform admin runs it: a workspace created and renamed
 * (with a stale and a missing If-Match), a user invited who accepts, signs in and renames
 * themselves, given a role, moved, removed, disabled, enabled, and re-invited by mistake.
 * Each request's status is checked here; `steps` says what each should have audited, and
 * `secrets` lists the passwords and tokens that must never reach the audit log.
 *
 * @example
 * const { steps, secrets } = await administrationScenario(api.send, admin);
 */
export async function administrationScenario(send: Send, admin: SignedIn) {
  const steps: ScenarioStep[] = [];
  const secrets: string[] = [];
  const asAdmin = { userId: admin.id, label: admin.email };
  const step = async (label: string, request: Request, status: number, entry: Entry | null) => {
    const response = await call(send, request.token, request.method, request.path, {
      body: request.body,
      headers: request.ifMatch === undefined ? {} : { 'If-Match': request.ifMatch },
    });
    if (response.status !== status) {
      throw new Error(`${label}: ${response.status} ${await response.text()}`);
    }
    const requestId = response.headers.get('X-Request-Id') ?? '';
    steps.push({ label, requestId, expected: entry && { actor: asAdmin, ...entry } });
    return response;
  };
  const token = admin.token;

  const slug = `audited-${randomUUID().slice(0, 8)}`;
  const body = { slug, name: 'Audited' };
  const created = await step(
    'create a workspace',
    { token, method: 'POST', path: '/api/v1/workspaces', body },
    201,
    null,
  );
  const { id } = (await created.json()) as { id: string };
  const workspace = { objectType: 'workspace', objectId: id, workspaceId: id };
  steps.at(-1)!.expected = {
    ...workspace,
    actor: asAdmin,
    action: 'workspace.create',
    before: null,
    after: body,
  };
  const tag = created.headers.get('ETag') ?? '';
  const rename = {
    token,
    method: 'PATCH',
    path: `/api/v1/workspaces/${id}`,
    body: { name: 'Renamed' },
  };
  await step('rename it', { ...rename, ifMatch: tag }, 200, {
    ...workspace,
    action: 'workspace.update',
    before: { name: 'Audited' },
    after: { name: 'Renamed' },
  });
  await step('rename it with a stale ETag', { ...rename, ifMatch: tag }, 412, null);
  await step('rename it without If-Match', rename, 428, null);

  const email = `invited-${randomUUID()}@example.test`;
  const invited = await step(
    'invite a user',
    { token, method: 'POST', path: '/api/v1/users', body: { email, displayName: 'Invited' } },
    201,
    null,
  );
  const user = (await invited.json()) as { id: string; invitation: { token: string } };
  steps.at(-1)!.expected = {
    actor: asAdmin,
    action: 'user.invite',
    objectType: 'user',
    objectId: user.id,
    workspaceId: null,
    before: null,
    after: { email, displayName: 'Invited', status: 'invited', isPlatformAdmin: false },
  };
  const password = `pw-${randomUUID()}`;
  secrets.push(user.invitation.token, password);
  const self = { userId: user.id, label: email };
  const aboutUser = { objectType: 'user', objectId: user.id, workspaceId: null };
  const accept = {
    method: 'POST',
    path: '/api/v1/auth/accept-invitation',
    body: { token: user.invitation.token, password },
  };
  await step('accept the invitation', accept, 204, {
    ...aboutUser,
    actor: self,
    action: 'user.accept-invitation',
    before: { status: 'invited' },
    after: { status: 'active' },
  });
  await step('accept it again', accept, 401, null);
  const signedIn = await step(
    'sign in as them',
    { method: 'POST', path: '/api/v1/auth/login', body: { email, password } },
    200,
    null,
  );
  const tokens = (await signedIn.json()) as { accessToken: string; refreshToken: string };
  secrets.push(tokens.accessToken, tokens.refreshToken);
  steps.at(-1)!.expected = {
    actor: self,
    action: 'auth.login',
    objectType: 'session',
    objectId: claimsOf(tokens.accessToken).sid,
    workspaceId: null,
    before: null,
    after: { ip: '127.0.0.1' },
  };
  const userPath = `/api/v1/users/${user.id}`;
  const renameSelf = {
    token: tokens.accessToken,
    method: 'PATCH',
    path: userPath,
    body: { displayName: 'Myself' },
    ifMatch: '*',
  };
  await step('rename themselves', renameSelf, 200, {
    ...aboutUser,
    actor: self,
    action: 'user.update',
    before: { displayName: 'Invited' },
    after: { displayName: 'Myself' },
  });

  const membership = { token, path: `${userPath}/memberships/${id}` };
  const member = { objectType: 'membership', objectId: user.id, workspaceId: id };
  const role = (name: string) => ({ ...membership, method: 'PUT', body: { role: name } });
  await step('set a role', role('data_steward'), 204, {
    ...member,
    action: 'membership.set',
    before: null,
    after: { role: 'data_steward' },
  });
  await step('change the role', role('viewer'), 204, {
    ...member,
    action: 'membership.set',
    before: { role: 'data_steward' },
    after: { role: 'viewer' },
  });
  const remove = { ...membership, method: 'DELETE' };
  await step('remove the membership', remove, 204, {
    ...member,
    action: 'membership.remove',
    before: { role: 'viewer' },
    after: null,
  });
  await step('remove it again', remove, 404, null);

  const post = (path: string) => ({ token, method: 'POST', path });
  const status = (action: string, from: string, to: string) => ({
    ...aboutUser,
    action,
    before: { status: from },
    after: { status: to },
  });
  await step(
    'disable the user',
    post(`${userPath}/disable`),
    200,
    status('user.disable', 'active', 'disabled'),
  );
  await step('disable them again', post(`${userPath}/disable`), 409, null);
  await step(
    'enable the user',
    post(`${userPath}/enable`),
    200,
    status('user.enable', 'disabled', 'active'),
  );
  await step('re-invite an active user', post(`${userPath}/invitation`), 409, null);
  await step(
    're-invite an unknown user',
    post(`/api/v1/users/${randomUUID()}/invitation`),
    404,
    null,
  );
  return { steps, secrets };
}
