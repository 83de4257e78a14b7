import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import type { platformCheckWorkflow } from '../../workflows/platform-check-workflow.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { testConfig } from '../helpers/test-config.js';
import { runEntrypoint } from '../helpers/child-process.js';

const config = testConfig();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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
        const { rows } = await locker.query(
          `select count(*)::int as n from pg_stat_activity
           where datname = $1 and wait_event_type = 'Lock' and query ilike '%audit_log%'`,
          [database.name],
        );
        return rows[0].n > 0;
      },
      30_000,
      'the activity waits on the lock',
    );

    worker.child.kill('SIGTERM');
    await sleep(1_500);
    expect(worker.child.exitCode).toBeNull();

    await locker.query('commit');
    await locker.end();
    const result = await handle.result();
    expect(result.database.tables).toContainEqual({ name: 'audit_log', rows: 0 });
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toMatch(/worker stopped/);
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
  });

  it('the API finishes in-flight requests on SIGTERM, then exits', async () => {
    const port = await freePort();
    // No worker polls this queue, so the request below waits its full `wait` time.
    const api = runEntrypoint('api/server.ts', {
      DATABASE_URL: database.url,
      API_PORT: String(port),
      TEMPORAL_TASK_QUEUE: `idle-${randomUUID()}`,
      LOG_LEVEL: 'info',
    });
    await api.waitFor(/api listening/);
    const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/diagnostics?wait=3`, {
      method: 'POST',
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
