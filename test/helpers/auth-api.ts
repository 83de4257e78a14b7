import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../api/app.js';
import type { Config } from '../../config/load-config.js';
import { createLogger } from '../../infra/logger.js';
import { createObjectStore } from '../../infra/object-store.js';
import { createRedis } from '../../infra/redis.js';
import { createTemporalClient } from '../../infra/temporal.js';
import type { Send } from './auth.js';
import { testConfig } from './test-config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** The real API over HTTP on its own database and its own Redis key prefix. */
export interface AuthApi {
  /** The app itself, for what only the router knows (its registered routes). */
  app: ReturnType<typeof createApp>;
  config: Config;
  database: TestDatabase;
  redisKeyPrefix: string;
  /** The app's Temporal client, e.g. to end workflows a test started through the API. */
  temporal: ReturnType<typeof createTemporalClient>;
  port: number;
  send: Send;
  /** Sends the path byte for byte, where `fetch` would normalise it first. */
  raw(method: string, path: string, headers?: Record<string, string>): Promise<RawResponse>;
  /** Keys under this API's prefix that match a pattern (the prefix is added). */
  redisKeys(pattern: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export async function startAuthApi(overrides: NodeJS.ProcessEnv = {}): Promise<AuthApi> {
  const config = testConfig(overrides);
  const database = await createTestDatabase();
  const redis = createRedis(config.redis.url);
  const temporal = createTemporalClient(config.temporal);
  const redisKeyPrefix = `test:${randomUUID()}:`;
  const app = createApp({
    config,
    logger: createLogger(config, 'api'),
    db: database.db,
    redis,
    temporal,
    objectStore: createObjectStore(config.s3),
    redisKeyPrefix,
  });
  const server: ServerType = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    app,
    config,
    database,
    redisKeyPrefix,
    temporal,
    port,
    send: (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init),
    raw: (method, path, headers = {}) =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end();
      }),
    redisKeys: (pattern) => redis.keys(`${redisKeyPrefix}${pattern}`),
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
      const keys = await redis.keys(`${redisKeyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await temporal.connection.close();
      await database.drop();
    },
  };
}
