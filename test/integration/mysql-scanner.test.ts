import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DatasetRef,
  DiscoveredDataset,
  DiscoveredItem,
  SampleRow,
} from '../../scanners/sdk/contract.js';
import { formatFqn } from '../../scanners/sdk/fqn.js';
import { MAX_SAMPLE_VALUE_LENGTH } from '../../scanners/sdk/values.js';
import { BIG_ROWS, ODD_COLUMNS, ODD_TABLE, SOURCE_SQL } from '../fixtures/mysql-source-sql.js';
import {
  adminQuery,
  collect,
  connectScanner,
  createMysqlSource,
  q,
  type MysqlSource,
} from '../fixtures/mysql-source.js';

let source: MysqlSource;
let items: DiscoveredItem[];
let before: unknown[];

/** Row counts and checksums of every table: what "the source is untouched" is checked against. */
async function fingerprintSource(): Promise<unknown[]> {
  const tables = [
    'customers',
    'orders',
    'Orders',
    'order_lines',
    ODD_TABLE,
    'empty_table',
    'big_table',
  ];
  const checksums = await source.query(`CHECKSUM TABLE ${tables.map(q).join(', ')} EXTENDED`);
  const counts = await Promise.all(
    tables.map((table) => source.query(`SELECT COUNT(*) AS n FROM ${q(table)}`)),
  );
  const structure = await source.query(
    'SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY 1, 2',
    [source.name],
  );
  return [checksums, counts, structure];
}

const ref = (table: string): DatasetRef => ({
  fqn: formatFqn([source.name, table]),
  path: [source.name, table],
  datasetType: 'table',
});

async function sample(table: string, rows: number, columns?: string[]): Promise<SampleRow[]> {
  const connection = await connectScanner(source.config);
  try {
    return await collect(connection.sample(ref(table), { rows, ...(columns ? { columns } : {}) }));
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  source = await createMysqlSource(SOURCE_SQL, 'scan ü ');
  before = await fingerprintSource();
  const connection = await connectScanner(source.config);
  try {
    items = await collect(connection.discover());
  } finally {
    await connection.close();
  }
});

afterAll(async () => {
  await source?.drop();
});

