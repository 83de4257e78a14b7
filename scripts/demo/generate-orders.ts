import { en, en_US, base } from '@faker-js/faker';
import { SeededRandom } from './seeded-random.js';
import { countryProfile, USD_RATES, type CountryCode } from './country-profiles.js';
import type { GeneratedCustomers } from './generate-customers.js';
import {
  DAY_MS,
  REFERENCE_DATE,
  seededFaker,
  type OrderItemRow,
  type OrderRow,
  type ProductRow,
} from './retail-model.js';

const FIRST_ORDER = new Date('2024-01-01T00:00:00Z');
const SHIPPING_FEE_CENTS: Record<string, number> = { USD: 499, GBP: 399, EUR: 449 };
const FREE_SHIPPING_FROM_CENTS = 5000;

export interface GeneratedOrders {
  orders: OrderRow[];
  orderItems: OrderItemRow[];
  /** Index into the customers array for each order, so payments find the right wallet. */
  customerIndexes: number[];
}

function lifecycle(
  rng: SeededRandom,
  orderedAt: Date,
): Pick<OrderRow, 'status' | 'shipped_at' | 'delivered_at'> {
  const ageDays = (REFERENCE_DATE.getTime() - orderedAt.getTime()) / DAY_MS;
  const shippedAt = new Date(orderedAt.getTime() + rng.int(6, 72) * 3_600_000);
  const deliveredAt = new Date(shippedAt.getTime() + rng.int(20, 140) * 3_600_000);
  if (ageDays < 3 && rng.chance(0.6))
    return { status: 'processing', shipped_at: null, delivered_at: null };
  if (deliveredAt > REFERENCE_DATE || shippedAt > REFERENCE_DATE) {
    return shippedAt > REFERENCE_DATE
      ? { status: 'processing', shipped_at: null, delivered_at: null }
      : { status: 'shipped', shipped_at: shippedAt, delivered_at: null };
  }
  const status = rng.weighted([
    ['delivered', 88],
    ['cancelled', 6],
    ['returned', 6],
  ] as const);
  if (status === 'cancelled') return { status, shipped_at: null, delivered_at: null };
  return { status, shipped_at: shippedAt, delivered_at: deliveredAt };
}

/**
 * Orders from January 2024 up to the reference date with their line items. Amounts are
 * summed in integer cents so totals always equal the sum of the lines.
 */
export function generateOrders(
  seed: number,
  count: number,
  people: GeneratedCustomers,
  products: ProductRow[],
): GeneratedOrders {
  const rng = SeededRandom.derive(seed, 'orders');
  const faker = seededFaker(seed, 'orders', [en_US, en, base]);
  const { customers } = people;
  const addressesByCustomer = new Map<number, number[]>();
  for (const address of people.addresses) {
    addressesByCustomer.set(address.customer_id, [
      ...(addressesByCustomer.get(address.customer_id) ?? []),
      address.id,
    ]);
  }

  const drafts = Array.from({ length: count }, () => {
    const customerIndex = rng.skewedIndex(customers.length, 1.25);
    const customer = customers[customerIndex];
    if (!customer) throw new Error('generateOrders needs at least one customer');
    const from = customer.created_at > FIRST_ORDER ? customer.created_at : FIRST_ORDER;
    return { customerIndex, orderedAt: rng.timeBetween(from, REFERENCE_DATE) };
  });
  drafts.sort(
    (a, b) => a.orderedAt.getTime() - b.orderedAt.getTime() || a.customerIndex - b.customerIndex,
  );

  const orders: OrderRow[] = [];
  const orderItems: OrderItemRow[] = [];
  for (const [index, { customerIndex, orderedAt }] of drafts.entries()) {
    const id = index + 1;
    const customer = customers[customerIndex] as (typeof customers)[number];
    const currency = countryProfile(customer.country_code as CountryCode).currency;
    const channel = rng.weighted([
      ['web', 55],
      ['mobile_app', 33],
      ['store', 12],
    ] as const);

    const lineCount = rng.weighted([
      [1, 40],
      [2, 30],
      [3, 15],
      [4, 10],
      [5, 5],
    ] as const);
    const chosen = new Set<number>();
    while (chosen.size < Math.min(lineCount, products.length)) {
      chosen.add(rng.skewedIndex(products.length, 1.5));
    }
    let subtotalCents = 0;
    for (const productIndex of chosen) {
      const product = products[productIndex] as ProductRow;
      const quantity = rng.weighted([
        [1, 75],
        [2, 18],
        [3, 5],
        [4, 2],
      ] as const);
      const unitCents = Math.round(product.list_price_usd * USD_RATES[currency] * 100);
      const discount = rng.weighted([
        [0, 80],
        [10, 10],
        [15, 6],
        [25, 4],
      ] as const);
      const lineCents = Math.round((unitCents * quantity * (100 - discount)) / 100);
      subtotalCents += lineCents;
      orderItems.push({
        id: orderItems.length + 1,
        order_id: id,
        product_id: product.id,
        quantity,
        unit_price: unitCents / 100,
        discount_pct: discount,
        line_total: lineCents / 100,
      });
    }
    const shippingCents =
      channel === 'store' || subtotalCents >= FREE_SHIPPING_FROM_CENTS
        ? 0
        : (SHIPPING_FEE_CENTS[currency] ?? 0);
    const ownAddresses = addressesByCustomer.get(customer.id) ?? [];
    const shippingAddressId =
      rng.chance(0.1) && ownAddresses.length > 1
        ? rng.pick(ownAddresses)
        : (people.defaultShippingAddressIds[customerIndex] as number);

    orders.push({
      id,
      order_number: `LR-${orderedAt.getUTCFullYear()}-${String(id).padStart(7, '0')}`,
      customer_id: customer.id,
      shipping_address_id: shippingAddressId,
      ...lifecycle(rng, orderedAt),
      channel,
      currency,
      subtotal: subtotalCents / 100,
      shipping_fee: shippingCents / 100,
      total_amount: (subtotalCents + shippingCents) / 100,
      ip_address: channel === 'store' ? null : faker.internet.ipv4(),
      ordered_at: orderedAt,
    });
  }
  return { orders, orderItems, customerIndexes: drafts.map((d) => d.customerIndex) };
}
