import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb } from '../../db/connection.js';
import type { Database } from '../../db/schema.js';
import { withDatabase } from './database-url.js';
import { testConfig } from './test-config.js';

export interface TestDatabase {
  name: string;
  url: string;
  db: Kysely<Database>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testConfig().postgres.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of this test file's own: a copy of the migrated template, or an empty one
 * with `{ empty: true }` (for migration tests).
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const template = options.empty ? 'template0' : inject('templateDatabase');
  await admin((client) => client.query(`create database ${name} template ${template}`));
  const url = withDatabase(testConfig().postgres.url, name);
  const db = createDb(url, { max: 4 });
  return {
    name,
    url,
    db,
    async drop() {
      await db.destroy();
      await admin((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}
