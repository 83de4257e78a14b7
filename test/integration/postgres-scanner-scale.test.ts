import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DiscoveredDataset, DiscoveredItem } from '../../scanners/sdk/contract.js';
import type { PostgresConfig } from '../../scanners/postgres/postgres-config.js';
import { manyTablesSql } from '../fixtures/postgres-source-sql.js';
import {
  collect,
  connectScanner,
  createSourceDatabase,
  scannerContext,
  type SourceDatabase,
} from '../fixtures/postgres-source.js';

let source: SourceDatabase;
let other: SourceDatabase;

beforeAll(async () => {
  [source, other] = await Promise.all([
    createSourceDatabase(`${manyTablesSql('scale10', 10)}\n${manyTablesSql('scale300', 300)}`),
    createSourceDatabase(
      'create schema other; create table other.t (id integer primary key); insert into other.t values (7);',
    ),
  ]);
});

afterAll(async () => {
  await Promise.all([source?.drop(), other?.drop()]);
});

/** Discovers with `changes`, counting every query the scanner's sessions send. */
async function discoverCounting(changes: Partial<PostgresConfig>) {
  const connection = await connectScanner(source.config, changes);
  // Every session of the scanner is a pg.Client (the pool makes them), so this sees them all.
  const query = vi.spyOn(pg.Client.prototype, 'query');
  try {
    const items = await collect(connection.discover());
    return { items, queries: query.mock.calls.length };
  } finally {
    query.mockRestore();
    await connection.close();
  }
}

const datasets = (items: DiscoveredItem[]) =>
  items.filter((item): item is DiscoveredDataset => item.kind === 'dataset');

describe('PostgreSQL scanner: catalog queries', () => {
  it('sends as many catalog queries for 300 tables as for 10', async () => {
    const ten = await discoverCounting({ includeSchemas: ['scale10'] });
    const many = await discoverCounting({ includeSchemas: ['scale300'] });
    expect(datasets(ten.items)).toHaveLength(10);
    expect(datasets(many.items)).toHaveLength(300);
    // database, schemas, then one batch: relations, columns, keys
    expect(ten.queries).toBe(5);
    expect(many.queries).toBe(ten.queries);
  });

  it('reads large catalogs in batches: 2 + 3 × ⌈tables / batch⌉ queries, the same datasets', async () => {
    const whole = await discoverCounting({ includeSchemas: ['scale300'] });
    const byHundred = await discoverCounting({
      includeSchemas: ['scale300'],
      catalogBatchSize: 100,
    });
    const by128 = await discoverCounting({ includeSchemas: ['scale300'], catalogBatchSize: 128 });
    // 300 = 3 × 100: a fourth, empty relations query tells that the catalog ended
    expect(byHundred.queries).toBe(2 + 3 * 3 + 1);
    expect(by128.queries).toBe(2 + 3 * 3);
    expect(byHundred.items).toEqual(whole.items);
    expect(by128.items).toEqual(whole.items);
    const names = datasets(whole.items).map((dataset) => dataset.name);
    expect(new Set(names).size).toBe(300);
    expect(names.slice(0, 3)).toEqual(['t0', 't1', 't2']);
    expect(datasets(whole.items)[299]).toMatchObject({
      name: 't299',
      columns: [
        { name: 'id', position: 1, dataType: 'integer', nullable: false, primaryKey: true },
        { name: 'v', position: 2, dataType: 'text', nullable: true },
      ],
    });
  });
});

describe('PostgreSQL scanner: sample statements', () => {
  /** Samples every dataset of `found`, counting the statements the scanner's sessions send. */
  async function sampleCounting(found: DiscoveredDataset[], withHints: boolean) {
    const connection = await connectScanner(source.config, { includeSchemas: ['scale300'] });
    const query = vi.spyOn(pg.Client.prototype, 'query');
    try {
      let rows = 0;
      for (const { fqn, path, datasetType, properties } of found) {
        const ref = { fqn, path, datasetType, ...(withHints ? { properties } : {}) };
        rows += (await collect(connection.sample(ref, { rows: 100 }))).length;
      }
      return { rows, statements: query.mock.calls.length };
    } finally {
      query.mockRestore();
      await connection.close();
    }
  }

  it('sends one statement per small table with the hints of discovery, two without', async () => {
    const { items } = await discoverCounting({ includeSchemas: ['scale300'] });
    const found = datasets(items);
    expect(found).toHaveLength(300);
    const hinted = await sampleCounting(found, true);
    // The generated tables are empty: what counts here is the statements, not the rows.
    expect(hinted).toEqual({ rows: 0, statements: 300 });
    // A ref without properties (an older manifest, a hand-made ref) looks the table up first.
    const bare = await sampleCounting(found, false);
    expect(bare).toEqual({ rows: 0, statements: 600 });
  });
});

