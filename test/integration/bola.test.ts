import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../core/permissions/vocabulary.js';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';
import { auditEntriesAfter, lastAuditId, snapshotDatabase } from '../helpers/db-snapshot.js';
import {
  exampleOf,
  fetchOpenApi,
  fillPath,
  idKindOf,
  operationsOf,
  routerEndpoints,
  type OpenApiDocument,
  type RouteOperation,
} from '../helpers/openapi-routes.js';
import {
  call,
  createPlatformAdmin,
  createTenant,
  type SignedIn,
  type Tenant,
} from '../helpers/tenants.js';

// The attack: a signed-in user of workspace B sends the ids of workspace A's objects to every
// route that takes an id. Broken object-level authorization shows as any difference from what
// a random id of the same format gets: another status or message, an ETag or Location, a
// changed row or an audit entry. Routes come from the running app's OpenAPI document, so a
// route added later is attacked without editing this file.

let api: AuthApi;
let doc: OpenApiDocument;
let platformAdmin: SignedIn;
let A: Tenant;
let B: Tenant;
let checkId: string;
let idRoutes: RouteOperation[];
const bodies = new Map<RouteOperation, unknown>();

beforeAll(async () => {
  // A task queue nobody polls keeps the platform check running: a real id that stays put.
  api = await startAuthApi({
    RATE_LIMIT_REQUESTS: '1000000',
    TEMPORAL_TASK_QUEUE: `bola-${randomUUID()}`,
  });
  doc = await fetchOpenApi(api.send);
  idRoutes = operationsOf(doc).filter((route) => route.pathParams.length > 0);
  for (const route of idRoutes) bodies.set(route, route.body && exampleOf(route.body, doc));
  platformAdmin = await createPlatformAdmin(api.send, api.database.db);
  A = await createTenant(api, platformAdmin.token, 'tenant-a');
  B = await createTenant(api, platformAdmin.token, 'tenant-b');
  const started = await call(api.send, platformAdmin.token, 'POST', '/api/v1/diagnostics?wait=0', {
    expect: 202,
  });
  checkId = ((await started.json()) as { id: string }).id;
  // The platform check belongs to no workspace; it is counted as A's, an object B may not see.
  A.ids.platformCheck.push(checkId);
  A.secrets.push(checkId);
});
afterAll(async () => {
  if (checkId) {
    await api.temporal.workflow
      .getHandle(checkId)
      .terminate('test over')
      .catch(() => undefined);
  }
  await api?.close();
});

type Source = 'A' | 'B' | 'random';

/** Every assignment of ids to a route's parameters where each parameter comes from `sources`. */
function assignments(route: RouteOperation, sources: Source[][]): Record<string, string>[] {
  let result: Record<string, string>[] = [{}];
  route.pathParams.forEach((param, index) => {
    const kind = idKindOf(route.path, param.name)!;
    const values = sources[index]!.flatMap((source) =>
      source === 'random'
        ? [exampleOf(param.schema, doc) as string]
        : (source === 'A' ? A : B).ids[kind],
    );
    result = result.flatMap((partial) => values.map((v) => ({ ...partial, [param.name]: v })));
  });
  return result;
}

/** What a caller can observe of an answer; `instance` and log ids differ per request. */
async function observe(response: Response) {
  const text = await response.text();
  let body: unknown = text;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    delete parsed.instance;
    delete parsed.logId;
    body = parsed;
  } catch {
    // Not JSON: compared as text.
  }
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    etag: response.headers.get('etag'),
    location: response.headers.get('location'),
    body,
  };
}

function send(route: RouteOperation, values: Record<string, string>, token: string, head = false) {
  return call(api.send, token, head ? 'HEAD' : route.method, fillPath(route.path, values), {
    body: head ? undefined : bodies.get(route),
    headers: route.takesIfMatch ? { 'If-Match': '*' } : {},
  });
}

/**
 * Calls every id route as every role of B, once with the ids `real` picks and once with
 * random ids in their place, and lists every difference. Also asserts that nothing was
 * written: no row changed, no audit entry.
 */
async function attack(real: (route: RouteOperation) => Source[][]) {
  const before = await snapshotDatabase(api.database.db);
  const lastAudit = await lastAuditId(api.database.db);
  const differences: string[] = [];
  let compared = 0;
  for (const route of idRoutes) {
    const sources = real(route);
    if (sources.length === 0) continue;
    const randomSources = sources.map((s) =>
      s.map((source) => (source === 'A' ? 'random' : source)),
    );
    // The roles attack side by side; each compares its own answers in order.
    await Promise.all(
      ROLES.map(async (role) => {
        const { token } = B.members[role];
        for (const head of route.method === 'GET' ? [false, true] : [false]) {
          const baselines = assignments(route, randomSources);
          const expected = await observe(await send(route, baselines[0]!, token, head));
          const label = `${role} ${head ? 'HEAD' : route.method} ${route.path}`;
          if ([400, 401].includes(expected.status)) {
            differences.push(`${label}: the random id did not reach the access check`);
          }
          for (const values of assignments(route, sources)) {
            const got = await observe(await send(route, values, token, head));
            compared += 1;
            if (!isDeepStrictEqual(got, expected)) {
              differences.push(
                `${label} ${JSON.stringify(values)}: ${JSON.stringify(got)} vs random ${JSON.stringify(expected)}`,
              );
            }
          }
        }
      }),
    );
  }
  expect(compared).toBeGreaterThan(0);
  expect.soft(differences.sort()).toEqual([]);
  expect.soft(await snapshotDatabase(api.database.db)).toEqual(before);
  expect.soft(await auditEntriesAfter(api.database.db, lastAudit)).toEqual([]);
}

