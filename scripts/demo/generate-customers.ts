import type { Faker } from '@faker-js/faker';
import { SeededRandom } from './seeded-random.js';
import {
  COUNTRIES,
  anyPhoneFormat,
  type CountryCode,
  type CountryProfile,
} from './country-profiles.js';
import { cardNumber, iban, type CardBrand } from './payment-identifiers.js';
import {
  DAY_MS,
  REFERENCE_DATE,
  seededFaker,
  toDateString,
  type CustomerAddressRow,
  type CustomerRow,
} from './retail-model.js';

/** A card a customer keeps on file; payments reuse it, as returning shoppers do. */
export interface StoredCard {
  brand: CardBrand;
  pan: string;
  expiry: string;
  holder: string;
}

/** What a customer pays with; not a table, the payments generator draws from it. */
export interface CustomerWallet {
  cards: StoredCard[];
  iban: string | null;
}

export interface GeneratedCustomers {
  customers: CustomerRow[];
  addresses: CustomerAddressRow[];
  /** Indexed like `customers`. */
  wallets: CustomerWallet[];
  /** The customer's usual delivery address, indexed like `customers`. */
  defaultShippingAddressIds: number[];
}

const FIRST_SIGNUP = new Date('2022-01-01T00:00:00Z');

const BRAND_WEIGHTS: Record<'US' | 'EU', readonly (readonly [CardBrand, number])[]> = {
  US: [
    ['visa', 50],
    ['mastercard', 30],
    ['amex', 15],
    ['discover', 5],
  ],
  EU: [
    ['visa', 55],
    ['mastercard', 40],
    ['amex', 5],
  ],
};

const NOTE_TEMPLATES: readonly ((phone: string, email: string) => string)[] = [
  (phone) => `Prefers delivery after 6pm; call ${phone} before dispatch.`,
  (_, email) => `Gift orders go to her sister, ${email}.`,
  () => 'VIP: escalate complaints to the store manager.',
  () => 'Requested paper invoices by post.',
  (phone) => `Asked to be reached on work number ${phone}.`,
  () => 'Chargeback in 2024, resolved in customer favour.',
];

function region(faker: Faker, code: CountryCode): string | null {
  if (code === 'US') return faker.location.state({ abbreviated: true });
  if (code === 'GB') return faker.location.county();
  return faker.location.state();
}

function postalCode(faker: Faker, code: CountryCode, state: string | null): string {
  return code === 'US' && state ? faker.location.zipCode({ state }) : faker.location.zipCode();
}

function uniqueEmail(candidate: string, seen: Set<string>): string {
  let email = candidate;
  for (let n = 2; seen.has(email.toLowerCase()); n++) email = candidate.replace('@', `${n}@`);
  seen.add(email.toLowerCase());
  return email;
}

function storedCard(rng: SeededRandom, profile: CountryProfile, holder: string): StoredCard {
  const brand = rng.weighted(BRAND_WEIGHTS[profile.code === 'US' ? 'US' : 'EU']);
  const month = String(rng.int(1, 12)).padStart(2, '0');
  const year = String(rng.int(27, 31));
  return {
    brand,
    pan: cardNumber(rng, brand),
    expiry: `${month}/${year}`,
    holder: rng.chance(0.5) ? holder.toUpperCase() : holder,
  };
}

/**
 * Customers across six countries with addresses, contact details, some national ids (kept
 * for store-credit checks) and the cards and accounts they pay with.
 *
 * @example
 * const { customers, addresses } = generateCustomers(20261031, 3000);
 */
