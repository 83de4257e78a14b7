import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  minioService,
  postgresService,
  redisService,
  temporalService,
  type LocalService,
} from '../../scripts/services/index.js';
import { probeTemporal, s3Client } from '../../scripts/services/probes.js';
import { isAlive, isPortFree } from '../../scripts/services/process.js';
import { testConfig } from '../helpers/test-config.js';

// Throw-away instances on their own ports and folders; the shared services stay untouched.
const root = mkdtempSync(join(tmpdir(), 'governance-services-'));
// The postgres OS account must be able to reach the cluster folder when tests run as root.
chmodSync(root, 0o755);
const { toolsDir } = testConfig();
const started: LocalService[] = [];

afterAll(async () => {
  for (const service of started) await service.stop().catch(() => {});
  rmSync(root, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A program that accepts connections and never answers, like an unrelated server would. */
async function holdPort(): Promise<Server & { port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { port: (server.address() as AddressInfo).port, sockets });
}

function release(server: Server & { sockets: Set<Socket> }): Promise<unknown> {
  for (const socket of server.sockets) socket.destroy();
  return new Promise((resolve) => server.close(resolve));
}

function track<T extends LocalService>(service: T): T {
  started.push(service);
  return service;
}

async function expectStopped(service: LocalService, port: number): Promise<void> {
  const pid = service.pid();
  await service.stop();
  expect(await service.isRunning()).toBe(false);
  expect(service.pid()).toBeUndefined();
  if (pid !== undefined) expect(isAlive(pid)).toBe(false);
  expect(await isPortFree(port)).toBe(true);
}

describe('redis service', () => {
  it('starts, answers with its password, is reused, stops and starts again', async () => {
    const port = await freePort();
    const dir = join(root, 'redis');
    const redis = track(redisService({ port, dir, password: 'first-secret' }));

    expect(await redis.start()).toBe('started');
    expect(statSync(join(dir, 'redis.conf')).mode & 0o777).toBe(0o600);
    const client = new Redis({
      host: '127.0.0.1',
      port,
      password: 'first-secret',
      lazyConnect: true,
    });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();

    const pid = redis.pid();
    expect(await redis.start()).toBe('reused');
    expect(redis.pid()).toBe(pid);

    await expectStopped(redis, port);
    expect(await redis.start()).toBe('started');
    await expectStopped(redis, port);
  });

  it('replaces a stale pid file left by a process that is gone', async () => {
    const port = await freePort();
    const dir = join(root, 'redis-stale');
    const redis = track(redisService({ port, dir, password: 'stale-secret' }));
    const deadPid = spawnSync('true').pid;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'redis.pid'), `${deadPid}\n`);

    expect(redis.pid()).toBeUndefined();
    expect(await redis.start()).toBe('started');
    expect(Number(readFileSync(join(dir, 'redis.pid'), 'utf8'))).not.toBe(deadPid);
    await expectStopped(redis, port);
  });

  it('refuses a port held by another program, naming REDIS_PORT', async () => {
    const blocker = await holdPort();
    try {
      const redis = redisService({
        port: blocker.port,
        dir: join(root, 'redis-blocked'),
        password: 'x-secret',
      });
      await expect(redis.start()).rejects.toThrow(
        `redis: port ${blocker.port} is in use by another program; set REDIS_PORT to a free port`,
      );
    } finally {
      await release(blocker);
    }
  });

  it('refuses a Redis on the port that does not take our password', async () => {
    const port = await freePort();
    const theirs = track(
      redisService({ port, dir: join(root, 'redis-theirs'), password: 'their-secret' }),
    );
    await theirs.start();
    const ours = redisService({ port, dir: join(root, 'redis-ours'), password: 'our-secret' });
    await expect(ours.start()).rejects.toThrow(
      `redis: port ${port} is in use by another program; set REDIS_PORT`,
    );
    await expectStopped(theirs, port);
  });
});

describe('postgres service', () => {
  it('creates a cluster once, keeps data across a restart and refuses a foreign port', async () => {
    const port = await freePort();
    const options = { port, dir: join(root, 'postgres'), password: 'pg-secret', toolsDir };
    const postgres = track(postgresService(options));
    const query = async (sql: string) => {
      const client = new pg.Client({
        host: '127.0.0.1',
        port,
        user: 'governance',
        password: 'pg-secret',
        database: 'governance',
      });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };

    expect(await postgres.start()).toBe('started');
    await query('create table kept (id int)');
    expect(await postgres.start()).toBe('reused');
    await expectStopped(postgres, port);

    expect(await postgres.start()).toBe('started');
    expect(await query("select to_regclass('kept') as name")).toEqual([{ name: 'kept' }]);
    await expect(
      postgresService({
        ...options,
        password: 'wrong-secret',
        dir: join(root, 'postgres-other'),
      }).start(),
    ).rejects.toThrow(
      `postgres: port ${port} is in use by another program; set PG_PORT to a free port`,
    );
    await expectStopped(postgres, port);
  });
});

describe('temporal service', () => {
  it('starts the dev server with the namespace, is reused and stops', async () => {
    const [port, uiPort, httpPort, metricsPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const options = {
      port: port!,
      uiPort: uiPort!,
      httpPort,
      metricsPort,
      dir: join(root, 'temporal'),
      namespace: 'services-test',
      toolsDir,
    };
    const temporal = track(temporalService(options));

    expect(await temporal.start()).toBe('started');
    await probeTemporal(`127.0.0.1:${port}`, 'services-test');
    expect(await temporal.start()).toBe('reused');
    await expectStopped(temporal, port!);
  });

  it('refuses a UI port held by another program, naming TEMPORAL_UI_PORT', async () => {
    const blocker = await holdPort();
    try {
      const temporal = temporalService({
        port: await freePort(),
        uiPort: blocker.port,
        dir: join(root, 'temporal-blocked'),
        namespace: 'default',
        toolsDir,
      });
      await expect(temporal.start()).rejects.toThrow(
        `port ${blocker.port} is in use by another program; set TEMPORAL_UI_PORT`,
      );
    } finally {
      await release(blocker);
    }
  });
});

describe('minio service', () => {
  it('starts with our keys, creates the bucket, is reused and stops', async () => {
    const [port, consolePort] = await Promise.all([freePort(), freePort()]);
    const keys = { accessKey: 'services-test', secretKey: 'services-test-secret' };
    const minio = track(
      minioService({
        port: port!,
        consolePort: consolePort!,
        dir: join(root, 'minio'),
        bucket: 'scratch',
        toolsDir,
        ...keys,
      }),
    );

    expect(await minio.start()).toBe('started');
    const client = s3Client({ endpoint: `http://127.0.0.1:${port}`, bucket: 'scratch', ...keys });
    expect(await client.bucketExists('scratch')).toBe(true);
    expect(await minio.start()).toBe('reused');
    await expectStopped(minio, port!);
  });
});
