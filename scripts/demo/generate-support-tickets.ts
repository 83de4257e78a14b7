import type { Faker } from '@faker-js/faker';
import { SeededRandom } from './seeded-random.js';
import { anyPhoneFormat, COUNTRIES, countryProfile, type CountryCode } from './country-profiles.js';
import { formatCardNumber, formatIban } from './payment-identifiers.js';
import type { CustomerWallet, GeneratedCustomers } from './generate-customers.js';
import type { GeneratedOrders } from './generate-orders.js';
import {
  DAY_MS,
  REFERENCE_DATE,
  seededFaker,
  toDateString,
  type CustomerAddressRow,
  type CustomerRow,
  type EmployeeRow,
  type OrderRow,
  type ProductRow,
  type SupportTicketRow,
} from './retail-model.js';

interface TicketContext {
  customer: CustomerRow;
  order: OrderRow | null;
  product: string;
  phone: string;
  otherEmail: string;
  card: { pan: string; expiry: string };
  iban: string | null;
  address: CustomerAddressRow | undefined;
}

type Template = (c: TicketContext) => { subject: string; body: string } | null;

/**
 * What customers actually write. About half the templates carry personal data in free text
 * (phones, e-mails, card numbers, IBANs, addresses), which column-name heuristics miss and
 * only content classification catches.
 */
const TEMPLATES: readonly (readonly [Template, number])[] = [
  [
    (c) =>
      c.order
        ? {
            subject: `Where is my order ${c.order.order_number}?`,
            body: `Hi, I ordered on ${toDateString(c.order.ordered_at)} and the tracking has not moved for a week. Could someone call me on ${c.phone}? Thanks, ${c.customer.first_name}`,
          }
        : null,
    14,
  ],
  [
    (c) =>
      c.order
        ? {
            subject: `Charged twice for ${c.order.order_number}`,
            body: `My card ending ${c.card.pan.slice(-4)} was charged twice (${c.order.total_amount.toFixed(2)} ${c.order.currency}). Please refund one of the payments.`,
          }
        : null,
    10,
  ],
  [
    (c) => ({
      subject: 'Payment keeps failing',
      body: `I tried paying with ${formatCardNumber(c.card.pan)} exp ${c.card.expiry} three times and it fails every time. What is wrong with your site?`,
    }),
    5,
  ],
  [
    (c) =>
      c.order && c.iban
        ? {
            subject: 'Refund to bank account',
            body: `The card I used has been cancelled. Please send the refund for ${c.order.order_number} to my account ${formatIban(c.iban)} instead.`,
          }
        : null,
    6,
  ],
  [
    (c) =>
      c.address
        ? {
            subject: 'Change delivery address',
            body: `Please ship to ${c.address.street_line1}, ${c.address.postal_code} ${c.address.city} from now on. My new number is ${c.phone}.`,
          }
        : null,
    8,
  ],
  [
    (c) => ({
      subject: "Can't log in",
      body: `I can't log into my account. I signed up with ${c.customer.email} but now I use ${c.otherEmail}. Can you update it?`,
    }),
    8,
  ],
  [
    (c) =>
      c.order
        ? {
            subject: `${c.product} arrived damaged`,
            body: `The ${c.product} in order ${c.order.order_number} arrived with a cracked casing. Photos attached.`,
          }
        : null,
    14,
  ],
  [
    (c) => ({
      subject: `Question about ${c.product}`,
      body: `Do you have the ${c.product} in another colour or size? Thanks!`,
    }),
    14,
  ],
  [
    (c) => ({
      subject: 'Delete my account',
      body: `Under GDPR I ask you to delete all the data you hold about me (${c.customer.first_name} ${c.customer.last_name}, born ${c.customer.birth_date ?? 'unknown'}). Please confirm to ${c.customer.email}.`,
    }),
    4,
  ],
  [
    (c) =>
      c.order
        ? {
            subject: 'Callback request',
            body: `pls call me back asap ${c.phone} re order ${c.order.order_number}`,
          }
        : null,
    7,
  ],
  [
    (c) =>
      c.order
        ? {
            subject: 'Return label',
            body: `How do I return order ${c.order.order_number}? The return form on the website gives an error.`,
          }
        : null,
    10,
  ],
];

