import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import type { platformCheckWorkflow } from '../../workflows/platform-check-workflow.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { testConfig } from '../helpers/test-config.js';
import { runEntrypoint } from '../helpers/child-process.js';
import { freePort } from '../helpers/free-port.js';
import { bearer, login } from '../helpers/auth.js';

const config = testConfig();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('graceful shutdown', () => {
  let database: TestDatabase;
  let connection: Connection;
  let temporal: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    connection = await Connection.connect({ address: config.temporal.address });
    temporal = new Client({ connection, namespace: config.temporal.namespace });
  });
  afterAll(async () => {
    await connection?.close();
    await database?.drop();
  });

  it('the worker lets a running activity finish on SIGTERM, and the workflow completes', async () => {
    const taskQueue = `shutdown-${randomUUID()}`;
    const worker = runEntrypoint('worker/main.ts', {
      DATABASE_URL: database.url,
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'info',
      WORKER_SHUTDOWN_GRACE_SECONDS: '60',
    });
    await worker.waitFor(/worker started/);

    // Hold a lock the activity's query must wait for, so the activity is mid-flight at SIGTERM.
    const locker = new pg.Client({ connectionString: database.url });
    locker.on('error', () => undefined);
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table audit_log in access exclusive mode');

    const handle = await temporal.workflow.start<typeof platformCheckWorkflow>(
      'platformCheckWorkflow',
      {
        workflowId: `platform-check-${randomUUID()}`,
        taskQueue,
      },
    );
    await until(
      async () => {
        // Polled outside the locking transaction: pg_stat_activity is a snapshot within one.
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where datname = ${database.name} and wait_event_type = 'Lock'
            and query ilike '%audit_log%'`.execute(database.db);
        return (rows[0]?.n ?? 0) > 0;
      },
      30_000,
      `the activity waits on the lock; worker output:\n${worker.output()}`,
    );

    worker.child.kill('SIGTERM');
    await sleep(1_500);
    expect(worker.child.exitCode).toBeNull();

    await locker.query('commit');
    await locker.end();
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toMatch(/worker stopped/);

    // The draining worker completed its activity (first attempt, no retry). The workflow's
    // next step belongs to whichever worker polls next: a restarted one finishes it.
    const events = (await handle.fetchHistory()).events ?? [];
    const started = events.filter((e) => e.activityTaskStartedEventAttributes);
    expect(started).toHaveLength(1);
    expect(started[0]!.activityTaskStartedEventAttributes!.attempt).toBe(1);
    expect(events.some((e) => e.activityTaskCompletedEventAttributes)).toBe(true);

    const restarted = runEntrypoint('worker/main.ts', {
      DATABASE_URL: database.url,
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'info',
    });
    try {
      const result = await handle.result();
      expect(result.database.tables).toContainEqual({ name: 'audit_log', rows: 0 });
      expect((await handle.describe()).status.name).toBe('COMPLETED');
    } finally {
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    }
  });

  it('the API finishes in-flight requests on SIGTERM, then exits', async () => {
    const port = await freePort();
    const admin = { email: `admin-${randomUUID()}@example.test`, password: randomUUID() };
    // No worker polls this queue, so the request below waits its full `wait` time.
    const api = runEntrypoint('api/server.ts', {
      DATABASE_URL: database.url,
      API_PORT: String(port),
      TEMPORAL_TASK_QUEUE: `idle-${randomUUID()}`,
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
    });
    await api.waitFor(/api listening/);
    // The API created this first admin at start-up.
    const send = (path: string, init?: RequestInit) =>
      fetch(`http://127.0.0.1:${port}${path}`, init);
    const { accessToken } = await login(send, admin);
    const inFlight = send('/api/v1/diagnostics?wait=3', {
      method: 'POST',
      headers: bearer(accessToken),
    });
    await sleep(1_000);
    api.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    expect(await api.exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    await temporal.workflow.getHandle(id).terminate('test cleanup');
  });
});
