import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  DatasetRef,
  DiscoveredDataset,
  SampleRow,
  ScannerConnection,
} from '../../scanners/sdk/contract.js';
import { formatFqn } from '../../scanners/sdk/fqn.js';
import { ODD_TABLE, SOURCE_SQL } from '../fixtures/postgres-source-sql.js';
import {
  collect,
  connectScanner,
  createSourceDatabase,
  scannerContext,
  type SourceDatabase,
} from '../fixtures/postgres-source.js';

const REBORN_SQL = `
create table sales.reborn (id integer primary key, note text);
insert into sales.reborn select g, 'first life ' || g from generate_series(1, 5) g;`;

let source: SourceDatabase;
let connection: ScannerConnection;
let found: DiscoveredDataset[];

beforeAll(async () => {
  source = await createSourceDatabase(`${SOURCE_SQL}\n${REBORN_SQL}`);
  connection = await connectScanner(source.config);
  found = (await collect(connection.discover())).filter(
    (item): item is DiscoveredDataset => item.kind === 'dataset',
  );
});

afterAll(async () => {
  await connection?.close();
  await source?.drop();
});

/** The ref the scan engine builds from a discovered dataset, hints included. */
const hinted = (schema: string, table: string): DatasetRef => {
  const dataset = found.find((item) => item.fqn === formatFqn([source.name, schema, table]));
  if (!dataset) throw new Error(`${schema}.${table} was not discovered`);
  const { fqn, path, datasetType, properties } = dataset;
  return { fqn, path, datasetType, properties };
};
const bare = ({ fqn, path, datasetType }: DatasetRef): DatasetRef => ({ fqn, path, datasetType });

/** The rows of a sample and the statements the scanner's sessions sent for it. */
async function counted(ref: DatasetRef, rows: number, columns?: string[]) {
  const query = vi.spyOn(pg.Client.prototype, 'query');
  try {
    const sampled = await collect(
      connection.sample(ref, { rows, ...(columns ? { columns } : {}) }),
    );
    const sent = query.mock.calls.map(([text]) =>
      (typeof text === 'string' ? text : (text as { text: string }).text).trim(),
    );
    return { rows: sampled, sent };
  } finally {
    query.mockRestore();
  }
}

const byFirstValue = (rows: SampleRow[]) =>
  [...rows].sort((a, b) =>
    String(Object.values(a)[0]).localeCompare(String(Object.values(b)[0]), 'en', {
      numeric: true,
    }),
  );

