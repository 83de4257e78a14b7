import { parquetWriteBuffer, schemaFromColumnData, type ColumnSource } from 'hyparquet-writer';
import type { Client } from 'minio';

/** The small files of the scanner's test bucket, by key. */
export const ODD_KEY = 'odd/with space & "quotes" ü.csv';

const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';
const lf = (lines: string[]) => lines.join('\n') + '\n';
const parquet = (columns: ColumnSource[]) =>
  Buffer.from(parquetWriteBuffer({ columnData: columns }));

/** Payments as a warehouse holds them, with a calendar-day column (INT32 annotated DATE). */
const paymentColumns: ColumnSource[] = [
  { name: 'payment_id', data: [1, 2, 3], type: 'INT32', nullable: false },
  { name: 'method', data: ['card', 'iban', 'card'], type: 'STRING', nullable: false },
  { name: 'amount', data: [1.5, 2, null], type: 'DOUBLE' },
  { name: 'card_number', data: ['4111111111111111', null, '5500005555555559'], type: 'STRING' },
  {
    name: 'created_at',
    data: [
      new Date('2024-03-01T10:00:00Z'),
      new Date('2024-03-02T11:00:00Z'),
      new Date('2024-03-03T12:00:00Z'),
    ],
    type: 'TIMESTAMP',
    nullable: false,
  },
  // Days since 1970-01-01: 2024-03-01, 2024-03-02, 2024-03-03.
  { name: 'paid_on', data: [19783, 19784, 19785] },
];
const payments = Buffer.from(
  parquetWriteBuffer({
    columnData: paymentColumns.map(({ name, data }) => ({ name, data })),
    schema: schemaFromColumnData({
      columnData: paymentColumns,
      schemaOverrides: {
        paid_on: {
          name: 'paid_on',
          type: 'INT32',
          converted_type: 'DATE',
          repetition_type: 'REQUIRED',
        },
      },
    }),
  }),
);

const salesPart = (ids: number[], coupons?: (string | null)[]) =>
  parquet([
    { name: 'order_id', data: ids, type: 'INT32', nullable: false },
    { name: 'amount', data: ids.map((id) => id * 1.25), type: 'DOUBLE' },
    ...(coupons ? [{ name: 'coupon', data: coupons, type: 'STRING' as const }] : []),
  ]);

// Valid magic at both ends, but the bytes the footer length points at are no Thrift metadata.
const garbledFooter = Buffer.concat([
  Buffer.from('PAR1'),
  Buffer.alloc(64, 0xff),
  Buffer.from([64, 0, 0, 0]),
  Buffer.from('PAR1'),
]);

