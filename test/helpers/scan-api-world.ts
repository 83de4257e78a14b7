import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { NativeConnection, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { createLogger } from '../../infra/logger.js';
import { createWorkerDeps } from '../../worker/worker-deps.js';
import { bearer, createTestUser, login, type Send } from './auth.js';
import { startAuthApi, type AuthApi } from './auth-api.js';
import { withDatabase } from './database-url.js';
import { SOURCE_SQL } from './scan-source-fixture.js';
import { TEST_TUNING } from './scan-harness.js';

/**
 * A request with a bearer token and, when given, a JSON body.
 *
 * @example
 * await call(api.send, 'POST', '/api/v1/datasources', token, { … });
 */
export const call = (send: Send, method: string, path: string, token: string, body?: unknown) =>
  send(path, {
    method,
    headers: {
      ...bearer(token),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/**
 * The real API and a real worker on one task queue, a PostgreSQL source database made from
 * `SOURCE_SQL`, two workspaces and a data steward, a viewer and an outsider (admin of the
 * other workspace), signed in.
 *
 * @example
 * const world = await startScanApiWorld('scan-api');
 * const sourceId = await world.register('warehouse');
 */
export interface ScanApiWorld {
  api: AuthApi;
  sourceDb: string;
  workspaceId: string;
  otherWorkspaceId: string;
  tokens: { steward: string; viewer: string; outsider: string };
  /** Registers the source database as a `postgres` data source of the workspace. */
  register(name: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts everything `ScanApiWorld` describes; `label` names the task queue and database. */
export async function startScanApiWorld(label: string): Promise<ScanApiWorld> {
  const api = await startAuthApi({ TEMPORAL_TASK_QUEUE: `${label}-${randomUUID()}` });
  const sourceDb = `${label.replace(/\W/g, '_')}_source_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: api.config.postgres.url });
  await admin.connect();
  await admin.query(`create database ${sourceDb}`);
  const source = new pg.Client({
    connectionString: withDatabase(api.config.postgres.url, sourceDb),
  });
  await source.connect();
  await source.query(SOURCE_SQL);
  await source.end();

  const deps = await createWorkerDeps(
    api.config,
    createLogger(api.config, 'worker'),
    api.database.db,
    { redisKeyPrefix: api.redisKeyPrefix, tuning: TEST_TUNING },
  );
  const connection = await NativeConnection.connect({ address: api.config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: api.config.temporal.namespace,
    taskQueue: api.config.temporal.taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities(deps),
  });
  const running = worker.run();

  const db = api.database.db;
  const [ours, theirs] = await db
    .insertInto('workspaces')
    .values([
      { slug: 'data', name: 'Data' },
      { slug: 'other', name: 'Other' },
    ])
    .returning('id')
    .execute();
  const workspaceId = ours!.id;
  const otherWorkspaceId = theirs!.id;
  const users = {
    steward: await createTestUser(db, { memberships: [{ workspaceId, role: 'data_steward' }] }),
    viewer: await createTestUser(db, { memberships: [{ workspaceId, role: 'viewer' }] }),
    outsider: await createTestUser(db, {
      memberships: [{ workspaceId: otherWorkspaceId, role: 'admin' }],
    }),
  };
  const tokens = { steward: '', viewer: '', outsider: '' };
  for (const role of Object.keys(users) as (keyof typeof users)[]) {
    tokens[role] = (await login(api.send, users[role])).accessToken;
  }
  const url = new URL(api.config.postgres.url);

  return {
    api,
    sourceDb,
    workspaceId,
    otherWorkspaceId,
    tokens,
    async register(name, password = decodeURIComponent(url.password)) {
      const response = await call(api.send, 'POST', '/api/v1/datasources', tokens.steward, {
        workspaceId,
        name,
        scanner: 'postgres',
        config: {
          host: url.hostname,
          port: Number(url.port),
          database: sourceDb,
          user: decodeURIComponent(url.username),
          password,
        },
      });
      if (response.status !== 201) {
        throw new Error(
          `registering ${name} answered ${response.status}: ${await response.text()}`,
        );
      }
      return ((await response.json()) as { id: string }).id;
    },
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await api.close();
      await admin.query(`drop database if exists ${sourceDb} with (force)`);
      await admin.end();
    },
  };
}