describe('MySQL scanner: discover', () => {
  it('yields the database, then every table and view with columns, keys and comments', () => {
    const db = source.name;
    const int = (name: string, width: number) => (source.mariadb ? `${name}(${width})` : name);
    const col = (
      position: number,
      name: string,
      dataType: string,
      nullable: boolean,
      more = {},
    ) => ({
      name,
      position,
      dataType,
      nullable,
      ...more,
    });
    const pk = { primaryKey: true };
    const refs = (table: string, column: string) => ({
      references: { datasetFqn: formatFqn([db, table]), column },
    });
    const dataset = (name: string, columns: object[], extra: Partial<DiscoveredDataset> = {}) => ({
      kind: 'dataset',
      datasetType: 'table',
      fqn: formatFqn([db, name]),
      path: [db, name],
      name,
      parentFqn: formatFqn([db]),
      columns,
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      properties: {
        engine: 'InnoDB',
        dataBytes: expect.any(Number),
        indexBytes: expect.any(Number),
        collation: 'utf8mb4_unicode_ci',
      },
      ...extra,
    });

    expect(items).toEqual([
      {
        kind: 'container',
        containerType: 'database',
        fqn: formatFqn([db]),
        path: [db],
        name: db,
        properties: { characterSet: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
      },
      // Byte order: upper case before lower case, `_` before letters.
      dataset('Orders', [col(1, 'id', int('int', 11), false)], {
        comment: 'same name, other case',
        rowEstimate: 1,
      }),
      dataset(
        'big_table',
        [
          col(1, 'id', int('int', 11), false, pk),
          col(2, 'code', 'char(8)', false),
          col(3, 'amount', 'decimal(12,2)', false),
          col(4, 'note', 'text', true),
          col(5, 'raw', 'varbinary(4000)', true),
        ],
        { rowEstimate: expect.any(Number) },
      ),
      dataset(
        'customer_orders',
        // A view's columns carry the comments of the columns they show.
        [
          col(1, 'email', 'varchar(120)', false, { comment: 'login e-mail' }),
          col(2, 'amount', 'decimal(10,2)', false),
        ],
        {
          datasetType: 'view',
          definition: expect.stringMatching(/`customers`.*join.*`orders`/i),
          properties: { security: 'DEFINER', updatable: true },
        },
      ),
      dataset(
        'customers',
        [
          col(1, 'id', int('int', 11), false, { ...pk, comment: 'customer number' }),
          col(2, 'email', 'varchar(120)', false, { comment: 'login e-mail' }),
          col(3, 'full_name', 'varchar(80)', true),
          col(4, 'born', 'date', true),
        ],
        { comment: 'people who buy', rowEstimate: 2 },
      ),
      dataset(
        'empty_table',
        [col(1, 'id', int('bigint', 20), false, pk), col(2, 'payload', 'blob', true)],
        { rowEstimate: 0 },
      ),
      dataset(
        'order_lines',
        [
          col(1, 'order_id', int('bigint', 20), false, { ...pk, ...refs('orders', 'id') }),
          col(2, 'line_no', int('smallint', 6), false, pk),
          col(3, 'sku', 'char(8)', false),
        ],
        { rowEstimate: 3 },
      ),
      dataset(
        'orders',
        [
          col(1, 'id', int('bigint', 20), false, pk),
          col(2, 'customer_id', int('int', 11), false, refs('customers', 'id')),
          col(3, 'amount', 'decimal(10,2)', false),
        ],
        { rowEstimate: 2 },
      ),
      dataset(
        ODD_TABLE,
        [
          col(1, ODD_COLUMNS[0], int('int', 11), false, pk),
          col(2, ODD_COLUMNS[1], 'varchar(10)', true),
          col(3, ODD_COLUMNS[2], 'text', true, { comment: 'ça va' }),
          col(4, ODD_COLUMNS[3], 'varchar(5)', true),
        ],
        { rowEstimate: 1 },
      ),
    ]);
    // Quoted where needed, so that no two paths share an fqn.
    expect(items.at(-1)!.fqn).toBe(`"${db}"."x""; drop table y --"`);
    const big = items.find((item) => item.name === 'big_table') as DiscoveredDataset;
    expect(big.rowEstimate).toBeGreaterThan(BIG_ROWS * 0.75);
    expect(big.rowEstimate).toBeLessThan(BIG_ROWS * 1.25);
  });

  it('gives the same items in small batches as in one', async () => {
    const connection = await connectScanner(source.config, { catalogBatchSize: 3 });
    try {
      expect(await collect(connection.discover())).toEqual(items);
    } finally {
      await connection.close();
    }
  });
});

describe('MySQL scanner: sample', () => {
  it('streams the first rows only, as JSON-safe values cut to the kept length', async () => {
    const rows = await sample('big_table', 10);
    expect(rows).toHaveLength(10);
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rows[1]).toEqual({ id: 2, code: '00000002', amount: '0.02', note: 'row 2', raw: null });
    expect(rows[0]!.note).toBe('a'.repeat(MAX_SAMPLE_VALUE_LENGTH));
    // 1536 bytes of 0xAB, base64: exactly the kept length.
    expect(rows[0]!.raw).toBe(Buffer.alloc(1536, 0xab).toString('base64'));
  });

  it('reads about as many rows as it returns, not the table', async () => {
    const reads = async () => {
      const rows = (await adminQuery("SHOW GLOBAL STATUS LIKE 'Handler_read%'")) as {
        Value: string;
      }[];
      return rows.reduce((sum, row) => sum + Number(row.Value), 0);
    };
    const start = await reads();
    expect(await sample('big_table', 25)).toHaveLength(25);
    expect((await reads()) - start).toBeLessThan(BIG_ROWS / 20);
  });

  it('returns only the columns asked for, in that order', async () => {
    const rows = await sample('customers', 5, ['email', 'id']);
    expect(rows).toEqual([
      { email: 'ada@example.com', id: 1 },
      { email: 'alan@example.com', id: 2 },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['email', 'id']);
  });

  it('quotes odd table and column names, keeping them as row keys', async () => {
    const [row] = await sample(ODD_TABLE, 5);
    expect(Object.keys(row!)).toEqual([...ODD_COLUMNS]);
    expect(row).toEqual({
      'col`tick': 1,
      'spaced name': 'a b',
      ünïcödé: 'é😀',
      ['__proto__']: 'p',
    });
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it('samples views, empty tables, dates and exact decimals', async () => {
    const connection = await connectScanner(source.config);
    try {
      const view = { ...ref('customer_orders'), datasetType: 'view' as const };
      expect(await collect(connection.sample(view, { rows: 10 }))).toEqual([
        { email: 'ada@example.com', amount: '12.50' },
        { email: 'alan@example.com', amount: '99999999.99' },
      ]);
      expect(await collect(connection.sample(ref('empty_table'), { rows: 10 }))).toEqual([]);
      const [first] = await collect(connection.sample(ref('customers'), { rows: 1 }));
      expect(first).toMatchObject({ born: '1815-12-10', full_name: 'Ada Lovelace' });
      expect(await collect(connection.sample(ref('customers'), { rows: 0 }))).toEqual([]);
    } finally {
      await connection.close();
    }
  });

  it('recovers when a sample is abandoned half-way', async () => {
    const connection = await connectScanner(source.config);
    try {
      const rows = connection.sample(ref('big_table'), { rows: 5_000 })[Symbol.asyncIterator]();
      for (let seen = 0; seen < 3; seen += 1) expect((await rows.next()).done).toBe(false);
      await rows.return?.();
      expect(await collect(connection.sample(ref('orders'), { rows: 10 }))).toHaveLength(2);
    } finally {
      await connection.close();
    }
  });

  it('answers not-found for a table dropped since discovery, or a column gone', async () => {
    await source.query('CREATE TABLE doomed (id INT)');
    const connection = await connectScanner(source.config);
    try {
      const found = await collect(connection.discover());
      expect(found.map((item) => item.name)).toContain('doomed');
      await source.query('DROP TABLE doomed');
      const error = await collect(connection.sample(ref('doomed'), { rows: 5 })).catch(
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ name: 'ScannerError', kind: 'not-found', retryable: false });
      await expect(
        collect(connection.sample(ref('orders'), { rows: 5, columns: ['gone'] })),
      ).rejects.toMatchObject({ kind: 'not-found' });
      // The connection is still good for the datasets that remain.
      expect(await collect(connection.sample(ref('orders'), { rows: 5 }))).toHaveLength(2);
    } finally {
      await connection.close();
    }
  });
});

describe('MySQL scanner: the source', () => {
  it('is untouched by discovery and sampling', async () => {
    expect(await fingerprintSource()).toEqual(before);
  });
});
