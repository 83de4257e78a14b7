import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '../../api/bootstrap.js';
import { createLogger } from '../../infra/logger.js';
import { verifyPassword } from '../../infra/passwords.js';
import { testConfig } from '../helpers/test-config.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

describe('first platform admin', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  const admins = () =>
    database.db
      .selectFrom('users')
      .select(['id', 'email', 'password_hash'])
      .where('is_platform_admin', '=', true)
      .execute();

  it('production without ADMIN_PASSWORD creates nobody and invents no password', async () => {
    const config = { ...testConfig(), env: 'production' as const };
    const printed: string[] = [];
    await ensureFirstAdmin(database.db, config, createLogger(config, 'api'), (line) =>
      printed.push(line),
    );
    expect(await admins()).toEqual([]);
    expect(printed).toEqual([]);
  });

  it('otherwise generates a password, prints it once, and does nothing on later starts', async () => {
    const email = `first-${randomUUID()}@example.test`;
    const config = testConfig({ ADMIN_EMAIL: email });
    const printed: string[] = [];
    const print = (line: string) => printed.push(line);
    await Promise.all([
      ensureFirstAdmin(database.db, config, createLogger(config, 'api'), print),
      ensureFirstAdmin(database.db, config, createLogger(config, 'api'), print),
    ]);
    await ensureFirstAdmin(database.db, config, createLogger(config, 'api'), print);

    const [admin, ...others] = await admins();
    expect(others).toEqual([]);
    expect(admin!.email).toBe(email);
    expect(printed).toHaveLength(1);
    const password = /Generated password \(shown once, change it\): (\S+)/.exec(printed[0]!)![1]!;
    expect(await verifyPassword(admin!.password_hash, password)).toBe(true);

    const membership = await database.db
      .selectFrom('workspace_memberships as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select(['w.slug', 'm.role'])
      .where('m.user_id', '=', admin!.id)
      .execute();
    expect(membership).toEqual([{ slug: 'default', role: 'admin' }]);
  });
});
