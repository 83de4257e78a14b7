import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ScannerError,
  type DatasetRef,
  type ScannerConnection,
} from '../../scanners/sdk/contract.js';
import { formatFqn } from '../../scanners/sdk/fqn.js';
import { APPLICATION_NAME } from '../../scanners/postgres/postgres-session.js';
import { ODD_TABLE, SOURCE_SQL } from '../fixtures/postgres-source-sql.js';
import {
  collect,
  connectScanner,
  createSourceDatabase,
  type SourceDatabase,
} from '../fixtures/postgres-source.js';

const KINDS_SQL = `
create table sales.kinds (
  at timestamptz, day date, amount numeric(12, 4), big bigint, flag boolean, id uuid,
  tags text[], took interval, doc json, long_text text, blob bytea, "__proto__" text
);
insert into sales.kinds values (
  '2024-02-03 04:05:06+00', '2024-02-29', 12345678.9012, 9007199254740993, true,
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{a,"b c"}', '1 day 02:00', '{"k": [1, 2]}',
  repeat('x', 5000), decode(repeat('ab', 3000), 'hex'), 'not a prototype'
);`;

let source: SourceDatabase;
let connection: ScannerConnection;
let before: unknown;

const ref = (schema: string, table: string): DatasetRef => ({
  fqn: formatFqn([source.name, schema, table]),
  path: [source.name, schema, table],
  datasetType: 'table',
});
const sample = (schema: string, table: string, rows: number, columns?: string[]) =>
  collect(connection.sample(ref(schema, table), { rows, ...(columns ? { columns } : {}) }));

/** Row counts and checksums of the data the samples read: they must never change. */
const sourceState = () =>
  source.query(`
    select (select count(*) from sales.big)::int as big_rows,
           (select md5(string_agg(id || ':' || payload || ':' || n, ',' order by id)) from sales.big) as big,
           (select md5(string_agg(c::text, ',' order by c.id)) from sales.customers c) as customers,
           (select md5(string_agg(t::text, ',' order by t."Id")) from "MixedCase"."x""; drop table y --" t) as odd,
           (select count(*) from public.y)::int as y_rows`);

beforeAll(async () => {
  source = await createSourceDatabase(`${SOURCE_SQL}\n${KINDS_SQL}`);
  before = await sourceState();
  connection = await connectScanner(source.config);
});

afterAll(async () => {
  await connection?.close();
  await source?.drop();
});

