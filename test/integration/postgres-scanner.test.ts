import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveredDataset, DiscoveredItem } from '../../scanners/sdk/contract.js';
import { formatFqn } from '../../scanners/sdk/fqn.js';
import { ODD_TABLE, SOURCE_SQL } from '../fixtures/postgres-source-sql.js';
import {
  collect,
  connectScanner,
  createSourceDatabase,
  type SourceDatabase,
} from '../fixtures/postgres-source.js';

let source: SourceDatabase;
let items: DiscoveredItem[];

beforeAll(async () => {
  source = await createSourceDatabase(SOURCE_SQL);
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

type Extra = Partial<DiscoveredDataset> & { props?: Record<string, unknown>; relkind?: string };

/** `pg_type.typcategory` and `typname` of the fixture's column types, as sampling reads them. */
const TYPES: Record<string, { category: string; type: string }> = {
  integer: { category: 'N', type: 'int4' },
  bigint: { category: 'N', type: 'int8' },
  numeric: { category: 'N', type: 'numeric' },
  'numeric(10,2)': { category: 'N', type: 'numeric' },
  text: { category: 'S', type: 'text' },
  'character varying(120)': { category: 'S', type: 'varchar' },
  date: { category: 'D', type: 'date' },
  'timestamp with time zone': { category: 'D', type: 'timestamptz' },
  jsonb: { category: 'U', type: 'jsonb' },
  bytea: { category: 'U', type: 'bytea' },
};

/** What the fixture grants: nothing, so only the owner reads (and the owner is not listed). */
const PRIVATE = { publicRead: false, readers: [] };

/** The hints discovery leaves for `sample` in `properties.sampling`. */
const samplingOf = (
  kind: string,
  columns: { name: string; dataType: string }[],
  rows: number | undefined,
) => ({
  kind,
  rows,
  pages: expect.any(Number),
  columns: columns.map((column) => ({ name: column.name, ...TYPES[column.dataType] })),
});

describe('PostgreSQL scanner: discover', () => {
  it('yields the database, its schemas, then every dataset with columns, keys and comments', async () => {
    const db = source.name;
    const owner = source.config.user;
    const fqn = (...path: string[]) => formatFqn([db, ...path]);
    const schema = (name: string, comment?: string, schemaOwner = owner) => ({
      kind: 'container',
      containerType: 'schema',
      fqn: fqn(name),
      path: [db, name],
      name,
      parentFqn: db,
      properties: { owner: schemaOwner },
      ...(comment ? { comment } : {}),
    });
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
    const ref = (datasetFqn: string, column: string) => ({ references: { datasetFqn, column } });
    const dataset = (
      schemaName: string,
      name: string,
      columns: { name: string; dataType: string }[],
      { props = {}, relkind = 'r', ...extra }: Extra = {},
    ) => ({
      kind: 'dataset',
      datasetType: 'table',
      fqn: fqn(schemaName, name),
      path: [db, schemaName, name],
      name,
      parentFqn: fqn(schemaName),
      columns,
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      properties: {
        owner,
        access: PRIVATE,
        sizeBytes: expect.any(Number),
        sampling: samplingOf(relkind, columns, extra.rowEstimate),
        ...props,
      },
      ...extra,
    });
    const viewSql = async (name: string) =>
      (
        await source.query<{ sql: string }>('select pg_get_viewdef($1::regclass) as sql', [name])
      )[0]!.sql.trim();
    const foreignKey = (
      name: string,
      columns: string[],
      datasetFqn: string,
      refColumns: string[],
    ) => ({
      name,
      columns,
      references: { datasetFqn, columns: refColumns },
    });

    expect(items).toEqual([
      {
        kind: 'container',
        containerType: 'database',
        fqn: db,
        path: [db],
        name: db,
        properties: { owner, encoding: 'UTF8' },
      },
      schema('MixedCase'),
      schema('public', 'standard public schema', 'pg_database_owner'),
      schema('sales', 'Orders and customers'),
      schema('with space'),
      schema('ünïcödé'),
      dataset('public', 'y', [col(1, 'id', 'integer', true)], { rowEstimate: 1 }),
      dataset(
        'sales',
        'customers',
        [
          col(1, 'id', 'integer', false, { primaryKey: true }),
          col(2, 'email', 'character varying(120)', false, { comment: 'Contact e-mail' }),
          col(3, 'Full Name', 'text', true),
          col(4, 'born', 'date', true),
        ],
        { rowEstimate: 50, comment: 'People who bought something' },
      ),
      dataset(
        'sales',
        'orders',
        [
          col(1, 'id', 'bigint', false, { primaryKey: true }),
          col(2, 'customer_id', 'integer', false, ref(fqn('sales', 'customers'), 'id')),
          col(3, 'amount', 'numeric(10,2)', true),
          col(4, 'placed_at', 'timestamp with time zone', false),
        ],
        {
          rowEstimate: 200,
          props: {
            foreignKeys: [
              foreignKey('orders_customer_id_fkey', ['customer_id'], fqn('sales', 'customers'), [
                'id',
              ]),
            ],
          },
        },
      ),
      dataset(
        'MixedCase',
        ODD_TABLE,
        [
          col(1, 'Id', 'integer', false, { primaryKey: true }),
          col(2, 'order', 'bigint', true, ref(fqn('sales', 'orders'), 'id')),
          col(3, 'with space', 'text', true),
        ],
        {
          rowEstimate: 2,
          props: {
            foreignKeys: [
              foreignKey(`${ODD_TABLE}_order_fkey`, ['order'], fqn('sales', 'orders'), ['id']),
            ],
          },
        },
      ),
      dataset(
        'with space',
        'ünïcödé',
        [
          col(1, 'ключ', 'integer', true),
          col(2, 'with space', 'jsonb', true),
          col(3, 'raw', 'bytea', true),
        ],
        { rowEstimate: 1 },
      ),
      dataset('ünïcödé', 'MixedCase', [col(1, 'id', 'integer', true)], { rowEstimate: 0 }),
      dataset(
        'sales',
        'empty_table',
        [col(1, 'id', 'integer', true), col(2, 'note', 'text', true)],
        {
          rowEstimate: 0,
        },
      ),
      dataset(
        'sales',
        'big',
        [
          col(1, 'id', 'integer', false, { primaryKey: true }),
          col(2, 'payload', 'text', false),
          col(3, 'n', 'integer', true),
        ],
        { rowEstimate: 200_000 },
      ),
      {
        ...dataset(
          'sales',
          'big_customers',
          [
            col(1, 'id', 'integer', true),
            col(2, 'email', 'character varying(120)', true),
            col(3, 'total', 'numeric', true),
          ],
          {
            datasetType: 'view',
            comment: 'Customers by spend',
            definition: await viewSql('sales.big_customers'),
          },
        ),
        properties: {
          owner,
          access: PRIVATE,
          sampling: samplingOf(
            'v',
            [
              { name: 'id', dataType: 'integer' },
              { name: 'email', dataType: 'character varying(120)' },
              { name: 'total', dataType: 'numeric' },
            ],
            undefined,
          ),
        },
      },
      dataset(
        'sales',
        'order_totals',
        [col(1, 'customer_id', 'integer', true), col(2, 'orders', 'bigint', true)],
        {
          datasetType: 'materialized-view',
          relkind: 'm',
          rowEstimate: 50,
          definition: await viewSql('sales.order_totals'),
        },
      ),
      dataset(
        'sales',
        'events',
        [
          col(1, 'id', 'integer', false, { primaryKey: true }),
          col(2, 'happened', 'date', false, { primaryKey: true }),
          col(3, 'kind', 'text', true),
        ],
        {
          rowEstimate: 3000,
          relkind: 'p',
          props: {
            partitioned: true,
            partitionKey: 'RANGE (happened)',
            partitionCount: 2,
            partitions: ['events_2023', 'events_2024'],
          },
        },
      ),
      dataset(
        'sales',
        'event_notes',
        [
          col(1, 'event_id', 'integer', true, ref(fqn('sales', 'events'), 'id')),
          col(2, 'happened', 'date', true, ref(fqn('sales', 'events'), 'happened')),
          col(3, 'note', 'text', true),
        ],
        {
          rowEstimate: 0,
          props: {
            foreignKeys: [
              foreignKey(
                'event_notes_event_id_happened_fkey',
                ['event_id', 'happened'],
                fqn('sales', 'events'),
                ['id', 'happened'],
              ),
            ],
          },
        },
      ),
    ]);
    // The view SQL is PostgreSQL's own rendering; make sure it is the view's and not empty.
    const view = items.find((item) => item.name === 'big_customers') as DiscoveredDataset;
    expect(view.definition).toMatch(/^SELECT .*FROM \(?sales\.customers c\s+JOIN sales\.orders o/s);
  });

  it('reports the partitioned parent only, and leaves rowEstimate out when never analysed', async () => {
    expect(items.map((item) => item.name)).not.toContain('events_2023');
    await source.query('create table sales.fresh (id integer); insert into sales.fresh values (1)');
    const connection = await connectScanner(source.config, { includeSchemas: ['sales'] });
    try {
      const found = await collect(connection.discover());
      const fresh = found.find((item) => item.name === 'fresh') as DiscoveredDataset;
      expect(fresh).toBeDefined();
      expect(fresh).not.toHaveProperty('rowEstimate');
      expect(
        new Set(found.filter((item) => item.kind === 'container').map((item) => item.fqn)),
      ).toEqual(new Set([source.name, formatFqn([source.name, 'sales'])]));
    } finally {
      await connection.close();
      await source.query('drop table sales.fresh');
    }
  });

  it('keeps a fingerprint while the structure stays, and changes it when a column changes', async () => {
    const fingerprintOfOrders = async () => {
      const connection = await connectScanner(source.config, { includeSchemas: ['sales'] });
      try {
        const found = await collect(connection.discover());
        return (found.find((item) => item.name === 'orders') as DiscoveredDataset).fingerprint;
      } finally {
        await connection.close();
      }
    };
    const before = (items.find((item) => item.name === 'orders') as DiscoveredDataset).fingerprint;
    await source.query("comment on table sales.orders is 'comments are not structure'");
    expect(await fingerprintOfOrders()).toBe(before);
    await source.query('alter table sales.orders add column note text');
    expect(await fingerprintOfOrders()).not.toBe(before);
  });
});
