import { base, en } from '@faker-js/faker';
import { SeededRandom } from './seeded-random.js';
import type { ClickstreamEvent, CustomerRow, ProductRow } from './retail-model.js';
import { seededFaker } from './retail-model.js';

/** The month the clickstream export covers. */
export const CLICKSTREAM_MONTH = { year: 2026, month: 10 } as const;

const SITE = 'https://shop.larkspur-retail.example';

/** Browsers as they really report themselves; the device is read from the same string. */
const USER_AGENTS: readonly (readonly [string, string])[] = [
  [
    'desktop',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
  ],
  [
    'desktop',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  ],
  ['desktop', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0'],
  [
    'desktop',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0',
  ],
  [
    'mobile',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  ],
  [
    'mobile',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.6668.81 Mobile Safari/537.36',
  ],
  [
    'mobile',
    'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.6668.70 Mobile Safari/537.36',
  ],
  [
    'tablet',
    'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  ],
  ['app', 'LarkspurShop/5.12.0 (iPhone15,2; iOS 18.0; Scale/3.00)'],
  ['app', 'LarkspurShop/5.12.0 (Android 14; Pixel 8; okhttp/4.12.0)'],
];

const SEARCHES = [
  'rain jacket',
  'running shoes',
  'coffee grinder',
  'desk lamp',
  'yoga mat',
  'bluetooth speaker',
  'kids raincoat',
  'gift card',
];

/** Email in the query string is a classic leak: newsletter links that identify the reader. */
function referrer(rng: SeededRandom, email: string | null): string | null {
  return rng.weighted<string | null>([
    [null, 35],
    ['https://www.google.com/', 35],
    ['https://www.instagram.com/', 10],
    ['https://www.bing.com/', 5],
    [`${SITE}/newsletter/open?utm_source=newsletter&utm_medium=email`, 10],
    [
      email
        ? `${SITE}/newsletter/open?utm_source=newsletter&email=${encodeURIComponent(email)}`
        : null,
      5,
    ],
  ]);
}

/**
 * A month of web and app analytics events. Sessions of logged-in customers carry their user
 * id, and log-in or newsletter events their e-mail address.
 */
export function generateClickstream(
  seed: number,
  sessions: number,
  customers: CustomerRow[],
  products: ProductRow[],
): ClickstreamEvent[] {
  const rng = SeededRandom.derive(seed, 'clickstream');
  const faker = seededFaker(seed, 'clickstream', [en, base]);
  const start = Date.UTC(CLICKSTREAM_MONTH.year, CLICKSTREAM_MONTH.month - 1, 1);
  const end = Date.UTC(CLICKSTREAM_MONTH.year, CLICKSTREAM_MONTH.month, 1);
  const events: ClickstreamEvent[] = [];

  for (let s = 0; s < sessions; s++) {
    const customer = rng.chance(0.55) ? rng.pick(customers) : null;
    const [device, userAgent] = rng.pick(USER_AGENTS);
    const session = {
      session_id: `s_${faker.string.alphanumeric({ length: 20, casing: 'lower' })}`,
      anonymous_id: faker.string.uuid(),
      user_id: customer?.id ?? null,
      ip: rng.chance(0.85) ? faker.internet.ipv4() : faker.internet.ipv6(),
      user_agent: userAgent,
    };
    let at = start + rng.int(0, (end - start) / 1000 - 3600) * 1000;
    const steps = rng.int(1, 12);
    for (let step = 0; step < steps && at < end; step++) {
      const product = products[rng.skewedIndex(products.length, 1.8)] as ProductRow;
      const kind =
        step === 0
          ? 'page_view'
          : rng.weighted([
              ['page_view', 30],
              ['product_view', 30],
              ['search', 12],
              ['add_to_cart', 12],
              ['login', customer && step === 1 ? 30 : 0],
              ['checkout_started', 5],
              ['newsletter_signup', 2],
            ] as const);
      const properties: Record<string, string | number> = { device };
      let page = `${SITE}/`;
      if (kind === 'product_view' || kind === 'add_to_cart') {
        page = `${SITE}/p/${product.sku.toLowerCase()}`;
        properties.sku = product.sku;
        properties.price_usd = product.list_price_usd;
        if (kind === 'add_to_cart') properties.quantity = rng.int(1, 3);
      } else if (kind === 'search') {
        const query = rng.pick(SEARCHES);
        page = `${SITE}/search?q=${encodeURIComponent(query)}`;
        properties.query = query;
      } else if (kind === 'page_view' && step > 0) {
        page = `${SITE}/c/${product.category.toLowerCase()}`;
      } else if (kind === 'checkout_started') {
        page = `${SITE}/checkout`;
      } else if (kind === 'login') {
        page = `${SITE}/account/login`;
      }
      const email =
        kind === 'login' && customer
          ? customer.email
          : kind === 'newsletter_signup'
            ? (customer?.email ?? faker.internet.email())
            : undefined;
      events.push({
        event_id: faker.string.uuid(),
        event_time: new Date(at).toISOString(),
        event_type: kind,
        ...session,
        ...(email ? { email } : {}),
        page_url: page,
        referrer: step === 0 ? referrer(rng, customer?.email ?? null) : `${SITE}/`,
        properties,
      });
      at += rng.int(4, 180) * 1000;
    }
  }
  return events.sort(
    (a, b) => a.event_time.localeCompare(b.event_time) || a.event_id.localeCompare(b.event_id),
  );
}