describe('PostgreSQL scanner: sampling from the hints of discovery', () => {
  it('reads what a lookup would read, in one plain SELECT per small table', async () => {
    const tables: [string, string][] = [
      ['sales', 'customers'],
      ['MixedCase', ODD_TABLE],
      ['with space', 'ünïcödé'],
      ['sales', 'big_customers'],
      ['sales', 'order_totals'],
      ['sales', 'events'],
      ['sales', 'empty_table'],
    ];
    for (const [schema, table] of tables) {
      const ref = hinted(schema, table);
      // 500 rows: as many as one plain SELECT may bring; more go through a cursor.
      const fast = await counted(ref, 500);
      const looked = await counted(bare(ref), 500);
      expect(fast.sent, `${schema}.${table}`).toHaveLength(1);
      expect(fast.sent[0]).toMatch(/^select .+ limit 500$/s);
      expect(looked.sent, `${schema}.${table}`).toHaveLength(2);
      expect(byFirstValue(fast.rows)).toEqual(byFirstValue(looked.rows));
    }
    // A partitioned table's hints sum up its partitions, as the lookup does.
    const events = hinted('sales', 'events').properties?.sampling as { pages: number };
    expect(events).toMatchObject({ kind: 'p', rows: 3000 });
    expect(events.pages).toBeGreaterThan(0);
    const odd = await counted(hinted('with space', 'ünïcödé'), 10);
    expect(odd.rows).toEqual([{ ключ: 1, 'with space': '{"a": [1, 2]}', raw: 'AP8=' }]);
    expect(Object.getPrototypeOf(odd.rows[0])).toBe(null);
  });

  it('block-samples a big table in one statement, and keeps chosen columns in table order', async () => {
    const big = await counted(hinted('sales', 'big'), 100);
    expect(big.rows).toHaveLength(100);
    expect(big.sent).toHaveLength(1);
    expect(big.sent[0]).toMatch(/ tablesample system \([\d.]+\) order by random\(\) limit 100$/);
    expect(Math.max(...big.rows.map((row) => row.id as number))).toBeGreaterThan(20_000);

    const chosen = await counted(hinted('sales', 'customers'), 5, ['born', 'email']);
    expect(chosen.sent).toHaveLength(1);
    for (const row of chosen.rows) expect(Object.keys(row)).toEqual(['email', 'born']);
  });

  it('reports a table dropped since discovery as not-found from the sample query itself', async () => {
    await source.query(
      'create table sales.doomed (id integer); insert into sales.doomed values (1)',
    );
    const doomed = (await collect(connection.discover())).find(
      (item): item is DiscoveredDataset => item.kind === 'dataset' && item.name === 'doomed',
    )!;
    await source.query('drop table sales.doomed');
    const query = vi.spyOn(pg.Client.prototype, 'query');
    try {
      const { fqn, path, datasetType, properties } = doomed;
      const ref = { fqn, path, datasetType, properties };
      await expect(collect(connection.sample(ref, { rows: 10 }))).rejects.toMatchObject({
        name: 'ScannerError',
        kind: 'not-found',
        retryable: false,
        message: `${fqn} no longer exists`,
      });
      expect(query.mock.calls).toHaveLength(1);
    } finally {
      query.mockRestore();
    }
  });

  it('samples a table dropped and created again under its name, whatever its new shape', async () => {
    const ref = hinted('sales', 'reborn');
    // Same columns, another oid: the dataset is its fqn, so the new table is sampled as is.
    await source.query(`
      drop table sales.reborn;
      create table sales.reborn (id integer primary key, note text);
      insert into sales.reborn values (7, 'second life');`);
    const same = await counted(ref, 10);
    expect(same.rows).toEqual([{ id: 7, note: 'second life' }]);
    expect(same.sent).toHaveLength(1);

    // Other columns: the hinted query fails (42703), the relation is looked up and sampled.
    await source.query(`
      drop table sales.reborn;
      create table sales.reborn (key bigint, note text, extra boolean);
      insert into sales.reborn values (8, 'third life', true);`);
    const other = await counted(ref, 10);
    expect(other.rows).toEqual([{ key: '8', note: 'third life', extra: true }]);
    expect(other.sent).toHaveLength(3);

    // A view under the old name now: TABLESAMPLE is not planned for views anyway.
    await source.query(`
      drop table sales.reborn;
      create view sales.reborn as select 9 as id, 'a view' as note;`);
    expect((await counted(ref, 10)).rows).toEqual([{ id: 9, note: 'a view' }]);
  });

  it('looks a column up when the hints do not know it, and skips columns dropped since', async () => {
    await source.query(`
      create table sales.shifting (id integer, old_name text, gone text);
      insert into sales.shifting values (1, 'a', 'x');`);
    const shifting = (await collect(connection.discover())).find(
      (item): item is DiscoveredDataset => item.kind === 'dataset' && item.name === 'shifting',
    )!;
    const { fqn, path, datasetType, properties } = shifting;
    const ref = { fqn, path, datasetType, properties };
    await source.query(`
      alter table sales.shifting rename column old_name to new_name;
      alter table sales.shifting drop column gone;`);
    const renamed = await counted(ref, 10);
    expect(renamed.rows).toEqual([{ id: 1, new_name: 'a' }]);
    expect(renamed.sent).toHaveLength(3);
    const wanted = await counted(ref, 10, ['new_name']);
    expect(wanted.rows).toEqual([{ new_name: 'a' }]);
    expect(wanted.sent).toHaveLength(2);
    await expect(
      collect(connection.sample(ref, { rows: 1, columns: ['gone'] })),
    ).rejects.toMatchObject({
      kind: 'not-found',
      message: `${fqn} has none of the columns to sample any more`,
    });
  });

  it('stops at once when the scan is cancelled', async () => {
    const controller = new AbortController();
    const context = { ...scannerContext(), signal: controller.signal };
    const cancellable = await connectScanner(source.config, {}, context);
    try {
      controller.abort();
      await expect(
        collect(cancellable.sample(hinted('sales', 'customers'), { rows: 10 })),
      ).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await cancellable.close();
    }
  });
});