export const SMALL_FILES: Record<string, Buffer> = {
  README: Buffer.from('a file without an extension\n'),
  'broken/bad-line.jsonl': Buffer.from(
    lf([
      '{"id":1,"name":"a"}',
      '{"id":2,"name":"b"}',
      '{"id":3,"name": oops}',
      '{"id":4,"name":"d"}',
    ]),
  ),
  // A truncated upload: the end of the file, with the footer, is missing.
  'broken/corrupt.parquet': payments.subarray(0, payments.length - 10),
  'broken/garbled.parquet': garbledFooter,
  'broken/ragged.csv': Buffer.from(lf(['a,b,c', '1,2,3', '4,5', '6,7,8,9', '10,11,12'])),
  'docs/readme.md': Buffer.from('# notes\n'),
  'events/clicks.jsonl': Buffer.from(
    lf([
      '{"event_id":1,"user":{"id":7,"email":"x@example.com"},"ts":"2024-03-01T10:00:00Z","page":"/home","tags":["a"]}',
      '{"event_id":2,"user":{"id":8},"ts":"2024-03-01T10:05:00Z","page":null,"score":0.5}',
      '{"event_id":3,"user":null,"ts":"2024-03-01T10:06:00Z","page":"/cart","score":1}',
    ]),
  ),
  'exports/customers.csv': Buffer.from(
    crlf([
      'id,name,email,balance,active,birth_date,created_at,zip,note',
      '1,"Smith, Anna",anna@example.com,12.50,true,1990-04-01,2024-01-31T08:00:00Z,01234,"said ""hi"""',
      '2,Bob Jones,bob@example.com,7,false,1985-12-24,2024-02-01 09:30:00,98765,',
      '3,"Multi\r\nLine",c@example.com,-3.25,TRUE,2000-02-29,2024-02-02T10:00:00+01:00,00501,ok',
    ]),
  ),
  'exports/eu/orders-eu.csv': Buffer.from(
    '\uFEFF' +
      crlf([
        'order_no;customer;amount;shipped_on',
        'A-1;"Müller; Hans";19.99;2024-03-01',
        'A-2;Dupont;5;',
        'A-3;"O\'Brien";100.5;2024-03-04',
      ]),
  ),
  [ODD_KEY]: Buffer.from(lf(['k,v', 'x,1', 'y,2'])),
  'sales/_SUCCESS': Buffer.alloc(0),
  'sales/year=2024/month=01/day=15/part-0.parquet': salesPart([1, 2]),
  'sales/year=2024/month=02/day=01/part-0.parquet': salesPart([3, 4]),
  'sales/year=2024/month=02/day=03/part-0.parquet': salesPart([5], ['SPRING']),
  'support/tickets.json': Buffer.from('[{"id":1}]\n'),
  'warehouse/payments.parquet': payments,
};

/**
 * A Parquet file of 8 row groups of 5,000 rows, in small pages with offset indexes, so that
 * reading its first rows needs a small part of it.
 *
 * @example
 * rowGroupsParquet().length; // ≈ 600 KB
 */
export function rowGroupsParquet(): Buffer {
  const ids = Array.from({ length: 40_000 }, (_, index) => index);
  const text = ids.map((id) => `customer-${id}-${(id * 7919) % 100_003}-${'x'.repeat(20)}`);
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ids, type: 'INT32', nullable: false },
        { name: 'text', data: text, type: 'STRING' },
      ],
      rowGroupSize: 5000,
      pageSize: 16 * 1024,
    }),
  );
}

export const LARGE_KEY = 'big/large.csv';

/**
 * A CSV of about `bytes` bytes with a header and numbered rows: row `n` has id `n`.
 *
 * @example
 * largeCsv(50 * 1024 * 1024).length; // ≈ 52 million
 */
export function largeCsv(bytes: number): { body: Buffer; rows: number } {
  const lines = ['id,customer,email,amount,ordered_on'];
  let length = lines[0]!.length + 1;
  let id = 0;
  while (length < bytes) {
    id++;
    const line = `${id},customer ${id},c${id}@example.com,${(id % 1000) / 4},2024-0${(id % 9) + 1}-1${id % 10}`;
    lines.push(line);
    length += line.length + 1;
  }
  return { body: Buffer.from(lines.join('\n') + '\n'), rows: id };
}

/** Uploads objects with a few requests in flight at once. */
export async function uploadAll(
  client: Client,
  bucket: string,
  files: Record<string, Buffer>,
): Promise<void> {
  const entries = Object.entries(files);
  const workers = Array.from({ length: 16 }, async () => {
    for (let next = entries.shift(); next; next = entries.shift()) {
      await client.putObject(bucket, next[0], next[1], next[1].length);
    }
  });
  await Promise.all(workers);
}

/** Deletes a bucket and everything in it. */
export async function removeBucket(client: Client, bucket: string): Promise<void> {
  if (!(await client.bucketExists(bucket))) return;
  const keys: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) {
    if ((item as { name?: string }).name) keys.push((item as { name: string }).name);
  }
  for (let start = 0; start < keys.length; start += 1000) {
    await client.removeObjects(bucket, keys.slice(start, start + 1000));
  }
  await client.removeBucket(bucket);
}
