import { base, en, en_US } from '@faker-js/faker';
import { SeededRandom } from './seeded-random.js';
import { maskCardNumber } from './payment-identifiers.js';
import type { CustomerWallet, GeneratedCustomers, StoredCard } from './generate-customers.js';
import type { GeneratedOrders } from './generate-orders.js';
import { seededFaker, type OrderRow, type PaymentRow } from './retail-model.js';

type Method = PaymentRow['method'];

const STATUS_BY_ORDER: Record<OrderRow['status'], PaymentRow['status']> = {
  processing: 'authorized',
  shipped: 'captured',
  delivered: 'captured',
  cancelled: 'voided',
  returned: 'refunded',
};

function chooseMethod(rng: SeededRandom, order: OrderRow, wallet: CustomerWallet): Method {
  if (order.channel === 'store')
    return rng.weighted([
      ['card', 85],
      ['gift_card', 15],
    ] as const);
  return rng.weighted<Method>([
    ['card', 72],
    ['paypal', 14],
    ['sepa_debit', wallet.iban ? 8 : 0],
    ['gift_card', 6],
  ]);
}

function cardFields(card: StoredCard) {
  return {
    card_brand: card.brand,
    card_number: card.pan,
    card_number_masked: maskCardNumber(card.pan),
    card_expiry: card.expiry,
    cardholder_name: card.holder,
  };
}

const NO_CARD = {
  card_brand: null,
  card_number: null,
  card_number_masked: null,
  card_expiry: null,
  cardholder_name: null,
};

/**
 * One payment per order, plus a failed first attempt for a few card orders (declines are
 * what make payment tables interesting to audit). The legacy checkout stored the full card
 * number next to the masked one; the demo keeps that mistake on purpose for scans to find.
 */
export function generatePayments(
  seed: number,
  people: GeneratedCustomers,
  sales: GeneratedOrders,
): PaymentRow[] {
  const rng = SeededRandom.derive(seed, 'payments');
  const faker = seededFaker(seed, 'payments', [en_US, en, base]);
  const payments: PaymentRow[] = [];

  for (const [index, order] of sales.orders.entries()) {
    const customerIndex = sales.customerIndexes[index] as number;
    const wallet = people.wallets[customerIndex] as CustomerWallet;
    const customer = people.customers[customerIndex];
    const method = chooseMethod(rng, order, wallet);
    const card = rng.pick(wallet.cards);
    const threeDSecure = method === 'card' && order.channel !== 'store' ? rng.chance(0.7) : null;
    const common = {
      order_id: order.id,
      amount: order.total_amount,
      currency: order.currency,
      three_d_secure: threeDSecure,
    };

    if (method === 'card' && rng.chance(0.04)) {
      const declined = rng.chance(0.5) ? card : rng.pick(wallet.cards);
      payments.push({
        id: payments.length + 1,
        ...common,
        method,
        status: 'failed',
        ...cardFields(declined),
        iban: null,
        payer_email: null,
        gift_card_code: null,
        processor_ref: `ch_${faker.string.alphanumeric(24)}`,
        created_at: order.ordered_at,
      });
    }

    const paidAt = new Date(order.ordered_at.getTime() + rng.int(2, 600) * 1000);
    payments.push({
      id: payments.length + 1,
      ...common,
      method,
      status: STATUS_BY_ORDER[order.status],
      ...(method === 'card' ? cardFields(card) : NO_CARD),
      iban: method === 'sepa_debit' ? wallet.iban : null,
      payer_email:
        method === 'paypal'
          ? rng.chance(0.85) && customer
            ? customer.email
            : faker.internet.email()
          : null,
      gift_card_code:
        method === 'gift_card'
          ? `GC-${rng.letters(4, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789')}-${rng.digits(4)}-${rng.digits(4)}`
          : null,
      processor_ref: processorRef(faker, method),
      created_at: paidAt,
    });
  }
  return payments;
}

function processorRef(faker: ReturnType<typeof seededFaker>, method: Method): string {
  switch (method) {
    case 'card':
      return `ch_${faker.string.alphanumeric(24)}`;
    case 'paypal':
      return `PAYID-${faker.string.alphanumeric({ length: 24, casing: 'upper' })}`;
    case 'sepa_debit':
      return `SEPA-${faker.string.numeric(16)}`;
    case 'gift_card':
      return `gc_${faker.string.alphanumeric(16)}`;
  }
}
