import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ROUTES } from '../../api/middleware/authenticate.js';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';
import { administrationScenario, type ScenarioStep } from '../helpers/audit-scenario.js';
import { auditEntriesAfter, lastAuditId } from '../helpers/db-snapshot.js';
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

describe('API conventions', () => {
  let api: AuthApi;
  let doc: OpenApiDocument;
  let operations: RouteOperation[];
  let admin: SignedIn;
  let tenant: Tenant;

  beforeAll(async () => {
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '1000000' });
    doc = await fetchOpenApi(api.send);
    operations = operationsOf(doc);
    admin = await createPlatformAdmin(api.send, api.database.db);
    tenant = await createTenant(api, admin.token, 'conventions');
  });
  afterAll(async () => {
    await api?.close();
  });

  const realPath = (route: RouteOperation) =>
    fillPath(
      route.path,
      Object.fromEntries(
        route.pathParams.map((p) => [p.name, tenant.ids[idKindOf(route.path, p.name)!][0]!]),
      ),
    );

  it('documents every route of the router in /openapi.json, and nothing else', () => {
    const documented = operations.map((route) => `${route.method} ${route.template}`).sort();
    expect(documented).toEqual(routerEndpoints(api.app));
    expect(documented).toEqual(
      expect.arrayContaining(['GET /metrics', 'GET /docs', 'GET /openapi.json', 'GET /health']),
    );
  });

  it('declares bearer security on every operation outside the public allow-list, and enforces it', async () => {
    expect(doc).toMatchObject({
      components: { securitySchemes: { bearer: { scheme: 'bearer' } } },
    });
    for (const route of operations) {
      const key = `${route.method} ${route.template}`;
      if (PUBLIC_ROUTES.has(key)) {
        expect(route.operation.security ?? [], key).toEqual([]);
        continue;
      }
      expect(route.operation.security, key).toContainEqual({ bearer: [] });
      const values = Object.fromEntries(
        route.pathParams.map((p) => [p.name, exampleOf(p.schema, doc) as string]),
      );
      const response = await call(api.send, undefined, route.method, fillPath(route.path, values), {
        body: route.body && exampleOf(route.body, doc),
      });
      expect(response.status, key).toBe(401);
      expect(response.headers.get('WWW-Authenticate'), key).toMatch(/^Bearer /);
    }
  });

  it('serves /docs, its script and stylesheet under a strict Content-Security-Policy', async () => {
    const page = await api.send('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
    const html = await page.text();
    // Every script is a file of this origin: the policy allows no inline code at all.
    expect(html.match(/<script\b[^>]*>/g)?.every((tag) => /\bsrc="\/docs\//.test(tag))).toBe(true);
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    for (const path of ['/docs', '/docs/docs.js', '/docs/docs.css']) {
      const response = await api.send(path);
      expect(response.status, path).toBe(200);
      const csp = Object.fromEntries(
        (response.headers.get('Content-Security-Policy') ?? '')
          .split(';')
          .map((directive) => directive.trim().split(/\s+/))
          .map(([name, ...values]) => [name, values.join(' ')]),
      );
      expect(csp, path).toMatchObject({
        'default-src': "'none'",
        'script-src': "'self'",
        'style-src': "'self'",
        'connect-src': "'self'",
        'base-uri': "'none'",
        'form-action': "'none'",
        'frame-ancestors': "'none'",
      });
      expect(JSON.stringify(csp), path).not.toMatch(/unsafe|\*|http:|https:/);
      expect(response.headers.get('X-Content-Type-Options'), path).toBe('nosniff');
    }
  });

  it('counts requests in /metrics by route template, never by raw id, with process defaults', async () => {
    const userId = tenant.members.viewer.id;
    const missing = randomUUID();
    await call(api.send, admin.token, 'GET', `/api/v1/users/${userId}`, { expect: 200 });
    await call(api.send, admin.token, 'GET', `/api/v1/workspaces/${missing}`, { expect: 404 });
    await call(api.send, undefined, 'GET', `/api/v1/no-such-thing/${missing}`);
    const response = await api.send('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain(
      'http_requests_total{method="GET",route="/api/v1/users/:id",status="200"}',
    );
    expect(text).toContain(
      'http_requests_total{method="GET",route="/api/v1/workspaces/:id",status="404"}',
    );
    expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="40\d"\}/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.005",method="GET"/);
    for (const id of [userId, missing, tenant.workspace.id]) expect(text).not.toContain(id);
    for (const metric of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${metric}`);
    }
  });

  it('refuses unknown query parameters and body fields with 400 problem+json naming them', async () => {
    const checked: string[] = [];
    for (const route of operations) {
      const key = `${route.method} ${route.path}`;
      const withQuery = route.queryParams.length > 0;
      if (!withQuery && !route.body) continue;
      const query = withQuery ? '?zzUnknown=1' : '';
      const response = await call(api.send, admin.token, route.method, realPath(route) + query, {
        body: route.body && { ...(exampleOf(route.body, doc) as object), zzUnknown: 1 },
        headers: route.takesIfMatch ? { 'If-Match': '*' } : {},
      });
      expect(response.status, key).toBe(400);
      expect(response.headers.get('Content-Type'), key).toBe('application/problem+json');
      expect(await response.text(), key).toContain('zzUnknown');
      checked.push(key);
    }
    expect(checked).toEqual(
      expect.arrayContaining(['GET /api/v1/audit', 'GET /api/v1/users', 'POST /api/v1/users']),
    );
  });
});

describe('the audit trail of a short administration scenario', () => {
  let api: AuthApi;
  let admin: SignedIn;
  let steps: ScenarioStep[];
  let secrets: string[];
  let before: bigint;

  beforeAll(async () => {
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '1000000' });
    admin = await createPlatformAdmin(api.send, api.database.db);
    before = await lastAuditId(api.database.db);
    ({ steps, secrets } = await administrationScenario(api.send, admin));
  });
  afterAll(async () => {
    await api?.close();
  });

  it('leaves exactly one entry per successful write, none per refused one, secrets masked', async () => {
    const rows = await auditEntriesAfter(api.database.db, before);
    expect(steps.filter((s) => s.expected === null).length).toBeGreaterThanOrEqual(6);
    expect(rows).toHaveLength(steps.filter((s) => s.expected).length);
    for (const { label, requestId, expected } of steps) {
      const mine = rows.filter((row) => row.request_id === requestId);
      expect(mine, label).toHaveLength(expected ? 1 : 0);
    }
    // No password, invitation or token of the scenario is stored anywhere in the log.
    const stored = JSON.stringify(rows);
    for (const secret of secrets) expect(stored).not.toContain(secret);
  });

  it('shows each entry to the platform admin through GET /api/v1/audit with filters', async () => {
    for (const { label, requestId, expected } of steps) {
      if (!expected) continue;
      const filters = new URLSearchParams({
        action: expected.action,
        objectType: expected.objectType,
        objectId: expected.objectId,
        actorUserId: expected.actor.userId,
        ...(expected.workspaceId && { workspaceId: expected.workspaceId }),
      });
      const response = await call(api.send, admin.token, 'GET', `/api/v1/audit?${filters}`, {
        expect: 200,
      });
      const { items } = (await response.json()) as { items: { requestId: string }[] };
      expect(
        items.filter((item) => item.requestId === requestId),
        label,
      ).toEqual([
        { ...expected, id: expect.any(String), occurredAt: expect.any(String), requestId },
      ]);
    }
  });
});

describe('an internal error', () => {
  let api: AuthApi;
  let admin: SignedIn;
  beforeAll(async () => {
    // An instance of its own: this test breaks its database.
    api = await startAuthApi();
    admin = await createPlatformAdmin(api.send, api.database.db);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function expectOpaque500(response: Response) {
    expect(response.status).toBe(500);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    const text = await response.text();
    const requestId = response.headers.get('X-Request-Id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(text)).toMatchObject({ status: 500, logId: requestId });
    for (const leak of [
      /relation/i,
      /select/i,
      /audit_log/,
      /\bat .*\(/,
      /\.ts\b/,
      /node_modules/,
    ]) {
      expect(text).not.toMatch(leak);
    }
  }

  it('answers 500 problem+json with the request id as log id, and no SQL or stack', async () => {
    await sql`alter table audit_log rename to audit_log_moved`.execute(api.database.db);
    try {
      await expectOpaque500(await call(api.send, admin.token, 'GET', '/api/v1/audit'));
    } finally {
      await sql`alter table audit_log_moved rename to audit_log`.execute(api.database.db);
    }
    // With the database gone altogether, even authentication fails, the same way.
    await api.database.db.destroy();
    await expectOpaque500(await call(api.send, admin.token, 'GET', '/api/v1/me'));
  });
});