describe('BOLA: another workspace’s ids on every id route', () => {
  it('finds every router route with a path parameter in the document, with a known id kind', () => {
    const documented = new Set(operationsOf(doc).map((r) => `${r.method} ${r.template}`));
    const undocumented = routerEndpoints(api.app).filter(
      (endpoint) => endpoint.includes('/:') && !documented.has(endpoint),
    );
    expect(undocumented).toEqual([]);
    const unknown = idRoutes.flatMap((route) =>
      route.pathParams
        .filter((param) => idKindOf(route.path, param.name) === undefined)
        .map((param) => `${route.method} ${route.path} {${param.name}}`),
    );
    expect(unknown).toEqual([]);
    expect(idRoutes.length).toBeGreaterThanOrEqual(10);
  });

  it('the ids are real: the platform admin reads every one of them', async () => {
    for (const route of idRoutes.filter((r) => r.method === 'GET')) {
      for (const values of assignments(
        route,
        route.pathParams.map(() => ['A']),
      )) {
        const response = await send(route, values, platformAdmin.token);
        expect(response.status, `${route.path} ${JSON.stringify(values)}`).toBeLessThan(300);
      }
    }
  });

  it('B’s users get for A’s ids exactly what they get for random ids, and nothing changes', async () => {
    await attack((route) => route.pathParams.map(() => ['A']));
  });
});

/**
 * Answers that list (or one day fetch in bulk) several objects. Each is called as every role
 * of B and may contain nothing of A. A bulk endpoint joins the table with a body mixing A's
 * ids with B's, e.g. `{ method: 'POST', path: () => '/api/v1/things/bulk-get',
 * body: ({ A, B }) => ({ ids: [...A.ids.user, ...B.ids.user] }) }`.
 */
interface DisclosureProbe {
  method?: string;
  path: (tenants: { A: Tenant; B: Tenant }) => string;
  body?: (tenants: { A: Tenant; B: Tenant }) => unknown;
}

const PROBES: DisclosureProbe[] = [
  { path: () => '/api/v1/workspaces?limit=200' },
  { path: () => '/api/v1/users?limit=200' },
  { path: ({ A }) => `/api/v1/users?email=${encodeURIComponent(A.members.admin.email)}` },
  { path: ({ B }) => `/api/v1/workspaces/${B.workspace.id}/members?limit=200` },
  { path: () => '/api/v1/datasources?limit=200' },
  { path: ({ A }) => `/api/v1/datasources?workspaceId=${A.workspace.id}` },
  { path: ({ B }) => `/api/v1/datasources/${B.dataSource.id}/scans?limit=200` },
  { path: () => '/api/v1/classifiers?limit=200' },
  { path: ({ A }) => `/api/v1/classifiers?workspaceId=${A.workspace.id}` },
  { path: ({ A }) => `/api/v1/classifiers?infoType=${A.classifier.infoType}` },
  { path: () => '/api/v1/infotypes' },
  { path: ({ A }) => `/api/v1/infotypes?workspaceId=${A.workspace.id}` },
  { path: ({ B }) => `/api/v1/infotypes?workspaceId=${B.workspace.id}` },
  { path: () => '/api/v1/audit?limit=200' },
  { path: ({ A }) => `/api/v1/audit?workspaceId=${A.workspace.id}` },
  { path: ({ A }) => `/api/v1/audit?objectId=${A.workspace.id}` },
  { path: ({ A }) => `/api/v1/audit?objectId=${A.members.viewer.id}` },
  { path: ({ A }) => `/api/v1/audit?actorUserId=${A.members.admin.id}` },
  { path: () => '/api/v1/compliance/packs' },
  { path: () => '/api/v1/compliance/rules?limit=200' },
  { path: ({ A }) => `/api/v1/compliance/rules?workspaceId=${A.workspace.id}` },
  ...(['open', 'waived', 'resolved'] as const).map((state) => ({
    path: () => `/api/v1/compliance/findings?limit=200&state=${state}`,
  })),
  { path: ({ A }) => `/api/v1/compliance/findings?workspaceId=${A.workspace.id}` },
  { path: ({ A }) => `/api/v1/compliance/findings?dataSourceId=${A.dataSource.id}` },
  { path: ({ A }) => `/api/v1/compliance/findings?ruleId=${A.compliance.ruleId}` },
  { path: () => '/api/v1/compliance/findings/export?format=csv' },
  { path: () => '/api/v1/compliance/findings/export?format=json' },
  { path: ({ A }) => `/api/v1/compliance/findings/export?workspaceId=${A.workspace.id}` },
  { path: () => '/api/v1/compliance/summary' },
  { path: ({ A }) => `/api/v1/compliance/summary?workspaceId=${A.workspace.id}` },
  { path: ({ A }) => `/api/v1/compliance/summary?dataSourceId=${A.dataSource.id}` },
  { path: () => '/api/v1/compliance/waivers?limit=200' },
  { path: ({ A }) => `/api/v1/compliance/waivers?workspaceId=${A.workspace.id}` },
  { path: ({ A }) => `/api/v1/compliance/waivers?findingId=${A.compliance.findingId}` },
  { path: () => '/api/v1/compliance/evaluations?limit=200' },
  { path: ({ A }) => `/api/v1/compliance/evaluations?dataSourceId=${A.dataSource.id}` },
];

