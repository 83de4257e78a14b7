import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/auth.js';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';
import { snapshotDatabase } from '../helpers/db-snapshot.js';
import {
  exampleOf,
  fetchOpenApi,
  fillPath,
  idKindOf,
  operationsOf,
  type OpenApiDocument,
  type RouteOperation,
} from '../helpers/openapi-routes.js';
import { jsonOfSize, sendBody } from '../helpers/raw-request.js';
import {
  call,
  createPlatformAdmin,
  createTenant,
  type SignedIn,
  type Tenant,
} from '../helpers/tenants.js';

/**
 * Fields a client could hope to set on the server's behalf: ownership, tenancy, privilege,
 * identity and concurrency. Sent to every write route whose schema does not declare them.
 */
const SMUGGLED: Record<string, unknown> = {
  role: 'admin',
  workspaceId: randomUUID(),
  isAdmin: true,
  isPlatformAdmin: true,
  is_platform_admin: true,
  id: randomUUID(),
  status: 'active',
  version: 99,
  createdBy: randomUUID(),
  userId: randomUUID(),
  passwordHash: 'x',
};

/** Keys that pollute prototypes when merged naively; JSON.parse keeps them as own keys. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor'];

interface Problem {
  status: number;
  errors?: { path: string; message: string }[];
}

describe('mass assignment on every write route', () => {
  let api: AuthApi;
  let doc: OpenApiDocument;
  let admin: SignedIn;
  let tenant: Tenant;
  let writes: RouteOperation[];

  beforeAll(async () => {
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '1000000' });
    doc = await fetchOpenApi(api.send);
    writes = operationsOf(doc).filter(
      (route) => ['POST', 'PUT', 'PATCH'].includes(route.method) && route.body !== undefined,
    );
    admin = await createPlatformAdmin(api.send, api.database.db);
    tenant = await createTenant(api, admin.token, 'mass');
  });
  afterAll(async () => {
    await api?.close();
  });

  /**
   * The route's path with the tenant's real ids, so that a write that slipped through would
   * land, or with random ids, so that one that passes validation changes nothing (404).
   */
  const pathOf = (route: RouteOperation, real: boolean) =>
    fillPath(
      route.path,
      Object.fromEntries(
        route.pathParams.map((p) => [
          p.name,
          real
            ? tenant.ids[idKindOf(route.path, p.name)!][0]!
            : (exampleOf(p.schema, doc) as string),
        ]),
      ),
    );

  /** Sent as the platform admin, who may do the most; JSON text so odd keys survive. */
  const sendText = (route: RouteOperation, text: string, real = true) =>
    api.send(pathOf(route, real), {
      method: route.method,
      headers: {
        ...bearer(admin.token),
        'Content-Type': 'application/json',
        ...(route.takesIfMatch && { 'If-Match': '*' }),
      },
      body: text,
    });

  it('finds the write routes in the document, each with a strict body schema', () => {
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login',
        'POST /api/v1/users',
        'PATCH /api/v1/users/{id}',
        'PUT /api/v1/users/{id}/memberships/{workspaceId}',
        'POST /api/v1/workspaces',
        'PATCH /api/v1/workspaces/{id}',
      ]),
    );
    const loose = writes.filter((route) => route.body?.additionalProperties !== false);
    expect(loose.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('refuses each undeclared field with 400 problem+json naming it, and changes nothing', async () => {
    const before = await snapshotDatabase(api.database.db);
    const failures: string[] = [];
    let sent = 0;
    for (const route of writes) {
      const valid = exampleOf(route.body!, doc) as Record<string, unknown>;
      const declared = Object.keys(route.body!.properties ?? {});
      const extras = [
        ...Object.entries(SMUGGLED)
          .filter(([field]) => !declared.includes(field))
          .map(([field, value]) => ({ field, text: JSON.stringify({ ...valid, [field]: value }) })),
        ...PROTOTYPE_KEYS.map((field) => {
          const fields = JSON.stringify(valid).slice(1, -1);
          const smuggled = `"${field}":{"isPlatformAdmin":true,"role":"admin"}`;
          return { field, text: `{${[fields, smuggled].filter(Boolean).join(',')}}` };
        }),
      ];
      for (const { field, text } of extras) {
        const response = await sendText(route, text);
        sent += 1;
        const label = `${route.method} ${route.path} + ${field}`;
        const type = response.headers.get('content-type');
        const problem = (await response.json().catch(() => ({}))) as Problem;
        const named = problem.errors?.some(
          (error) => error.path === field || error.message.includes(`"${field}"`),
        );
        if (response.status !== 400 || type !== 'application/problem+json' || !named) {
          failures.push(`${label}: ${response.status} ${type} ${JSON.stringify(problem)}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(writes.length * 5);
    expect(failures).toEqual([]);
    expect(await snapshotDatabase(api.database.db)).toEqual(before);
  });

  it('the same bodies without the extra field pass validation (so the field made the 400)', async () => {
    for (const route of writes) {
      // Random ids where the route takes some: starting a scan, say, is not the point here.
      const response = await sendText(route, JSON.stringify(exampleOf(route.body!, doc)), false);
      expect(response.status, `${route.method} ${route.path}: ${await response.text()}`).not.toBe(
        400,
      );
    }
  });
});

describe('body size limit through the app', () => {
  let api: AuthApi;
  let admin: SignedIn;
  beforeAll(async () => {
    api = await startAuthApi({ HTTP_BODY_LIMIT_BYTES: '2048' });
    admin = await createPlatformAdmin(api.send, api.database.db);
  });
  afterAll(async () => {
    await api?.close();
  });

  const login = { email: 'nobody@example.test', password: 'x' };
  const sizes = (bytes: number) => [
    { chunked: false, chunks: [jsonOfSize(login, bytes)] },
    { chunked: true, chunks: splitBuffer(jsonOfSize(login, bytes), 500) },
  ];

  it('lets a body under the limit through, with or without Content-Length', async () => {
    for (const body of sizes(2000)) {
      const response = await sendBody(api.port, {
        method: 'POST',
        path: '/api/v1/auth/login',
        ...body,
      });
      expect(response.status, `chunked: ${body.chunked}`).toBe(401);
    }
  });

  it('answers 413 problem+json to an oversized body, declared or chunked, public or not', async () => {
    const before = await snapshotDatabase(api.database.db);
    const workspace = { slug: 'too-big', name: 'n' };
    const cases = [
      ...sizes(4096).map((body) => ({ ...body, path: '/api/v1/auth/login', headers: {} })),
      ...[false, true].map((chunked) => ({
        chunked,
        chunks: splitBuffer(jsonOfSize(workspace, 6000), chunked ? 700 : 6000),
        path: '/api/v1/workspaces',
        headers: bearer(admin.token),
      })),
    ];
    for (const { path, ...rest } of cases) {
      const response = await sendBody(api.port, { method: 'POST', path, ...rest });
      const label = `${path} chunked: ${rest.chunked}`;
      expect(response.status, label).toBe(413);
      expect(response.headers['content-type'], label).toBe('application/problem+json');
      expect(JSON.parse(response.body), label).toMatchObject({
        status: 413,
        title: 'Content Too Large',
      });
    }
    expect(await snapshotDatabase(api.database.db)).toEqual(before);
  });
});

function splitBuffer(buffer: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < buffer.length; at += size) parts.push(buffer.subarray(at, at + size));
  return parts;
}

describe('rate limit through the app', () => {
  let api: AuthApi;
  beforeAll(async () => {
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '5', RATE_LIMIT_WINDOW_MS: '2000' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 429 with RateLimit and Retry-After headers, spares probes, and recovers', async () => {
    // Until Redis is connected the limiter fails open and counts nothing; wait for it.
    for (let i = 0; i < 50; i++) {
      const ready = (await (await api.send('/ready')).json()) as {
        checks: { redis: { status: string } };
      };
      if (ready.checks.redis.status === 'up') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const hit = () => call(api.send, undefined, 'GET', '/api/v1/workspaces');
    for (let i = 0; i < 5; i++) {
      const response = await hit();
      expect(response.status).toBe(401);
      expect(response.headers.get('RateLimit-Limit')).toBe('5');
      expect(response.headers.get('RateLimit-Remaining')).toBe(String(4 - i));
      expect(response.headers.get('RateLimit-Policy')).toBe('5;w=2');
    }
    const refused = await hit();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Content-Type')).toBe('application/problem+json');
    expect(refused.headers.get('RateLimit-Remaining')).toBe('0');
    expect(Number(refused.headers.get('RateLimit-Reset'))).toBeGreaterThanOrEqual(1);
    const retryAfter = Number(refused.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(await refused.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });

    // Public routes count too; probes and scrapes do not.
    expect(
      (await call(api.send, undefined, 'POST', '/api/v1/auth/login', { body: {} })).status,
    ).toBe(429);
    for (const path of ['/health', '/ready', '/metrics']) {
      const response = await call(api.send, undefined, 'GET', path);
      expect(response.status, path).not.toBe(429);
      expect(response.headers.get('RateLimit-Limit'), path).toBeNull();
    }

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 200));
    const again = await hit();
    expect(again.status).toBe(401);
    expect(again.headers.get('RateLimit-Remaining')).toBe('4');
  });
});
