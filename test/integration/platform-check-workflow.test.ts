import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app.js';
import { createWorker } from '../../worker/create-worker.js';
import { createWorkerDeps } from '../../worker/worker-deps.js';
import { migrations } from '../../db/migrations/index.js';
import { createLogger } from '../../infra/logger.js';
import { createRedis } from '../../infra/redis.js';
import { createObjectStore } from '../../infra/object-store.js';
import type { PlatformCheckResult } from '../../workflows/platform-check-workflow.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { testConfig } from '../helpers/test-config.js';
import { bearer, createTestUser, login } from '../helpers/auth.js';

interface CheckBody {
  id: string;
  status: 'running' | 'completed';
  result: PlatformCheckResult;
}

describe('platform check: API → Temporal → worker → PostgreSQL', () => {
  const taskQueue = `test-${randomUUID()}`;
  const base = testConfig();
  const config = { ...base, temporal: { ...base.temporal, taskQueue } };
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let worker: Worker;
  let workerDeps: Awaited<ReturnType<typeof createWorkerDeps>>;
  let running: Promise<void>;
  let server: ServerType;
  let apiUrl: string;
  const redis = createRedis(config.redis.url);
  const redisKeyPrefix = `test:${randomUUID()}:`;
  let auth: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    env = await TestWorkflowEnvironment.createFromExistingServer({
      address: config.temporal.address,
      namespace: config.temporal.namespace,
    });
    workerDeps = await createWorkerDeps(config, createLogger(config, 'worker'), database.db);
    worker = await createWorker({
      config,
      connection: env.nativeConnection,
      deps: workerDeps,
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    running = worker.run();
    const temporal = new Client({
      connection: env.connection,
      namespace: config.temporal.namespace,
    });
    const app = createApp({
      config,
      logger: createLogger(config, 'api'),
      db: database.db,
      redis,
      temporal,
      objectStore: createObjectStore(config.s3),
      redisKeyPrefix,
    });
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const admin = await createTestUser(database.db, { platformAdmin: true });
    const tokens = await login((path, init) => fetch(`${apiUrl}${path}`, init), admin);
    auth = bearer(tokens.accessToken);
  });

  afterAll(async () => {
    server?.close();
    worker?.shutdown();
    await running;
    await workerDeps?.close();
    redis.disconnect();
    await env?.teardown();
    await database?.drop();
  });

  it('runs the workflow on a worker and returns the activity result through the API', async () => {
    await database.db.insertInto('workspaces').values({ slug: 'retail', name: 'Retail' }).execute();
    const response = await fetch(`${apiUrl}/api/v1/diagnostics?wait=30`, {
      method: 'POST',
      headers: auth,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as CheckBody;
    expect(body.status).toBe('completed');
    expect(body.id).toMatch(/^platform-check-/);
    expect(body.result.taskQueue).toBe(taskQueue);
    expect(body.result.database.database).toBe(database.name);
    expect(body.result.database.migrations).toEqual(Object.keys(migrations));
    expect(body.result.database.tables).toContainEqual({ name: 'workspaces', rows: 1 });

    const again = await fetch(`${apiUrl}/api/v1/diagnostics/${body.id}`, { headers: auth });
    expect(again.status).toBe(200);
    expect(((await again.json()) as CheckBody).result).toEqual(body.result);

    const history = await env.client.workflow.getHandle(body.id).fetchHistory();
    const text = JSON.stringify(history);
    expect(text).not.toContain(config.postgres.password);
  });

  it('answers 202 with a Location when the result is not ready in time', async () => {
    // No worker polls this queue: the workflow stays scheduled.
    const idle = { ...config, temporal: { ...config.temporal, taskQueue: `idle-${randomUUID()}` } };
    const app = createApp({
      config: idle,
      logger: createLogger(idle, 'api'),
      db: database.db,
      redis,
      temporal: env.client,
      objectStore: createObjectStore(idle.s3),
      redisKeyPrefix,
    });
    const response = await app.request('/api/v1/diagnostics?wait=0', {
      method: 'POST',
      headers: auth,
    });
    expect(response.status).toBe(202);
    const location = response.headers.get('Location');
    expect(location).toMatch(/^\/api\/v1\/diagnostics\/platform-check-/);
    const pending = await app.request(location!, { headers: auth });
    expect(pending.status).toBe(202);
    await env.client.workflow.getHandle(location!.split('/').pop()!).terminate('test cleanup');
  });

  it('rejects bad input and unknown ids as problem+json', async () => {
    const bad = await fetch(`${apiUrl}/api/v1/diagnostics?wait=999`, {
      method: 'POST',
      headers: auth,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const unknownField = await fetch(`${apiUrl}/api/v1/diagnostics?wait=1&admin=true`, {
      method: 'POST',
      headers: auth,
    });
    expect(unknownField.status).toBe(400);
    const missing = await fetch(`${apiUrl}/api/v1/diagnostics/platform-check-${randomUUID()}`, {
      headers: auth,
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { title: string }).title).toBe('Not Found');
    const foreign = await fetch(`${apiUrl}/api/v1/diagnostics/scan:abc`, { headers: auth });
    expect(foreign.status).toBe(400);
  });
});
