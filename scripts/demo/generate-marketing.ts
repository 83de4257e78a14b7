import { base, en } from '@faker-js/faker';
import { SeededRandom } from './seeded-random.js';
import {
  REFERENCE_DATE,
  seededFaker,
  type CustomerRow,
  type LoyaltyAccountRow,
  type MarketingConsentRow,
  type OrderRow,
} from './retail-model.js';

/** Points needed per tier; members earn one point per unit of currency spent. */
const TIERS: readonly (readonly [LoyaltyAccountRow['tier'], number])[] = [
  ['platinum', 10_000],
  ['gold', 3000],
  ['silver', 1000],
  ['bronze', 0],
];

/** [channel, chance a preference was ever recorded, chance it was granted]. */
const CHANNELS: readonly (readonly [MarketingConsentRow['channel'], number, number])[] = [
  ['email', 1, 0.6],
  ['sms', 0.7, 0.35],
  ['phone', 0.5, 0.2],
  ['post', 0.4, 0.3],
];

export interface GeneratedMarketing {
  loyaltyAccounts: LoyaltyAccountRow[];
  marketingConsents: MarketingConsentRow[];
}

/**
 * Loyalty membership (tier follows what the member spent, so joins against orders tell a
 * consistent story) and per-channel consent records with the evidence GDPR asks for: when,
 * where and from which IP address consent was given or refused.
 */
export function generateMarketing(
  seed: number,
  customers: CustomerRow[],
  orders: OrderRow[],
): GeneratedMarketing {
  const rng = SeededRandom.derive(seed, 'marketing');
  const faker = seededFaker(seed, 'marketing', [en, base]);
  const spent = new Map<number, number>();
  for (const order of orders) {
    if (order.status === 'cancelled') continue;
    spent.set(order.customer_id, (spent.get(order.customer_id) ?? 0) + order.total_amount);
  }

  const loyaltyAccounts: LoyaltyAccountRow[] = [];
  const marketingConsents: MarketingConsentRow[] = [];
  for (const customer of customers) {
    if (rng.chance(0.6)) {
      const points = Math.floor(((spent.get(customer.id) ?? 0) * rng.int(80, 100)) / 100);
      loyaltyAccounts.push({
        customer_id: customer.id,
        member_number: `LR${String(1_000_000_000 + customer.id * 7919).padStart(10, '0')}`,
        tier: TIERS.find(([, threshold]) => points >= threshold)?.[0] ?? 'bronze',
        points_balance: points,
        enrolled_at: rng.timeBetween(customer.created_at, REFERENCE_DATE),
      });
    }
    for (const [channel, recorded, granted] of CHANNELS) {
      if (!rng.chance(recorded)) continue;
      const source = rng.weighted([
        ['checkout', 45],
        ['account_settings', 25],
        ['store', 15],
        ['preference_center', 15],
      ] as const);
      marketingConsents.push({
        id: marketingConsents.length + 1,
        customer_id: customer.id,
        channel,
        granted: rng.chance(granted),
        source,
        ip_address: source === 'store' ? null : faker.internet.ipv4(),
        recorded_at: rng.timeBetween(customer.created_at, REFERENCE_DATE),
      });
    }
  }
  return { loyaltyAccounts, marketingConsents };
}
