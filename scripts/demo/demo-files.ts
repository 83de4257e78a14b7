import { CLICKSTREAM_MONTH } from './generate-clickstream.js';
import { ordersParquet, paymentsParquet } from './parquet-exports.js';
import type {
  CustomerAddressRow,
  CustomerRow,
  EmployeeRow,
  OrderRow,
  RetailDataset,
} from './retail-model.js';

/** One object of the demo bucket, built in memory so its hash is known before upload. */
export interface DemoFile {
  key: string;
  body: Uint8Array;
  contentType: string;
}

type Cell = string | number | boolean | Date | null | undefined;

/** A CSV column: its header and how to read the value from a row. */
export type CsvColumn<T> = readonly [header: string, value: (row: T) => Cell];

/** RFC 4180: quote only when needed, double embedded quotes, CRLF line ends. */
export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  const cell = (value: Cell): string => {
    if (value === null || value === undefined) return '';
    const text = value instanceof Date ? value.toISOString() : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [columns.map(([header]) => cell(header))];
  for (const row of rows) lines.push(columns.map(([, value]) => cell(value(row))));
  return lines.map((line) => line.join(',')).join('\r\n') + '\r\n';
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const csv = (key: string, text: string): DemoFile => ({
  key,
  body: utf8(text),
  contentType: 'text/csv; charset=utf-8',
});
const pad2 = (n: number): string => String(n).padStart(2, '0');
const { year: YEAR, month: MONTH } = CLICKSTREAM_MONTH;
const inMonth = (date: Date, month: number) =>
  date.getUTCFullYear() === YEAR && date.getUTCMonth() + 1 === month;

function customersCsv(data: RetailDataset): DemoFile {
  const billing = new Map<number, CustomerAddressRow>();
  for (const address of data.customerAddresses) {
    if (address.kind === 'billing') billing.set(address.customer_id, address);
  }
  const columns: CsvColumn<CustomerRow>[] = [
    ['customer_id', (c) => c.id],
    ['customer_ref', (c) => c.customer_ref],
    ['first_name', (c) => c.first_name],
    ['last_name', (c) => c.last_name],
    ['email', (c) => c.email],
    ['phone', (c) => c.phone],
    ['birth_date', (c) => c.birth_date],
    ['street', (c) => billing.get(c.id)?.street_line1],
    ['city', (c) => billing.get(c.id)?.city],
    ['postal_code', (c) => billing.get(c.id)?.postal_code],
    ['country', (c) => c.country_code],
    ['national_id', (c) => c.national_id],
    ['signup_ip', (c) => c.signup_ip],
    ['created_at', (c) => c.created_at],
  ];
  return csv('exports/customers.csv', toCsv(data.customers, columns));
}

/** Monthly payroll hand-off to the bank: the most sensitive file in the bucket. */
function payrollCsv(data: RetailDataset): DemoFile {
  const columns: CsvColumn<EmployeeRow>[] = [
    ['employee_number', (e) => e.employee_number],
    ['full_name', (e) => `${e.first_name} ${e.last_name}`],
    ['national_id', (e) => e.national_id],
    ['iban', (e) => e.bank_iban],
    ['routing_number', (e) => e.bank_routing_number],
    ['account_number', (e) => e.bank_account_number],
    ['gross_monthly', (e) => (e.salary / 12).toFixed(2)],
    ['currency', (e) => e.salary_currency],
  ];
  const active = data.employees.filter((e) => e.termination_date === null);
  return csv(`hr/payroll-${YEAR}-${pad2(MONTH)}.csv`, toCsv(active, columns));
}

/** Hive-style partitions, as a shop's nightly export lands them before the warehouse load. */
function landingOrders(data: RetailDataset): DemoFile[] {
  const customers = new Map(data.customers.map((c) => [c.id, c]));
  const addresses = new Map(data.customerAddresses.map((a) => [a.id, a]));
  const shipTo = (o: OrderRow) => addresses.get(o.shipping_address_id);
  const columns: CsvColumn<OrderRow>[] = [
    ['order_number', (o) => o.order_number],
    ['ordered_at', (o) => o.ordered_at],
    ['status', (o) => o.status],
    ['currency', (o) => o.currency],
    ['total_amount', (o) => o.total_amount.toFixed(2)],
    ['customer_email', (o) => customers.get(o.customer_id)?.email],
    ['ship_to_name', (o) => shipTo(o)?.recipient_name],
    ['ship_to_street', (o) => shipTo(o)?.street_line1],
    ['ship_to_city', (o) => shipTo(o)?.city],
    ['ship_to_postal_code', (o) => shipTo(o)?.postal_code],
    ['ship_to_country', (o) => shipTo(o)?.country_code],
    ['ip_address', (o) => o.ip_address],
  ];
  return [MONTH - 2, MONTH - 1, MONTH].map((month) => {
    const rows = data.orders.filter((o) => inMonth(o.ordered_at, month));
    return csv(`landing/yyyy=${YEAR}/mm=${pad2(month)}/orders.csv`, toCsv(rows, columns));
  });
}

function clickstreamJsonl(data: RetailDataset): DemoFile {
  return {
    key: `events/clickstream-${YEAR}-${pad2(MONTH)}.jsonl`,
    body: utf8(data.clickstream.map((event) => JSON.stringify(event)).join('\n') + '\n'),
    contentType: 'application/x-ndjson',
  };
}

function ticketsJson(data: RetailDataset): DemoFile {
  const tickets = data.supportTickets.filter((t) => inMonth(t.created_at, MONTH));
  return {
    key: `support/tickets-${YEAR}-${pad2(MONTH)}.json`,
    body: utf8(JSON.stringify(tickets, null, 2) + '\n'),
    contentType: 'application/json',
  };
}

function readme(data: RetailDataset, keys: string[]): DemoFile {
  const text = [
    '# Larkspur Retail demo files',
    '',
    'Synthetic data for trying the data governance platform. Every person, card number,',
    'IBAN and identity number here is generated; none belongs to a real person.',
    `Generated from seed ${data.seed} by demo generator v${data.generatorVersion}.`,
    '',
    ...keys.map((key) => `- ${key}`),
    '',
  ].join('\n');
  return { key: 'README.md', body: utf8(text), contentType: 'text/markdown; charset=utf-8' };
}

/**
 * Every object of the demo bucket, derived from the same dataset as the demo database so a
 * customer's e-mail in the CSV matches the one in `sales.customers`. Deterministic bytes:
 * the same dataset always gives the same hashes.
 */
export function buildDemoFiles(data: RetailDataset): DemoFile[] {
  const files: DemoFile[] = [
    customersCsv(data),
    payrollCsv(data),
    ...landingOrders(data),
    clickstreamJsonl(data),
    ticketsJson(data),
    {
      key: 'warehouse/payments.parquet',
      body: paymentsParquet(data),
      contentType: 'application/vnd.apache.parquet',
    },
    {
      key: 'warehouse/orders.parquet',
      body: ordersParquet(data),
      contentType: 'application/vnd.apache.parquet',
    },
  ];
  const keys = files.map((file) => file.key);
  return [readme(data, keys), ...files];
}