describe('PostgreSQL scanner: cancelling', () => {
  it('stops between batches once the scan is cancelled, with the abort and not a retryable error', async () => {
    const controller = new AbortController();
    const context = { ...scannerContext(), signal: controller.signal };
    const connection = await connectScanner(
      source.config,
      { includeSchemas: ['scale300'], catalogBatchSize: 100 },
      context,
    );
    let seen = 0;
    try {
      const outcome = await (async () => {
        for await (const item of connection.discover()) {
          seen += 1;
          if (item.kind === 'dataset') controller.abort();
        }
      })().catch((error: unknown) => error);
      expect(outcome).toMatchObject({ name: 'AbortError' });
      // the rest of the first batch, not the next ones
      expect(seen).toBe(2 + 100);
    } finally {
      await connection.close();
    }
  });
});

describe('PostgreSQL scanner: several databases', () => {
  it('discovers each configured database, containers before what they hold', async () => {
    const connection = await connectScanner(source.config, {
      databases: [other.name],
      excludeSchemas: ['scale300', 'public'],
    });
    try {
      const items = await collect(connection.discover());
      const seen = new Set<string>();
      for (const item of items) {
        if (item.parentFqn !== undefined) expect(seen).toContain(item.parentFqn);
        seen.add(item.fqn);
      }
      expect(items.filter((item) => item.kind === 'container').map((item) => item.fqn)).toEqual([
        source.name,
        `${source.name}.scale10`,
        other.name,
        `${other.name}.other`,
      ]);
      expect(datasets(items).map((dataset) => dataset.path[0])).toEqual([
        ...Array<string>(10).fill(source.name),
        other.name,
      ]);
      const rows = await collect(
        connection.sample(
          { fqn: `${other.name}.other.t`, path: [other.name, 'other', 't'], datasetType: 'table' },
          { rows: 10 },
        ),
      );
      expect(rows).toEqual([{ id: 7 }]);
      await expect(connection.check()).resolves.toMatchObject({
        details: { databases: 2, relations: 11, readable: 11 },
      });
    } finally {
      await connection.close();
    }
  });
});

describe('PostgreSQL scanner: foreign tables', () => {
  it('reports a foreign table with its server and samples it by its first rows', async (ctx) => {
    const [fdw] = await other.query<{ n: number }>(
      "select count(*)::int as n from pg_available_extensions where name = 'file_fdw'",
    );
    if (!fdw?.n) ctx.skip();
    await other.query(`
      create extension if not exists file_fdw;
      create server files foreign data wrapper file_fdw;
      create foreign table other.imported (id integer, name text)
        server files options (program 'printf "1,a\\n2,b\\n"', format 'csv');`);
    const connection = await connectScanner(other.config, { includeSchemas: ['other'] });
    try {
      const found = datasets(await collect(connection.discover()));
      expect(found.find((dataset) => dataset.name === 'imported')).toEqual({
        kind: 'dataset',
        datasetType: 'foreign-table',
        fqn: `${other.name}.other.imported`,
        path: [other.name, 'other', 'imported'],
        name: 'imported',
        parentFqn: `${other.name}.other`,
        columns: [
          { name: 'id', position: 1, dataType: 'integer', nullable: true },
          { name: 'name', position: 2, dataType: 'text', nullable: true },
        ],
        properties: {
          owner: other.config.user,
          access: { publicRead: false, readers: [] },
          foreignServer: 'files',
          sampling: {
            kind: 'f',
            pages: 0,
            columns: [
              { name: 'id', category: 'N', type: 'int4' },
              { name: 'name', category: 'S', type: 'text' },
            ],
          },
        },
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const ref = { fqn: `${other.name}.other.imported`, path: [other.name, 'other', 'imported'] };
      const rows = await collect(
        connection.sample({ ...ref, datasetType: 'foreign-table' }, { rows: 5 }),
      );
      expect(rows).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
    } finally {
      await connection.close();
    }
  });
});
