import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createApiDeps } from '../../api/create-deps.js';
import { createLogger } from '../../infra/logger.js';
import type { Readiness } from '../../infra/readiness.js';
import {
  minioService,
  postgresService,
  redisService,
  temporalService,
  type LocalService,
  type ServiceName,
} from '../../scripts/services/index.js';
import { freePort } from '../helpers/free-port.js';
import { testConfig } from '../helpers/test-config.js';

// Throw-away instances of all four services, so that stopping one does not disturb the
// other test files that share the main ones.
describe('GET /ready with each dependency down and back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ready-test-'));
  // PostgreSQL runs as its own OS user when the tests run as root: it must reach the folder.
  chmodSync(dir, 0o755);
  const password = 'ready-test-password';
  const toolsDir = testConfig().toolsDir;
  const services = {} as Record<ServiceName, LocalService>;
  let app: ReturnType<typeof createApp>;
  let close: () => Promise<void>;

  const ready = async () => {
    const response = await app.request('/ready');
    return { status: response.status, body: (await response.json()) as Readiness };
  };
  async function untilReady(timeoutMs: number): Promise<Readiness> {
    const deadline = Date.now() + timeoutMs;
    let last = await ready();
    while (last.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      last = await ready();
    }
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    return last.body;
  }

  beforeAll(async () => {
    const [pgPort, redisPort, temporalPort, uiPort, minioPort, consolePort] = await Promise.all(
      Array.from({ length: 6 }, () => freePort()),
    );
    services.postgres = postgresService({
      port: pgPort!,
      dir: join(dir, 'pg'),
      password,
      toolsDir,
    });
    services.redis = redisService({ port: redisPort!, dir: join(dir, 'redis'), password });
    services.temporal = temporalService({
      port: temporalPort!,
      uiPort: uiPort!,
      dir: join(dir, 'temporal'),
      namespace: 'default',
      toolsDir,
    });
    services.minio = minioService({
      port: minioPort!,
      consolePort: consolePort!,
      dir: join(dir, 'minio'),
      accessKey: 'ready-test',
      secretKey: password,
      bucket: 'ready-test',
      toolsDir,
    });
    await Promise.all(Object.values(services).map((service) => service.start()));

    // An operator's pack folder with one file that is not a valid pack.
    const packs = join(dir, 'packs');
    mkdirSync(packs);
    writeFileSync(join(packs, 'broken.json'), '{"id": "acme", "rules": [');
    const config = testConfig({
      COMPLIANCE_PACKS_DIR: packs,
      DATABASE_URL: `postgres://governance:${password}@127.0.0.1:${pgPort}/governance`,
      REDIS_URL: `redis://:${password}@127.0.0.1:${redisPort}`,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      S3_ENDPOINT: `http://127.0.0.1:${minioPort}`,
      S3_ACCESS_KEY: 'ready-test',
      S3_SECRET_KEY: password,
      S3_BUCKET: 'ready-test',
      READY_CHECK_TIMEOUT_MS: '1500',
    });
    const deps = createApiDeps(config, createLogger(config, 'api'));
    app = createApp(deps);
    close = deps.close;
  }, 300_000);

  afterAll(async () => {
    await close?.();
    await Promise.allSettled(Object.values(services).map((service) => service.stop()));
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('is 200 with every dependency up, each with its latency, and lists a rejected pack', async () => {
    const body = (await untilReady(30_000)) as Readiness & {
      details: { compliancePacks: { loaded: string[]; rejected: { file: string }[] } };
    };
    expect(body.status).toBe('ready');
    // A bad pack stops nothing: the built-in packs are in force and the service is ready.
    expect(body.details.compliancePacks.loaded).toEqual(['ccpa', 'gdpr', 'hipaa', 'pci-dss']);
    expect(body.details.compliancePacks.rejected).toMatchObject([{ file: 'broken.json' }]);
    for (const check of Object.values(body.checks)) {
      expect(check).toMatchObject({ status: 'up' });
      expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it.each(['redis', 'postgres', 'minio', 'temporal'] as const)(
    'says %s is down (503) and recovers when it is back',
    async (name) => {
      await services[name].stop();
      const down = await ready();
      expect(down.status).toBe(503);
      expect(down.body.status).toBe('not_ready');
      expect(down.body.checks[name].status).toBe('down');
      expect(down.body.checks[name].error).toBeTruthy();
      for (const [other, check] of Object.entries(down.body.checks)) {
        if (other !== name) expect(check.status, other).toBe('up');
      }
      expect(JSON.stringify(down.body)).not.toContain(password);

      await services[name].start();
      await untilReady(45_000);
    },
    120_000,
  );
});

describe('GET /ready with a dependency that accepts connections but never answers', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('reports it down after the configured timeout, without waiting longer', async () => {
    const { port } = silent.address() as { port: number };
    const config = testConfig({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      READY_CHECK_TIMEOUT_MS: '800',
    });
    const deps = createApiDeps(config, createLogger(config, 'api'));
    const app = createApp(deps);
    try {
      const started = performance.now();
      const response = await app.request('/ready');
      const elapsed = performance.now() - started;
      const body = (await response.json()) as Readiness;
      expect(response.status).toBe(503);
      expect(body.checks.redis.status).toBe('down');
      expect(body.checks.postgres.status).toBe('up');
      expect(elapsed).toBeLessThan(3_000);
    } finally {
      await deps.close();
    }
  });
});