const SIGN_OFFS = [
  '',
  '',
  '',
  '\n\nSent from my iPhone',
  '\n\nKind regards',
  '\n\n--\nSent from Outlook',
];

/** Tickets from customers, often about one of their orders, assigned to support staff. */
export function generateSupportTickets(
  seed: number,
  count: number,
  people: GeneratedCustomers,
  sales: GeneratedOrders,
  products: ProductRow[],
  employees: EmployeeRow[],
): SupportTicketRow[] {
  const rng = SeededRandom.derive(seed, 'support-tickets');
  const fakers = new Map<string, Faker>(
    COUNTRIES.map((c) => [c.code, seededFaker(seed, `support:${c.code}`, c.locale)]),
  );
  const agents = employees.filter((e) => e.department_id === 6 && e.termination_date === null);
  const ordersByCustomer = new Map<number, OrderRow[]>();
  for (const order of sales.orders) {
    const list = ordersByCustomer.get(order.customer_id) ?? [];
    list.push(order);
    ordersByCustomer.set(order.customer_id, list);
  }
  const addressesByCustomer = new Map<number, CustomerAddressRow[]>();
  for (const address of people.addresses) {
    const list = addressesByCustomer.get(address.customer_id) ?? [];
    list.push(address);
    addressesByCustomer.set(address.customer_id, list);
  }
  const firstTicket = new Date('2024-01-01T00:00:00Z');

  const drafts = Array.from({ length: count }, () => {
    const customerIndex = rng.skewedIndex(people.customers.length, 1.4);
    const customer = people.customers[customerIndex] as CustomerRow;
    const wallet = people.wallets[customerIndex] as CustomerWallet;
    const faker = fakers.get(customer.country_code) as Faker;
    const createdAt = rng.timeBetween(
      customer.created_at > firstTicket ? customer.created_at : firstTicket,
      REFERENCE_DATE,
    );
    const earlier = (ordersByCustomer.get(customer.id) ?? []).filter(
      (o) => o.ordered_at < createdAt,
    );
    const context: TicketContext = {
      customer,
      order: earlier.length > 0 && rng.chance(0.8) ? rng.pick(earlier) : null,
      product: (products[rng.skewedIndex(products.length, 1.8)] as ProductRow).name,
      phone: anyPhoneFormat(
        rng,
        countryProfile(customer.country_code as CountryCode).mobileNumber(rng),
      ),
      otherEmail: faker.internet.email({ firstName: customer.first_name }),
      card: rng.pick(wallet.cards),
      iban: wallet.iban,
      address: (addressesByCustomer.get(customer.id) ?? []).at(-1),
    };
    let content: { subject: string; body: string } | null = null;
    while (!content) content = rng.weighted(TEMPLATES)(context);
    return { customer, createdAt, order: context.order, content };
  });
  drafts.sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.customer.id - b.customer.id,
  );

  return drafts.map(({ customer, createdAt, order, content }, index) => {
    const ageDays = (REFERENCE_DATE.getTime() - createdAt.getTime()) / DAY_MS;
    const status =
      ageDays > 14
        ? rng.weighted([
            ['closed', 70],
            ['solved', 30],
          ] as const)
        : rng.weighted([
            ['open', 40],
            ['pending', 30],
            ['solved', 30],
          ] as const);
    const resolvedAt =
      status === 'solved' || status === 'closed'
        ? new Date(
            Math.min(createdAt.getTime() + rng.int(1, 120) * 3_600_000, REFERENCE_DATE.getTime()),
          )
        : null;
    return {
      id: index + 1,
      ticket_number: `TCK-${100_000 + index + 1}`,
      customer_id: customer.id,
      order_id: order?.id ?? null,
      assignee_id:
        agents.length > 0 && (status !== 'open' || rng.chance(0.7)) ? rng.pick(agents).id : null,
      channel: rng.weighted([
        ['email', 45],
        ['chat', 25],
        ['web_form', 20],
        ['phone', 10],
      ] as const),
      subject: content.subject,
      body: content.body + rng.pick(SIGN_OFFS),
      status,
      priority: rng.weighted([
        ['low', 30],
        ['normal', 50],
        ['high', 15],
        ['urgent', 5],
      ] as const),
      created_at: createdAt,
      resolved_at: resolvedAt,
    };
  });
}
