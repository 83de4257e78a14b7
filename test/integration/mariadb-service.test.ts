import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CORE_SERVICE_NAMES,
  mariadbService,
  servicesStatus,
  servicesUp,
  type LocalService,
} from '../../scripts/services/index.js';
import { isAlive, isPortFree } from '../../scripts/services/process.js';
import { testConfig } from '../helpers/test-config.js';

// A throw-away server on its own port and folder; the shared one stays untouched.
const root = mkdtempSync(join(tmpdir(), 'governance-mariadb-'));
// As root the server runs as the mysql account, which must be able to reach its folder.
chmodSync(root, 0o755);
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

async function query(port: number, password: string, sql: string): Promise<unknown[]> {
  const connection = await mysql.createConnection({
    host: '127.0.0.1',
    port,
    user: 'governance',
    password,
    database: 'governance',
  });
  try {
    return (await connection.query(sql))[0] as unknown[];
  } finally {
    await connection.end();
  }
}

describe('mariadb service', () => {
  it('initialises once, is reused, keeps data across restarts and follows a new password', async () => {
    const port = await freePort();
    const dir = join(root, 'mariadb');
    const first = mariadbService({ port, dir, password: 'first-secret' });
    started.push(first);

    expect(await first.start()).toBe('started');
    expect(existsSync(join(dir, 'data', 'mysql'))).toBe(true);
    expect(existsSync(join(dir, 'mariadb.sock'))).toBe(true);
    // The init file holds the password; it is gone once the server answers.
    expect(existsSync(join(dir, 'init.sql'))).toBe(false);
    await query(port, 'first-secret', 'CREATE TABLE kept (id INT)');
    await query(port, 'first-secret', 'INSERT INTO kept VALUES (42)');

    const pid = first.pid();
    expect(pid).toBeDefined();
    expect(await first.start()).toBe('reused');
    expect(first.pid()).toBe(pid);

    await first.stop();
    expect(await first.isRunning()).toBe(false);
    expect(first.pid()).toBeUndefined();
    expect(isAlive(pid!)).toBe(false);
    expect(await isPortFree(port)).toBe(true);

    // Same folder, new password (secrets.json regenerated): the account follows at start.
    const second = mariadbService({ port, dir, password: 'second-secret' });
    started.push(second);
    const began = Date.now();
    expect(await second.start()).toBe('started');
    const warmStartMs = Date.now() - began;
    expect(await query(port, 'second-secret', 'SELECT id FROM kept')).toEqual([{ id: 42 }]);
    await expect(query(port, 'first-secret', 'SELECT 1')).rejects.toMatchObject({ errno: 1045 });
    expect(warmStartMs).toBeLessThan(15_000);

    await second.stop();
    expect(await isPortFree(port)).toBe(true);
  });

  it('refuses a port held by another MariaDB that does not take our password', async () => {
    const port = await freePort();
    const theirs = mariadbService({ port, dir: join(root, 'theirs'), password: 'their-secret' });
    started.push(theirs);
    await theirs.start();
    const ours = mariadbService({ port, dir: join(root, 'ours'), password: 'our-secret' });
    await expect(ours.start()).rejects.toThrow(
      `mariadb: port ${port} is in use by another program; set MARIADB_PORT to a free port`,
    );
    await theirs.stop();
  });
});

describe('mariadb in the services set', () => {
  it('is not a core service, yet is up for the tests and reported by status', async () => {
    expect(CORE_SERVICE_NAMES).not.toContain('mariadb');
    const config = testConfig();
    const [status] = await servicesUp(config, { only: ['mariadb'] });
    expect(status).toMatchObject({ name: 'mariadb', running: true });
    expect(status!.detail).toMatch(config.mariadb.managed ? /^already running/ : /^external/);
    expect(status!.endpoint).not.toContain(config.mariadb.password);
    const all = await servicesStatus(config);
    expect(all.find((entry) => entry.name === 'mariadb')).toMatchObject({ running: true });
  });
});