describe('lists show B’s users nothing of A', () => {
  it('no answer to any role of B contains an id, e-mail, slug or name of A', async () => {
    const leaks: string[] = [];
    for (const probe of PROBES) {
      const path = probe.path({ A, B });
      for (const role of ROLES) {
        const response = await call(api.send, B.members[role].token, probe.method ?? 'GET', path, {
          body: probe.body?.({ A, B }),
        });
        const text = await response.text();
        if (![200, 403].includes(response.status)) {
          leaks.push(`${role} ${path}: ${response.status}`);
        }
        const found = A.secrets.filter((secret) => text.includes(secret));
        if (found.length > 0) leaks.push(`${role} ${path}: ${found.join(', ')}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('filters naming A’s objects give B’s audit readers an empty page', async () => {
    for (const role of ['admin', 'data_steward'] as const) {
      const { token } = B.members[role];
      for (const query of [
        `workspaceId=${A.workspace.id}`,
        `objectId=${A.workspace.id}`,
        `actorUserId=${A.members.admin.id}`,
        `objectType=workspace&workspaceId=${A.workspace.id}`,
      ]) {
        const path = `/api/v1/audit?${query}`;
        const response = await call(api.send, token, 'GET', path, { expect: 200 });
        expect(await response.json(), `${role} ${query}`).toEqual({ items: [], nextCursor: null });
      }
      const own = await call(api.send, token, 'GET', '/api/v1/audit?limit=200', { expect: 200 });
      const { items } = (await own.json()) as { items: { workspaceId: string | null }[] };
      expect(items.length).toBeGreaterThan(0);
      expect(new Set(items.map((item) => item.workspaceId))).toEqual(new Set([B.workspace.id]));
    }
  });

  it('the same lists show A’s admin A’s objects, so a leak would be seen', async () => {
    const get = async (path: string) =>
      (await call(api.send, A.members.admin.token, 'GET', path, { expect: 200 })).text();
    expect(await get('/api/v1/workspaces')).toContain(A.workspace.id);
    expect(await get(`/api/v1/workspaces/${A.workspace.id}/members`)).toContain(
      A.members.viewer.email,
    );
    expect(await get(`/api/v1/audit?workspaceId=${A.workspace.id}`)).toContain(A.members.viewer.id);
    expect(await get('/api/v1/datasources')).toContain(A.dataSource.id);
    expect(await get('/api/v1/classifiers')).toContain(A.classifier.id);
    expect(await get(`/api/v1/infotypes?workspaceId=${A.workspace.id}`)).toContain(
      A.classifier.infoType,
    );
    expect(await get('/api/v1/compliance/rules?limit=200')).toContain(A.compliance.ruleId);
    expect(await get('/api/v1/compliance/findings')).toContain(A.compliance.findingId);
    expect(await get('/api/v1/compliance/findings/export?format=csv')).toContain(
      A.compliance.findingId,
    );
    expect(await get('/api/v1/compliance/summary')).toContain(A.dataSource.id);
    expect(await get('/api/v1/compliance/waivers')).toContain(A.compliance.waiverId);
    expect(await get('/api/v1/compliance/evaluations')).toContain(A.dataSource.id);
  });
});

describe('BOLA: A’s ids mixed with B’s own', () => {
  const mixed = (fromA: string) => (route: RouteOperation) =>
    route.pathParams.length < 2 || !route.pathParams.some((param) => param.name === fromA)
      ? []
      : route.pathParams.map((param) => (param.name === fromA ? ['A' as const] : ['B' as const]));

  it('B’s user ids with A’s workspace answer like random workspace ids', async () => {
    await attack(mixed('workspaceId'));
  });

  // Runs last: when it fails, B's admin has changed memberships of A's users.
  it('A’s user ids with B’s own workspace answer like random user ids (no existence oracle, no membership added)', async () => {
    await attack(mixed('id'));
  });
});
