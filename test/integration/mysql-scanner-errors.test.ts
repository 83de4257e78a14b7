import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession } from '../../scanners/mysql/mysql-session.js';
import type { DatasetRef, ScannerError } from '../../scanners/sdk/contract.js';
import { formatFqn } from '../../scanners/sdk/fqn.js';
import { freePort } from '../helpers/free-port.js';
import {
  adminQuery,
  collect,
  connectScanner,
  createMysqlSource,
  q,
  scannerContext,
  type MysqlSource,
} from '../fixtures/mysql-source.js';

let source: MysqlSource;
const limitedUser = `scan_ro_${randomBytes(4).toString('hex')}`;
const emptyUser = `scan_no_${randomBytes(4).toString('hex')}`;
const userPassword = `pw-${randomBytes(12).toString('hex')}`;

const ref = (table: string): DatasetRef => ({
  fqn: formatFqn([source.name, table]),
  path: [source.name, table],
  datasetType: 'table',
});

/** The error `work` fails with (the test fails if it succeeds). */
async function failure(work: () => Promise<unknown>): Promise<ScannerError> {
  try {
    await work();
  } catch (error) {
    return error as ScannerError;
  }
  throw new Error('expected a failure');
}

async function checkWith(changes: Parameters<typeof connectScanner>[1], denyCidrs?: string[]) {
  const connection = await connectScanner(
    source.config,
    changes,
    scannerContext(denyCidrs ? { denyCidrs } : {}),
  );
  try {
    return await connection.check();
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  source = await createMysqlSource([
    'CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(80))',
    'CREATE TABLE orders (id INT PRIMARY KEY)',
    "INSERT INTO customers VALUES (1, 'ada@example.com')",
  ]);
  for (const user of [limitedUser, emptyUser]) {
    await adminQuery(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, userPassword]);
  }
  await adminQuery(`GRANT SELECT ON ${q(source.name)}.customers TO ?@'%'`, [limitedUser]);
});

afterAll(async () => {
  for (const user of [limitedUser, emptyUser]) {
    await adminQuery(`DROP USER IF EXISTS ?@'%'`, [user]).catch(() => undefined);
  }
  await source?.drop();
});

describe('MySQL scanner: check', () => {
  it('reports the server version and what the account sees', async () => {
    expect(await checkWith({})).toEqual({
      serverVersion: expect.stringMatching(/^(MariaDB|MySQL) \d+\.\d+\.\d+$/),
      details: { account: expect.stringMatching(/@/), databases: 1, tls: false },
    });
  });

  it('names the user and host on a wrong password, without the password, not retryable', async () => {
    const error = await failure(() => checkWith({ password: 'not-the-password-123' }));
    expect(error).toMatchObject({ name: 'ScannerError', kind: 'authentication', retryable: false });
    expect(error.message).toContain(`"${source.config.user}"`);
    expect(error.message).toContain(`${source.config.host}:${source.config.port}`);
    expect(error.message).not.toContain('not-the-password-123');
    expect(error.message).not.toContain(source.config.password);
  });

  it('answers network, retryable, when nothing listens', async () => {
    const error = await failure(async () => checkWith({ port: await freePort() }));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toMatch(/connection refused/);
  });

  it('connects only where the network policy allows', async () => {
    const error = await failure(() => checkWith({}, ['127.0.0.0/8']));
    expect(error).toMatchObject({ kind: 'network-policy', retryable: false });
  });

  it('answers configuration for a database that is not there', async () => {
    const error = await failure(() => checkWith({ databases: [source.name, 'no_such_db_here'] }));
    expect(error).toMatchObject({ kind: 'configuration', retryable: false });
    expect(error.message).toContain('"no_such_db_here"');
  });

  it('answers configuration when TLS is required of a server without it', async () => {
    const [ssl] = (await adminQuery("SHOW VARIABLES LIKE 'have_ssl'")) as { Value: string }[];
    if (ssl?.Value === 'YES') return; // this server speaks TLS: nothing to refuse
    const error = await failure(() => checkWith({ tls: 'require' }));
    expect(error).toMatchObject({ kind: 'configuration' });
    expect(error.message).toMatch(/does not offer TLS; set tls to "disable"/);
  });

  it('answers permission for an account that sees no database', async () => {
    const error = await failure(() =>
      checkWith({ user: emptyUser, password: userPassword, databases: undefined }),
    );
    expect(error).toMatchObject({ kind: 'permission', retryable: false });
    expect(error.message).toContain(`"${emptyUser}"`);
  });
});

describe('MySQL scanner: privileges and safety', () => {
  it('answers permission when a table may not be read', async () => {
    const connection = await connectScanner(source.config, {
      user: limitedUser,
      password: userPassword,
    });
    try {
      expect((await connection.check()).details).toMatchObject({ databases: 1 });
      expect(await collect(connection.sample(ref('customers'), { rows: 5 }))).toEqual([
        { id: 1, email: 'ada@example.com' },
      ]);
      const error = await failure(() => collect(connection.sample(ref('orders'), { rows: 5 })));
      expect(error).toMatchObject({ kind: 'permission', retryable: false });
      expect(error.message).toContain(`"${limitedUser}"`);
      expect(error.message).not.toContain(userPassword);
    } finally {
      await connection.close();
    }
  });

  it('runs read-only sessions: writes and DDL are refused by the server', async () => {
    const session = await openSession(source.config, scannerContext());
    try {
      const table = `${q(source.name)}.customers`;
      await expect(
        session.select(`INSERT INTO ${table} VALUES (2, 'x@example.com')`),
      ).rejects.toMatchObject({
        errno: 1792,
      });
      await expect(
        session.select(`CREATE TABLE ${q(source.name)}.intruder (id INT)`),
      ).rejects.toMatchObject({
        errno: 1792,
      });
    } finally {
      await session.close();
    }
    expect(await source.query('SELECT COUNT(*) AS n FROM customers')).toEqual([{ n: '1' }]);
  });

  it('fails a stream the driver cannot parse instead of waiting forever', async () => {
    const session = await openSession(source.config, scannerContext());
    try {
      await expect(collect(session.stream('SELECT 1 AS `__proto__`'))).rejects.toThrow(/__proto__/);
      expect(session.reusable()).toBe(false);
    } finally {
      session.destroy();
    }
  });

  it('ends with the abort reason once the scan is cancelled', async () => {
    const controller = new AbortController();
    const connection = await connectScanner(
      source.config,
      {},
      scannerContext({ signal: controller.signal }),
    );
    try {
      controller.abort(new Error('scan cancelled'));
      await expect(collect(connection.sample(ref('customers'), { rows: 5 }))).rejects.toThrow(
        'scan cancelled',
      );
    } finally {
      await connection.close();
    }
  });
});
