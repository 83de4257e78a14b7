import { generateClickstream } from './generate-clickstream.js';
import { generateCustomers } from './generate-customers.js';
import { DEPARTMENTS, generateEmployees } from './generate-employees.js';
import { generateMarketing } from './generate-marketing.js';
import { generateOrders } from './generate-orders.js';
import { generateProducts } from './generate-products.js';
import { generatePayments } from './generate-payments.js';
import { generateSupportTickets } from './generate-support-tickets.js';
import {
  DEFAULT_SIZES,
  DEMO_SEED,
  GENERATOR_VERSION,
  type RetailDataset,
  type RetailSizes,
} from './retail-model.js';

export interface GenerateOptions {
  seed?: number;
  /** Smaller sizes keep unit tests fast; the demo uses the defaults. */
  sizes?: Partial<RetailSizes>;
}

/**
 * The whole demo retailer as plain rows, computed from a seed and nothing else: no clock,
 * no `Math.random`, no I/O. Both the database loader and the bucket files are built from
 * this, so the same customer appears with the same e-mail in every store.
 *
 * @example
 * const a = generateRetailData({ seed: 7, sizes: { customers: 50, orders: 200 } });
 * const b = generateRetailData({ seed: 7, sizes: { customers: 50, orders: 200 } });
 * // a and b are deeply equal
 */
export function generateRetailData(options: GenerateOptions = {}): RetailDataset {
  const seed = options.seed ?? DEMO_SEED;
  const sizes: RetailSizes = { ...DEFAULT_SIZES, ...options.sizes };
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`sizes.${name} must be a positive integer, got ${value}`);
    }
  }

  const people = generateCustomers(seed, sizes.customers);
  const employees = generateEmployees(seed, sizes.employees);
  const products = generateProducts(seed, sizes.products);
  const sales = generateOrders(seed, sizes.orders, people, products);
  const payments = generatePayments(seed, people, sales);
  const supportTickets = generateSupportTickets(
    seed,
    sizes.supportTickets,
    people,
    sales,
    products,
    employees,
  );
  const marketing = generateMarketing(seed, people.customers, sales.orders);
  const clickstream = generateClickstream(
    seed,
    sizes.clickstreamSessions,
    people.customers,
    products,
  );

  return {
    seed,
    generatorVersion: GENERATOR_VERSION,
    departments: DEPARTMENTS.map((department) => ({ ...department })),
    employees,
    customers: people.customers,
    customerAddresses: people.addresses,
    products,
    orders: sales.orders,
    orderItems: sales.orderItems,
    payments,
    supportTickets,
    loyaltyAccounts: marketing.loyaltyAccounts,
    marketingConsents: marketing.marketingConsents,
    clickstream,
  };
}
