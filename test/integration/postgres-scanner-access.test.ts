import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetAccess, DiscoveredDataset } from '../../scanners/sdk/contract.js';
import {
  collect,
  connectScanner,
  createSourceDatabase,
  type SourceDatabase,
} from '../fixtures/postgres-source.js';
import { testConfig } from '../helpers/test-config.js';

// Roles are server-wide: names of their own keep parallel test files apart.
const suffix = randomBytes(4).toString('hex');
const analyst = `analyst_${suffix}`;
const auditors = `Auditors ${suffix}`;
const writer = `writer_${suffix}`;
const ROLES = [analyst, auditors, writer];

let source: SourceDatabase;

beforeAll(async () => {
  for (const role of ROLES) await onServer(`create role "${role}" nologin`);
  source = await createSourceDatabase(`
    create schema hr;
    grant usage on schema hr to public;
    create table hr.people (id integer primary key, name text, salary numeric);
    create view hr.directory as select id, name from hr.people;
    create materialized view hr.payroll as select sum(salary) as total from hr.people;
    create table hr.visits (id integer, day date) partition by range (day);
    create table hr.visits_2024 partition of hr.visits
      for values from ('2024-01-01') to ('2025-01-01');
    create table hr.untouched (id integer);

    grant select on hr.directory to public;
    grant select on hr.people to "${analyst}";
    grant select (name) on hr.people to public;
    grant select (salary) on hr.people to "${auditors}";
    grant select on hr.payroll to "${auditors}", "${analyst}";
    -- writing is not reading
    grant insert, update on hr.visits to "${writer}";
    grant select on hr.visits_2024 to public;`);
});

afterAll(async () => {
  await source?.drop();
  for (const role of ROLES) await onServer(`drop role if exists "${role}"`);
});

/** Roles outlive databases, so they are made and dropped on the maintenance database. */
async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testConfig().postgres.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function discoverHr(): Promise<Map<string, DiscoveredDataset>> {
  const connection = await connectScanner(source.config, { includeSchemas: ['hr'] });
  try {
    const items = await collect(connection.discover());
    return new Map(
      items
        .filter((item): item is DiscoveredDataset => item.kind === 'dataset')
        .map((item) => [item.name, item]),
    );
  } finally {
    await connection.close();
  }
}

describe('PostgreSQL scanner: who may read each dataset', () => {
  it('reports PUBLIC and explicit SELECT grantees, column grants included, the owner left out', async () => {
    const found = await discoverHr();
    const access = Object.fromEntries(
      [...found].map(([name, dataset]) => [name, dataset.properties?.access as DatasetAccess]),
    );
    expect(access).toEqual({
      people: { publicRead: true, readers: [auditors, 'PUBLIC', analyst] },
      directory: { publicRead: true, readers: ['PUBLIC'] },
      payroll: { publicRead: false, readers: [auditors, analyst] },
      // The parent stands for its partitions: a leaf's own grant is not the parent's.
      visits: { publicRead: false, readers: [] },
      untouched: { publicRead: false, readers: [] },
    });
    // Bytewise order: an upper-case name before `PUBLIC` and lower-case ones.
    expect([...access.people!.readers].sort()).toEqual(access.people!.readers);
    // The sampling hints stay apart: the engine drops those, not `access`.
    expect(found.get('people')!.properties).toMatchObject({ sampling: expect.any(Object) });
  });

  it("agrees with has_any_column_privilege('public', …) for every relation", async () => {
    const found = await discoverHr();
    const rows = await source.query<{ name: string; public_read: boolean }>(`
      select c.relname as name, has_any_column_privilege('public', c.oid, 'SELECT') as public_read
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'hr' and c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition`);
    expect(rows).toHaveLength(found.size);
    for (const row of rows) {
      expect(found.get(row.name)!.properties?.access, row.name).toMatchObject({
        publicRead: row.public_read,
      });
    }
  });

  it('keeps the fingerprint when grants change, and reports the new grants', async () => {
    const before = await discoverHr();
    await source.query(`
      grant select on hr.untouched to public;
      revoke select on hr.directory from public;
      grant select on hr.directory to "${auditors}";
      revoke select (name) on hr.people from public;`);
    try {
      const after = await discoverHr();
      for (const [name, dataset] of before) {
        expect(after.get(name)!.fingerprint, name).toBe(dataset.fingerprint);
      }
      expect(after.get('untouched')!.properties?.access).toEqual({
        publicRead: true,
        readers: ['PUBLIC'],
      });
      expect(after.get('directory')!.properties?.access).toEqual({
        publicRead: false,
        readers: [auditors],
      });
      expect(after.get('people')!.properties?.access).toEqual({
        publicRead: false,
        readers: [auditors, analyst],
      });
    } finally {
      await source.query(`
        revoke select on hr.untouched from public;
        revoke select on hr.directory from "${auditors}";
        grant select on hr.directory to public;
        grant select (name) on hr.people to public;`);
    }
  });
});
