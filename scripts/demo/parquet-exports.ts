import { parquetWriteBuffer, schemaFromColumnData, type ColumnSource } from 'hyparquet-writer';
import { DAY_MS, type RetailDataset } from './retail-model.js';

const CREATED_BY = 'data-governance-platform demo seeder';

function metadata(data: RetailDataset) {
  return [
    { key: 'demo.seed', value: String(data.seed) },
    { key: 'demo.generator_version', value: data.generatorVersion },
  ];
}

/**
 * The payments fact table as a warehouse would hold it: typed columns (int, bigint cents,
 * double, boolean, millisecond timestamp, date) and the sensitive columns copied along,
 * which is exactly how card numbers end up in a data lake.
 */
export function paymentsParquet(data: RetailDataset): Uint8Array {
  const orders = new Map(data.orders.map((order) => [order.id, order]));
  const rows = data.payments;
  const columnData: ColumnSource[] = [
    { name: 'payment_id', data: rows.map((p) => p.id), type: 'INT32', nullable: false },
    { name: 'order_id', data: rows.map((p) => p.order_id), type: 'INT32', nullable: false },
    {
      name: 'customer_id',
      data: rows.map((p) => orders.get(p.order_id)?.customer_id ?? null),
      type: 'INT32',
    },
    { name: 'method', data: rows.map((p) => p.method), type: 'STRING', nullable: false },
    { name: 'status', data: rows.map((p) => p.status), type: 'STRING', nullable: false },
    { name: 'amount', data: rows.map((p) => p.amount), type: 'DOUBLE', nullable: false },
    {
      name: 'amount_cents',
      data: rows.map((p) => BigInt(Math.round(p.amount * 100))),
      type: 'INT64',
      nullable: false,
    },
    { name: 'currency', data: rows.map((p) => p.currency), type: 'STRING', nullable: false },
    { name: 'card_brand', data: rows.map((p) => p.card_brand), type: 'STRING' },
    { name: 'card_number', data: rows.map((p) => p.card_number), type: 'STRING' },
    { name: 'card_number_masked', data: rows.map((p) => p.card_number_masked), type: 'STRING' },
    { name: 'card_expiry', data: rows.map((p) => p.card_expiry), type: 'STRING' },
    { name: 'cardholder_name', data: rows.map((p) => p.cardholder_name), type: 'STRING' },
    { name: 'iban', data: rows.map((p) => p.iban), type: 'STRING' },
    { name: 'payer_email', data: rows.map((p) => p.payer_email), type: 'STRING' },
    { name: 'three_d_secure', data: rows.map((p) => p.three_d_secure), type: 'BOOLEAN' },
    { name: 'created_at', data: rows.map((p) => p.created_at), type: 'TIMESTAMP', nullable: false },
    // Calendar day in UTC, as the nightly warehouse load partitions it.
    { name: 'payment_date', data: rows.map((p) => Math.floor(p.created_at.getTime() / DAY_MS)) },
  ];
  const schema = schemaFromColumnData({
    columnData,
    schemaOverrides: {
      payment_date: {
        name: 'payment_date',
        type: 'INT32',
        converted_type: 'DATE',
        repetition_type: 'REQUIRED',
      },
    },
  });
  return new Uint8Array(
    parquetWriteBuffer({
      // With an explicit schema the writer takes bare columns; the types live in the schema.
      columnData: columnData.map(({ name, data }) => ({ name, data })),
      schema,
      kvMetadata: metadata(data),
      createdBy: CREATED_BY,
      rowGroupSize: 10_000,
    }),
  );
}

/** Orders without personal data: the "clean" table next to the risky one. */
export function ordersParquet(data: RetailDataset): Uint8Array {
  const rows = data.orders;
  const columnData: ColumnSource[] = [
    { name: 'order_id', data: rows.map((o) => o.id), type: 'INT32', nullable: false },
    {
      name: 'order_number',
      data: rows.map((o) => o.order_number),
      type: 'STRING',
      nullable: false,
    },
    { name: 'customer_id', data: rows.map((o) => o.customer_id), type: 'INT32', nullable: false },
    { name: 'status', data: rows.map((o) => o.status), type: 'STRING', nullable: false },
    { name: 'channel', data: rows.map((o) => o.channel), type: 'STRING', nullable: false },
    { name: 'currency', data: rows.map((o) => o.currency), type: 'STRING', nullable: false },
    { name: 'subtotal', data: rows.map((o) => o.subtotal), type: 'DOUBLE', nullable: false },
    {
      name: 'shipping_fee',
      data: rows.map((o) => o.shipping_fee),
      type: 'DOUBLE',
      nullable: false,
    },
    {
      name: 'total_amount',
      data: rows.map((o) => o.total_amount),
      type: 'DOUBLE',
      nullable: false,
    },
    { name: 'ordered_at', data: rows.map((o) => o.ordered_at), type: 'TIMESTAMP', nullable: false },
    { name: 'shipped_at', data: rows.map((o) => o.shipped_at), type: 'TIMESTAMP' },
    { name: 'delivered_at', data: rows.map((o) => o.delivered_at), type: 'TIMESTAMP' },
  ];
  return new Uint8Array(
    parquetWriteBuffer({
      columnData,
      kvMetadata: metadata(data),
      createdBy: CREATED_BY,
      rowGroupSize: 10_000,
    }),
  );
}
