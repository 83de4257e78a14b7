import { expect } from 'vitest';
import { LARGE_KEY, ODD_KEY, SMALL_FILES } from './s3-fixtures.js';

type Column = [name: string, dataType: string, nullable?: boolean];

const HASH = expect.stringMatching(/^[0-9a-f]{64}$/);
/** The fixture bucket has no policy: nobody but the key's owner reads it. */
const PRIVATE = { publicRead: false, readers: [] };
const TEXT = expect.any(String);

function columns(list: Column[]) {
  return list.map(([name, dataType, nullable = false], index) => ({
    name,
    position: index + 1,
    dataType,
    nullable,
  }));
}

const quote = (segment: string) =>
  /^[A-Za-z0-9_$-]+$/.test(segment) ? segment : `"${segment.replaceAll('"', '""')}"`;

function container(bucket: string, directories: string[]) {
  const path = [bucket, ...directories];
  return {
    kind: 'container',
    containerType: 'prefix',
    fqn: path.map(quote).join('.'),
    path,
    name: directories.at(-1),
    parentFqn: path.slice(0, -1).map(quote).join('.'),
    properties: { prefix: directories.map((directory) => `${directory}/`).join('') },
  };
}

function file(
  bucket: string,
  key: string,
  format: string,
  list: Column[],
  extra: { rowEstimate?: unknown; problem?: string; properties?: Record<string, unknown> } = {},
) {
  const directories = key.split('/').slice(0, -1);
  return {
    kind: 'dataset',
    datasetType: 'file',
    fqn: `${bucket}.${quote(key)}`,
    path: [bucket, key],
    name: key.split('/').at(-1),
    parentFqn: [bucket, ...directories].map(quote).join('.'),
    columns: columns(list),
    fingerprint: HASH,
    ...(extra.rowEstimate === undefined ? {} : { rowEstimate: extra.rowEstimate }),
    ...(extra.problem === undefined
      ? {}
      : { problem: { kind: 'corrupt', message: extra.problem } }),
    properties: {
      format,
      key,
      size: key === LARGE_KEY ? expect.any(Number) : SMALL_FILES[key]!.length,
      lastModified: TEXT,
      etag: TEXT,
      access: PRIVATE,
      ...extra.properties,
    },
  };
}

const csvRead = (rows: number, bytes: unknown, delimiter = ',') => ({
  delimiter,
  header: true,
  rowsInspected: rows,
  bytesInspected: bytes,
});

const sizeOf = (key: string) => SMALL_FILES[key]!.length;

/**
 * Everything discovery must yield for the fixture bucket, in order.
 *
 * @example
 * expect(items).toEqual(expectedDiscovery(bucket, endpoint));
 */
