import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScannerError, type ScannerContext } from '../../scanners/sdk/contract.js';
import type { PostgresConfig } from '../../scanners/postgres/postgres-config.js';
import { postgresScanner } from '../../scanners/postgres/postgres-scanner.js';
import { freePort } from '../helpers/free-port.js';
import {
  connectScanner,
  createSourceDatabase,
  scannerContext,
  type SourceDatabase,
} from '../fixtures/postgres-source.js';

let source: SourceDatabase;
const role = `scan_reader_${randomBytes(4).toString('hex')}`;
const rolePassword = randomBytes(12).toString('hex');

beforeAll(async () => {
  source = await createSourceDatabase(
    'create schema shop; create table shop.orders (id integer primary key); create view shop.v as select 1 as one;',
  );
  await source.admin(`create role ${role} login password '${rolePassword}'`);
});

afterAll(async () => {
  // The database first: the role's privileges on it would keep the role from being dropped.
  await source?.drop();
  await source?.admin(`drop role if exists ${role}`);
});

/** What `check()` throws with `changes` to the working settings. */
async function checkFails(
  changes: Partial<PostgresConfig>,
  context?: ScannerContext,
): Promise<ScannerError> {
  const connection = await connectScanner(source.config, changes, context);
  try {
    const outcome = await connection.check().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(ScannerError);
    return outcome as ScannerError;
  } finally {
    await connection.close();
  }
}

describe('PostgreSQL scanner: check', () => {
  it('proves the connection and tells the server version and what it may read', async () => {
    const connection = await connectScanner(source.config);
    try {
      await expect(connection.check()).resolves.toEqual({
        serverVersion: expect.stringMatching(/^PostgreSQL \d+(\.\d+)?$/),
        details: { databases: 1, relations: 2, readable: 2, tls: false, readOnly: true },
      });
    } finally {
      await connection.close();
    }
    expect(postgresScanner.targets(source.config)).toEqual([
      { host: source.config.host, port: source.config.port },
    ]);
  });

  it('a wrong password is an authentication error naming user and host, never retried', async () => {
    const wrong = 'Wr0ng-Passw0rd-Value';
    const error = await checkFails({ password: wrong });
    expect(error.kind).toBe('authentication');
    expect(error.retryable).toBe(false);
    const { user, host, port } = source.config;
    expect(error.message).toBe(`wrong password for user "${user}" on PostgreSQL ${host}:${port}`);
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(source.config.password);
  });

  it('a port with nothing listening is a network error, worth retrying', async () => {
    const port = await freePort();
    const error = await checkFails({ port });
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toBe(
      `cannot reach PostgreSQL ${source.config.host}:${port} (ECONNREFUSED)`,
    );
  });

  it('an unknown database is a configuration error', async () => {
    const error = await checkFails({ databases: ['no_such_database_here'] });
    expect(error).toMatchObject({ kind: 'configuration', retryable: false });
    expect(error.message).toContain('database "no_such_database_here" does not exist');
  });

  it('a user without CONNECT, or who may read nothing, gets a permission error', async () => {
    const asRole = { user: role, password: rolePassword };
    await source.admin(`revoke connect on database ${source.name} from public`);
    const refused = await checkFails(asRole);
    expect(refused).toMatchObject({ kind: 'permission', retryable: false });
    expect(refused.message).toContain(`user "${role}"`);
    expect(refused.message).not.toContain(rolePassword);

    await source.admin(`grant connect on database ${source.name} to ${role}`);
    const blind = await checkFails(asRole);
    expect(blind).toMatchObject({ kind: 'permission' });
    expect(blind.message).toBe(
      `user "${role}" may read none of the 2 tables and views of database "${source.name}"`,
    );
  });

  it('TLS against a server without it is a configuration error', async () => {
    const error = await checkFails({ sslMode: 'require' });
    expect(error).toMatchObject({ kind: 'configuration' });
    expect(error.message).toContain('does not offer TLS');
  });

  it('goes only where the network policy allows, after resolving the name', async () => {
    const denied = await checkFails(
      { host: 'localhost' },
      scannerContext({ denyCidrs: ['127.0.0.0/8', '::1/128'] }),
    );
    expect(denied).toMatchObject({ kind: 'network-policy', retryable: false });
    const unknown = await checkFails({ host: 'no-such-host.invalid' });
    expect(unknown).toMatchObject({ kind: 'network', retryable: true });
  });

  it('refuses invalid settings without echoing the password', async () => {
    const config = { ...source.config, port: 0, extra: true } as unknown as PostgresConfig;
    const error = await postgresScanner
      .connect(config, scannerContext())
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({ kind: 'configuration' });
    expect((error as Error).message).toMatch(/^invalid PostgreSQL settings: /);
    expect((error as Error).message).toContain('port');
    expect((error as Error).message).toContain('extra');
    expect((error as Error).message).not.toContain(source.config.password);
  });
});
