import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import {
  DEFAULT_SIZES,
  MANIFEST_KEY,
  buildDemoFiles,
  databaseUrl,
  generateRetailData,
  isLuhnValid,
  isValidBsn,
  isValidIban,
  isValidInsee,
  s3Client,
  seedDemoInto,
  type DemoSummary,
  type RetailDataset,
} from '../../scripts/demo/index.js';
import { ibanCheckDigits } from '../../scripts/demo/payment-identifiers.js';
import { SMALL_DEMO } from '../helpers/compliance-demo-fixture.js';
import { testConfig } from '../helpers/test-config.js';

/** RFC 4180 reader, enough to prove the export is well-formed without a CSV dependency. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
    } else if (char !== '\r') field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('demo generator (pure)', () => {
  it('gives identical rows and files for the same seed, different ones for another', () => {
    const a = generateRetailData({ seed: 42, sizes: SMALL_DEMO });
    const b = generateRetailData({ seed: 42, sizes: SMALL_DEMO });
    const c = generateRetailData({ seed: 43, sizes: SMALL_DEMO });
    expect(b).toEqual(a);
    expect(c.customers[0]?.email).not.toBe(a.customers[0]?.email);
    expect(buildDemoFiles(b).map((f) => [f.key, sha(f.body)])).toEqual(
      buildDemoFiles(a).map((f) => [f.key, sha(f.body)]),
    );
  });

  it('produces Luhn-valid cards, mod-97-valid IBANs and checksummed national ids', () => {
    expect(isLuhnValid('4111 1111 1111 1111')).toBe(true);
    expect(isLuhnValid('4111111111111112')).toBe(false);
    expect(ibanCheckDigits('DE', '370400440532013000')).toBe('89');
    expect(isValidIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isValidIban('GB83WEST12345698765432')).toBe(false);

    const data = generateRetailData({ seed: 7, sizes: { ...SMALL_DEMO, customers: 600 } });
    const cards = data.payments.flatMap((p) => (p.card_number ? [p.card_number] : []));
    expect(cards.length).toBeGreaterThan(100);
    expect(cards.filter((pan) => !isLuhnValid(pan))).toEqual([]);
    for (const p of data.payments.filter((p) => p.card_number)) {
      expect(p.card_number_masked).toBe(
        `${p.card_number?.slice(0, 6)}${'*'.repeat((p.card_number?.length ?? 0) - 10)}${p.card_number?.slice(-4)}`,
      );
    }
    const ibans = [
      ...data.payments.map((p) => p.iban),
      ...data.employees.map((e) => e.bank_iban),
    ].filter((iban): iban is string => iban !== null);
    expect(new Set(ibans.map((iban) => iban.slice(0, 2))).size).toBeGreaterThanOrEqual(3);
    expect(ibans.filter((iban) => !isValidIban(iban))).toEqual([]);
    const ids = (type: string) =>
      data.customers.filter((c) => c.national_id_type === type).map((c) => c.national_id ?? '');
    expect(ids('FR_INSEE').filter((id) => !isValidInsee(id))).toEqual([]);
    expect(ids('NL_BSN').filter((id) => !isValidBsn(id))).toEqual([]);
    expect(
      ids('US_SSN').every((id) => /^(?!000|666|9)\d{3}-?(?!00)\d{2}-?(?!0000)\d{4}$/.test(id)),
    ).toBe(true);
  });

  it('keeps foreign keys consistent inside the dataset', () => {
    const data = generateRetailData({ seed: 3, sizes: SMALL_DEMO });
    const customerIds = new Set(data.customers.map((c) => c.id));
    const orderIds = new Set(data.orders.map((o) => o.id));
    expect(data.orders.every((o) => customerIds.has(o.customer_id))).toBe(true);
    expect(data.orderItems.every((i) => orderIds.has(i.order_id))).toBe(true);
    expect(data.payments.every((p) => orderIds.has(p.order_id))).toBe(true);
    for (const order of data.orders) {
      const lines = data.orderItems.filter((i) => i.order_id === order.id);
      const sum = lines.reduce((total, line) => total + Math.round(line.line_total * 100), 0);
      expect(sum).toBe(Math.round(order.subtotal * 100));
    }
  });
});

describe('demo seeding (PostgreSQL and MinIO)', () => {
  const config = testConfig();
  const suffix = randomBytes(4).toString('hex');
  const targets = { database: `retail_demo_test_${suffix}`, bucket: `retail-demo-test-${suffix}` };
  let expected: RetailDataset;
  let first: DemoSummary;
  let client: pg.Client;

  beforeAll(async () => {
    expected = generateRetailData();
    first = await seedDemoInto(config, targets);
    client = new pg.Client({
      connectionString: databaseUrl(config.postgres.url, targets.database),
    });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    const admin = new pg.Client({ connectionString: config.postgres.url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${targets.database}" WITH (FORCE)`);
    await admin.end();
    const s3 = s3Client(config);
    if (await s3.bucketExists(targets.bucket)) {
      const keys: string[] = [];
      for await (const item of s3.listObjectsV2(targets.bucket, '', true)) {
        if (item.name) keys.push(item.name);
      }
      await s3.removeObjects(targets.bucket, keys);
      await s3.removeBucket(targets.bucket);
    }
  });

  it('creates the database with every table, view and row', async () => {
    expect(first.database).toMatchObject({
      name: targets.database,
      tables: 11,
      views: 5,
      created: true,
    });
    const count = async (table: string) =>
      Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    expect(await count('sales.customers')).toBe(DEFAULT_SIZES.customers);
    expect(await count('sales.orders')).toBe(DEFAULT_SIZES.orders);
    expect(await count('sales.order_items')).toBe(expected.orderItems.length);
    expect(await count('sales.payments')).toBe(expected.payments.length);
    expect(await count('support.support_tickets')).toBe(DEFAULT_SIZES.supportTickets);
    const rows = [
      expected.departments,
      expected.employees,
      expected.customers,
      expected.customerAddresses,
      expected.products,
      expected.orders,
      expected.orderItems,
      expected.payments,
      expected.supportTickets,
      expected.loyaltyAccounts,
      expected.marketingConsents,
    ].reduce((sum, list) => sum + list.length, 0);
    expect(first.database.rows).toBe(rows);

    const views = await client.query(
      `SELECT schemaname || '.' || viewname AS name FROM pg_views WHERE schemaname IN ('sales', 'hr', 'support', 'marketing')
       UNION ALL SELECT schemaname || '.' || matviewname FROM pg_matviews ORDER BY 1`,
    );
    expect(views.rows.map((r) => r.name)).toEqual([
      'hr.employee_directory',
      'marketing.email_audience',
      'sales.customer_order_summary',
      'sales.monthly_revenue',
      'support.open_ticket_queue',
    ]);
    const directory = await client.query('SELECT * FROM hr.employee_directory LIMIT 1');
    expect(directory.fields.map((f) => f.name)).not.toContain('salary');
    const fks = await client.query(`SELECT count(*) AS n FROM pg_constraint WHERE contype = 'f'`);
    expect(Number(fks.rows[0].n)).toBeGreaterThanOrEqual(12);
    const comment = await client.query(`SELECT obj_description('sales.payments'::regclass) AS c`);
    expect(comment.rows[0].c).toMatch(/Payment attempts/);
    const sample = await client.query('SELECT email FROM sales.customers WHERE id = 1');
    expect(sample.rows[0].email).toBe(expected.customers[0]?.email);
  });

  it('writes typed Parquet, well-formed CSV and JSON Lines to the bucket', async () => {
    expect(first.bucket).toMatchObject({ name: targets.bucket, objects: 10, created: true });
    const s3 = s3Client(config);
    const parquet = await readAll(await s3.getObject(targets.bucket, 'warehouse/payments.parquet'));
    const file = new Uint8Array(parquet).buffer;
    const metadata = parquetMetadata(file);
    const columns = parquetSchema(metadata).children.map((c) => [
      c.element.name,
      c.element.type,
      c.element.converted_type,
    ]);
    expect(columns).toEqual(
      expect.arrayContaining([
        ['payment_id', 'INT32', undefined],
        ['amount', 'DOUBLE', undefined],
        ['amount_cents', 'INT64', undefined],
        ['card_number', 'BYTE_ARRAY', 'UTF8'],
        ['three_d_secure', 'BOOLEAN', undefined],
        ['created_at', 'INT64', 'TIMESTAMP_MILLIS'],
        ['payment_date', 'INT32', 'DATE'],
      ]),
    );
    const rows = await parquetReadObjects({
      file,
      columns: ['payment_id', 'card_number', 'created_at'],
    });
    expect(rows).toHaveLength(expected.payments.length);
    expect(rows[1]).toEqual({
      payment_id: expected.payments[1]?.id,
      card_number: expected.payments[1]?.card_number,
      created_at: expected.payments[1]?.created_at,
    });

    const csv = parseCsv(
      (await readAll(await s3.getObject(targets.bucket, 'exports/customers.csv'))).toString('utf8'),
    );
    expect(csv[0]).toContain('email');
    expect(csv).toHaveLength(DEFAULT_SIZES.customers + 1);
    expect(csv.every((row) => row.length === csv[0]?.length)).toBe(true);
    expect(csv[1]?.[csv[0]?.indexOf('email') ?? -1]).toBe(expected.customers[0]?.email);

    const jsonl = (
      await readAll(await s3.getObject(targets.bucket, 'events/clickstream-2026-10.jsonl'))
    ).toString('utf8');
    const events = jsonl
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { ip: string; email?: string });
    expect(events).toHaveLength(expected.clickstream.length);
    expect(events.some((e) => e.email?.includes('@'))).toBe(true);
    const landing = await s3.statObject(targets.bucket, 'landing/yyyy=2026/mm=10/orders.csv');
    expect(landing.size).toBeGreaterThan(0);
    await expect(s3.statObject(targets.bucket, MANIFEST_KEY)).resolves.toBeTruthy();
  });

  it('skips a second run quickly and changes nothing', async () => {
    const started = performance.now();
    const again = await seedDemoInto(config, targets);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(again.database).toEqual({ ...first.database, created: false });
    expect(again.bucket).toEqual({ ...first.bucket, created: false });
  });

  it('leaves a same-named database that the demo did not create untouched', async () => {
    const other = { ...targets, database: `${targets.database}_x` };
    const admin = new pg.Client({ connectionString: config.postgres.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${other.database}"`);
      const foreign = new pg.Client({
        connectionString: databaseUrl(config.postgres.url, other.database),
      });
      await foreign.connect();
      await foreign.query('CREATE TABLE keep_me (id int)');
      await foreign.end();
      await expect(seedDemoInto(config, other)).rejects.toThrow(/without the demo marker/);
      const check = new pg.Client({
        connectionString: databaseUrl(config.postgres.url, other.database),
      });
      await check.connect();
      const kept = await check.query(`SELECT to_regclass('public.keep_me') IS NOT NULL AS kept`);
      await check.end();
      expect(kept.rows[0].kept).toBe(true);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${other.database}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