export function expectedDiscovery(bucket: string, endpoint: string): unknown[] {
  const sales = Object.keys(SMALL_FILES).filter((key) => key.startsWith('sales/year='));
  return [
    {
      kind: 'container',
      containerType: 'bucket',
      fqn: bucket,
      path: [bucket],
      name: bucket,
      properties: {
        endpoint,
        region: 'us-east-1',
        objectCount: Object.keys(SMALL_FILES).length + 1,
        totalBytes: expect.any(Number),
        dataObjects: 13,
        skippedObjects: 4,
        skipped: { 'unknown-format': 3, hidden: 1, excluded: 0, 'directory-marker': 0 },
        skippedExtensions: { '(none)': 1, '.json': 1, '.md': 1 },
      },
    },
    container(bucket, ['big']),
    file(
      bucket,
      LARGE_KEY,
      'csv',
      [
        ['id', 'integer'],
        ['customer', 'string'],
        ['email', 'string'],
        ['amount', 'decimal'],
        ['ordered_on', 'date'],
      ],
      {
        rowEstimate: expect.any(Number),
        properties: csvRead(1000, 65536),
      },
    ),
    container(bucket, ['broken']),
    file(
      bucket,
      'broken/bad-line.jsonl',
      'jsonl',
      [
        ['id', 'integer'],
        ['name', 'string'],
      ],
      {
        rowEstimate: 3,
        problem:
          'file "broken/bad-line.jsonl": line 3 is not valid JSON (1 unreadable line among the first 4)',
        properties: { rowsInspected: 3, bytesInspected: sizeOf('broken/bad-line.jsonl') },
      },
    ),
    file(bucket, 'broken/corrupt.parquet', 'parquet', [], {
      problem: `file "broken/corrupt.parquet": no Parquet footer: the last 4 bytes (offset ${sizeOf('broken/corrupt.parquet') - 4}) are not "PAR1"`,
    }),
    file(bucket, 'broken/garbled.parquet', 'parquet', [], {
      problem:
        'file "broken/garbled.parquet": the footer at offset 4 is unreadable (thrift unhandled type: 15)',
    }),
    file(
      bucket,
      'broken/ragged.csv',
      'csv',
      [
        ['a', 'integer'],
        ['b', 'integer'],
        ['c', 'integer', true],
      ],
      {
        rowEstimate: 4,
        problem:
          'file "broken/ragged.csv": line 3 has 2 fields where the header has 3 (2 such rows among the first 4)',
        properties: csvRead(4, sizeOf('broken/ragged.csv')),
      },
    ),
    container(bucket, ['events']),
    file(
      bucket,
      'events/clicks.jsonl',
      'jsonl',
      [
        ['event_id', 'integer'],
        ['user', 'json', true],
        ['ts', 'timestamp'],
        ['page', 'string', true],
        ['tags', 'json', true],
        ['score', 'decimal', true],
      ],
      {
        rowEstimate: 3,
        properties: { rowsInspected: 3, bytesInspected: sizeOf('events/clicks.jsonl') },
      },
    ),
    container(bucket, ['exports']),
    file(
      bucket,
      'exports/customers.csv',
      'csv',
      [
        ['id', 'integer'],
        ['name', 'string'],
        ['email', 'string'],
        ['balance', 'decimal'],
        ['active', 'boolean'],
        ['birth_date', 'date'],
        ['created_at', 'timestamp'],
        ['zip', 'string'],
        ['note', 'string', true],
      ],
      {
        rowEstimate: 3,
        properties: csvRead(3, sizeOf('exports/customers.csv')),
      },
    ),
    container(bucket, ['exports', 'eu']),
    file(
      bucket,
      'exports/eu/orders-eu.csv',
      'csv',
      [
        ['order_no', 'string'],
        ['customer', 'string'],
        ['amount', 'decimal'],
        ['shipped_on', 'date', true],
      ],
      {
        rowEstimate: 3,
        properties: csvRead(3, sizeOf('exports/eu/orders-eu.csv'), ';'),
      },
    ),
    container(bucket, ['odd']),
    file(
      bucket,
      ODD_KEY,
      'csv',
      [
        ['k', 'string'],
        ['v', 'integer'],
      ],
      {
        rowEstimate: 2,
        properties: csvRead(2, sizeOf(ODD_KEY)),
      },
    ),
    {
      kind: 'dataset',
      datasetType: 'file-set',
      fqn: `${bucket}."sales/"`,
      path: [bucket, 'sales/'],
      name: 'sales',
      parentFqn: bucket,
      columns: columns([
        ['order_id', 'INT32'],
        ['amount', 'DOUBLE', true],
        ['coupon', 'STRING', true],
        ['year', 'integer'],
        ['month', 'integer'],
        ['day', 'integer'],
      ]),
      fingerprint: HASH,
      rowEstimate: expect.any(Number),
      properties: {
        createdBy: 'hyparquet',
        compression: ['SNAPPY'],
        format: 'parquet',
        prefix: 'sales/',
        objectCount: 3,
        totalBytes: sales.reduce((sum, key) => sum + sizeOf(key), 0),
        partitionKeys: ['year', 'month', 'day'],
        partitionCount: 3,
        lastModified: TEXT,
        inspectedFiles: [sales[0], sales[2]],
        schemaDrift: {
          comparedFiles: [sales[0], sales[2]],
          addedColumns: ['coupon'],
          missingColumns: [],
          typeChanges: [],
        },
        access: PRIVATE,
      },
    },
    container(bucket, ['warehouse']),
    file(
      bucket,
      'warehouse/payments.parquet',
      'parquet',
      [
        ['payment_id', 'INT32'],
        ['method', 'STRING'],
        ['amount', 'DOUBLE', true],
        ['card_number', 'STRING', true],
        ['created_at', 'TIMESTAMP(MILLIS, UTC)'],
        ['paid_on', 'DATE'],
      ],
      {
        rowEstimate: 3,
        properties: {
          rowCount: 3,
          rowGroups: 1,
          footerBytes: expect.any(Number),
          createdBy: 'hyparquet',
          compression: ['SNAPPY'],
        },
      },
    ),
  ];
}