export function generateCustomers(seed: number, count: number): GeneratedCustomers {
  const rng = SeededRandom.derive(seed, 'customers');
  const fakers = new Map(
    COUNTRIES.map((c) => [c.code, seededFaker(seed, `customers:${c.code}`, c.locale)]),
  );
  const weights = COUNTRIES.map((c) => [c, c.weight] as const);
  const seenEmails = new Set<string>();
  const lastSignup = new Date(REFERENCE_DATE.getTime() - 7 * DAY_MS);

  const drafts = Array.from({ length: count }, () => {
    const profile = rng.weighted(weights);
    const faker = fakers.get(profile.code) as Faker;
    const sex = rng.chance(0.52) ? ('female' as const) : ('male' as const);
    const firstName = faker.person.firstName(sex);
    const lastName = faker.person.lastName(sex);
    const ageDays = rng.int(18 * 365 + 5, 86 * 365);
    const birthDate = toDateString(new Date(REFERENCE_DATE.getTime() - ageDays * DAY_MS));
    const provider = rng.pick(profile.emailProviders);
    const email = uniqueEmail(faker.internet.email({ firstName, lastName, provider }), seenEmails);
    const otherEmail = faker.internet.email({
      firstName,
      provider: rng.pick(profile.emailProviders),
    });
    const phone = anyPhoneFormat(rng, profile.mobileNumber(rng));
    const createdAt = rng.timeBetween(FIRST_SIGNUP, lastSignup);
    return {
      profile,
      faker,
      sex,
      createdAt,
      row: {
        customer_ref: faker.string.uuid(),
        first_name: firstName,
        last_name: lastName,
        email,
        phone: rng.chance(0.92) ? phone : null,
        birth_date: rng.chance(0.94) ? birthDate : null,
        gender: rng.chance(0.85) ? sex : null,
        country_code: profile.code,
        preferred_language: profile.language,
        national_id: null as string | null,
        national_id_type: null as string | null,
        signup_ip: rng.chance(0.9) ? faker.internet.ipv4() : faker.internet.ipv6(),
        is_active: rng.chance(0.96),
        notes: rng.chance(0.08) ? rng.pick(NOTE_TEMPLATES)(phone, otherEmail) : null,
        created_at: createdAt,
      },
      birthDate,
    };
  });
  // Ids follow sign-up order, as an identity column would have assigned them.
  drafts.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());

  const customers: CustomerRow[] = [];
  const addresses: CustomerAddressRow[] = [];
  const wallets: CustomerWallet[] = [];
  const defaultShippingAddressIds: number[] = [];
  for (const [index, draft] of drafts.entries()) {
    const id = index + 1;
    const { profile, faker } = draft;
    if (rng.chance(0.3)) {
      const nationalId = profile.nationalId(rng, draft.sex, draft.birthDate);
      draft.row.national_id = nationalId.value;
      draft.row.national_id_type = nationalId.type;
    }
    customers.push({ id, ...draft.row });

    const recipient = `${draft.row.first_name} ${draft.row.last_name}`;
    const firstAddressId = addresses.length + 1;
    const kinds: CustomerAddressRow['kind'][] = ['billing'];
    if (rng.chance(0.6)) kinds.push('shipping');
    if (rng.chance(0.15)) kinds.push('shipping');
    for (const [position, kind] of kinds.entries()) {
      const state = region(faker, profile.code);
      addresses.push({
        id: addresses.length + 1,
        customer_id: id,
        kind,
        recipient_name: recipient,
        street_line1: faker.location.streetAddress(),
        street_line2: rng.chance(0.2) ? faker.location.secondaryAddress() : null,
        city: faker.location.city(),
        region: state,
        postal_code: postalCode(faker, profile.code, state),
        country_code: profile.code,
        is_default: position === 0 || (position === 1 && kind === 'shipping'),
      });
    }
    defaultShippingAddressIds.push(kinds.length > 1 ? firstAddressId + 1 : firstAddressId);

    const cardCount = rng.weighted([
      [1, 70],
      [2, 25],
      [3, 5],
    ] as const);
    wallets.push({
      cards: Array.from({ length: cardCount }, () => storedCard(rng, profile, recipient)),
      iban: profile.ibanCountry && rng.chance(0.7) ? iban(rng, profile.ibanCountry) : null,
    });
  }
  return { customers, addresses, wallets, defaultShippingAddressIds };
}