describe('PostgreSQL scanner: sample', () => {
  it('draws at most `rows` rows at random from a table of 200,000, quickly', async () => {
    const started = performance.now();
    const rows = await sample('sales', 'big', 100);
    const ms = performance.now() - started;
    expect(rows).toHaveLength(100);
    expect(ms).toBeLessThan(2_000);
    const ids = rows.map((row) => row.id as number);
    expect(new Set(ids).size).toBe(100);
    // A random sample, not the first rows: they come from all over the table.
    expect(Math.max(...ids)).toBeGreaterThan(20_000);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['id', 'payload', 'n']);
      expect(row.payload).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(await sample('sales', 'big', 7)).toHaveLength(7);
    expect(await sample('sales', 'big', 2_500)).toHaveLength(2_500);
  });

  it('quotes every name: injection-shaped, spaced, unicode and mixed-case ones', async () => {
    const odd = await sample('MixedCase', ODD_TABLE, 10);
    expect(odd.sort((a, b) => Number(a.Id) - Number(b.Id))).toEqual([
      { Id: 1, order: '1', 'with space': 'one' },
      { Id: 2, order: null, 'with space': 'two' },
    ]);
    expect(await sample('with space', 'ünïcödé', 10)).toEqual([
      { ключ: 1, 'with space': '{"a": [1, 2]}', raw: 'AP8=' },
    ]);
    expect(await sample('ünïcödé', 'MixedCase', 10)).toEqual([]);
    expect(await source.query('select * from public.y')).toEqual([{ id: 1 }]);
  });

  it('samples views, materialized views, partitioned and empty tables, and chosen columns', async () => {
    const view = await sample('sales', 'big_customers', 10);
    expect(view).toHaveLength(10);
    expect(Object.keys(view[0]!)).toEqual(['id', 'email', 'total']);
    expect(await sample('sales', 'order_totals', 5)).toHaveLength(5);
    const events = await sample('sales', 'events', 50);
    expect(events).toHaveLength(50);
    expect(new Set(events.map((row) => row.id)).size).toBe(50);
    for (const row of events) expect(row.happened).toMatch(/^202[34]-\d\d-\d\d$/);
    expect(await sample('sales', 'empty_table', 10)).toEqual([]);
    const chosen = await sample('sales', 'customers', 5, ['born', 'email', 'dropped since']);
    expect(chosen).toHaveLength(5);
    for (const row of chosen) expect(Object.keys(row)).toEqual(['email', 'born']);
  });

  it('turns every value into JSON-safe text, numbers or booleans, cut to size', async () => {
    const [row] = await sample('sales', 'kinds', 1);
    expect(row).toEqual({
      at: '2024-02-03 04:05:06+00',
      day: '2024-02-29',
      amount: '12345678.9012',
      big: '9007199254740993',
      flag: true,
      id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      tags: '{a,"b c"}',
      took: '1 day 02:00:00',
      doc: '{"k": [1, 2]}',
      long_text: 'x'.repeat(2048),
      blob: Buffer.from('ab'.repeat(1536), 'hex').toString('base64'),
      ['__proto__']: 'not a prototype',
    });
    expect(Object.getPrototypeOf(row)).toBe(null);
  });

  it('hands its session back when the caller stops early', async () => {
    for (let i = 0; i < 8; i++) {
      for await (const row of connection.sample(ref('sales', 'big'), { rows: 100 })) {
        expect(row).toHaveProperty('id');
        break;
      }
    }
    expect(await sample('sales', 'customers', 3)).toHaveLength(3);
  });

  it('reports a dataset dropped since discovery as not-found', async () => {
    await source.query(
      'create table sales.doomed (id integer); insert into sales.doomed values (1)',
    );
    const found = await collect(connection.discover());
    const doomed = found.find((item) => item.name === 'doomed');
    expect(doomed).toMatchObject({ kind: 'dataset', fqn: ref('sales', 'doomed').fqn });
    await source.query('drop table sales.doomed');
    const error = await sample('sales', 'doomed', 10).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ScannerError);
    expect(error).toMatchObject({
      kind: 'not-found',
      retryable: false,
      message: `${ref('sales', 'doomed').fqn} no longer exists`,
    });
    await expect(sample('gone schema', 'doomed', 1)).rejects.toMatchObject({ kind: 'not-found' });
    await expect(
      collect(
        connection.sample(
          { fqn: 'elsewhere.a.b', path: ['elsewhere', 'a', 'b'], datasetType: 'table' },
          { rows: 1 },
        ),
      ),
    ).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('reads only, in sessions that cannot write, and leaves the source as it was', async () => {
    const query = vi.spyOn(pg.Client.prototype, 'query');
    let session: pg.Client | undefined;
    try {
      await connection.check();
      await collect(connection.discover());
      await sample('sales', 'big', 50);
      await sample('sales', 'big_customers', 5);
      session = query.mock.contexts[0] as pg.Client;
      const sent = query.mock.calls.map(([text]) =>
        (typeof text === 'string' ? text : (text as { text: string }).text).trim(),
      );
      for (const text of sent) {
        expect(text).toMatch(
          /^(select |begin transaction read only$|declare governance_sample no scroll cursor for select |fetch forward \d+ from governance_sample$|close governance_sample$|rollback$)/,
        );
      }
    } finally {
      query.mockRestore();
    }
    // The scanner's own session, used directly: PostgreSQL itself refuses to write.
    await expect(session!.query('insert into public.y values (2)')).rejects.toMatchObject({
      code: '25006',
    });
    await expect(session!.query('create table public.z (id integer)')).rejects.toMatchObject({
      code: '25006',
    });
    const [activity] = await source.query<{ sessions: number }>(
      'select count(*)::int as sessions from pg_stat_activity where datname = current_database() and application_name = $1',
      [APPLICATION_NAME],
    );
    expect(activity!.sessions).toBeGreaterThan(0);
    expect(await sourceState()).toEqual(before);
  });
});
