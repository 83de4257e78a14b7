import type { ClientBase } from 'pg';
import type { RetailDataset } from './retail-model.js';

/** Tables in foreign key order, each with the dataset rows that fill it. */
const TABLE_ROWS: readonly (readonly [string, (data: RetailDataset) => readonly object[]])[] = [
  ['hr.departments', (d) => d.departments],
  ['hr.employees', (d) => d.employees],
  ['sales.customers', (d) => d.customers],
  ['sales.customer_addresses', (d) => d.customerAddresses],
  ['sales.products', (d) => d.products],
  ['sales.orders', (d) => d.orders],
  ['sales.order_items', (d) => d.orderItems],
  ['sales.payments', (d) => d.payments],
  ['support.support_tickets', (d) => d.supportTickets],
  ['marketing.loyalty_accounts', (d) => d.loyaltyAccounts],
  ['marketing.consents', (d) => d.marketingConsents],
];

/** Keeps each statement's JSON parameter to a few megabytes. */
const BATCH_ROWS = 5000;

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * One parameter per batch: PostgreSQL turns the JSON array into rows of the table's own
 * type, so every column gets its declared type without a cast list, and there is no
 * 65,535-parameter ceiling as with multi-row VALUES.
 */
async function insertRows(
  client: ClientBase,
  table: string,
  rows: readonly object[],
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first).map(quoteIdent).join(', ');
  const sql =
    `INSERT INTO ${table} (${columns}) ` +
    `SELECT ${columns} FROM json_populate_recordset(NULL::${table}, $1::json)`;
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    await client.query(sql, [JSON.stringify(rows.slice(start, start + BATCH_ROWS))]);
  }
}

/**
 * Inserts every demo row inside the caller's transaction and moves each identity sequence
 * past the explicit ids, so an application inserting afterwards does not collide.
 *
 * @returns rows inserted per table, e.g. `{ 'sales.orders': 15000, ... }`
 */
export async function loadRetailTables(
  client: ClientBase,
  data: RetailDataset,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [table, rowsOf] of TABLE_ROWS) {
    const rows = rowsOf(data);
    await insertRows(client, table, rows);
    counts[table] = rows.length;
    const maxId = rows.reduce((max, row) => Math.max(max, (row as { id?: number }).id ?? 0), 0);
    if (maxId > 0) {
      await client.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, [table, maxId]);
    }
  }
  return counts;
}
