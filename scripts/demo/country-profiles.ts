import { base, de, en, en_GB, en_US, es, fr, nl, type LocaleDefinition } from '@faker-js/faker';
import type { SeededRandom } from './seeded-random.js';
import type { IbanCountry } from './payment-identifiers.js';
import {
  deSteuerId,
  esDni,
  frInsee,
  nlBsn,
  ukNino,
  usSsn,
  type NationalId,
} from './national-identifiers.js';

export type CountryCode = 'US' | 'GB' | 'FR' | 'DE' | 'ES' | 'NL';

/** What differs per country for a customer or employee living there. */
export interface CountryProfile {
  code: CountryCode;
  /** Relative share of customers; the shop started in the US and expanded to Europe. */
  weight: number;
  currency: 'USD' | 'GBP' | 'EUR';
  language: string;
  locale: LocaleDefinition[];
  emailProviders: readonly string[];
  /** Countries without SEPA direct debit have no IBAN to pay from. */
  ibanCountry: IbanCountry | null;
  mobileNumber(rng: SeededRandom): PhoneNumber;
  nationalId(rng: SeededRandom, sex: 'female' | 'male', birthDate: string): NationalId;
}

/** One number in the three spellings people and systems use for it. */
export interface PhoneNumber {
  e164: string;
  national: string;
  international: string;
}

const US_AREA_CODES = ['212', '312', '415', '512', '617', '646', '702', '206', '303', '404', '305'];
const DE_MOBILE_PREFIXES = ['151', '152', '157', '160', '162', '170', '171', '172', '175', '176'];

const group = (digits: string, sizes: number[]): string => {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  return parts.join(' ');
};

export const COUNTRIES: readonly CountryProfile[] = [
  {
    code: 'US',
    weight: 45,
    currency: 'USD',
    language: 'en-US',
    locale: [en_US, en, base],
    emailProviders: ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'aol.com'],
    ibanCountry: null,
    mobileNumber(rng) {
      const area = rng.pick(US_AREA_CODES);
      let exchange = String(rng.int(201, 989));
      if (exchange === '555') exchange = '556';
      const line = rng.digits(4);
      return {
        e164: `+1${area}${exchange}${line}`,
        national: rng.chance(0.6) ? `(${area}) ${exchange}-${line}` : `${area}-${exchange}-${line}`,
        international: `+1 ${area}-${exchange}-${line}`,
      };
    },
    nationalId: (rng) => ({ type: 'US_SSN', value: usSsn(rng, rng.chance(0.85)) }),
  },
  {
    code: 'GB',
    weight: 18,
    currency: 'GBP',
    language: 'en-GB',
    locale: [en_GB, en, base],
    emailProviders: ['gmail.com', 'btinternet.com', 'hotmail.co.uk', 'yahoo.co.uk', 'sky.com'],
    ibanCountry: 'GB',
    mobileNumber(rng) {
      const nsn = `7${rng.pick(['4', '5', '7', '8', '9'])}${rng.digits(8)}`;
      return {
        e164: `+44${nsn}`,
        national: `0${group(nsn, [4, 6])}`,
        international: `+44 ${group(nsn, [4, 6])}`,
      };
    },
    nationalId: (rng) => ({ type: 'UK_NINO', value: ukNino(rng, rng.chance(0.5)) }),
  },
  {
    code: 'FR',
    weight: 14,
    currency: 'EUR',
    language: 'fr-FR',
    locale: [fr, en, base],
    emailProviders: ['orange.fr', 'free.fr', 'laposte.net', 'gmail.com', 'sfr.fr'],
    ibanCountry: 'FR',
    mobileNumber(rng) {
      const nsn = `${rng.pick(['6', '7'])}${rng.digits(8)}`;
      return {
        e164: `+33${nsn}`,
        national: `0${nsn.charAt(0)} ${group(nsn.slice(1), [2, 2, 2, 2])}`,
        international: `+33 ${nsn.charAt(0)} ${group(nsn.slice(1), [2, 2, 2, 2])}`,
      };
    },
    nationalId: (rng, sex, birthDate) => ({
      type: 'FR_INSEE',
      value: frInsee(rng, sex, birthDate),
    }),
  },
  {
    code: 'DE',
    weight: 12,
    currency: 'EUR',
    language: 'de-DE',
    locale: [de, en, base],
    emailProviders: ['gmx.de', 'web.de', 't-online.de', 'gmail.com', 'posteo.de'],
    ibanCountry: 'DE',
    mobileNumber(rng) {
      const prefix = rng.pick(DE_MOBILE_PREFIXES);
      const rest = rng.digits(prefix.startsWith('15') ? 8 : 7);
      return {
        e164: `+49${prefix}${rest}`,
        national: `0${prefix} ${rest}`,
        international: `+49 ${prefix} ${rest}`,
      };
    },
    nationalId: (rng) => ({ type: 'DE_STEUER_ID', value: deSteuerId(rng) }),
  },
  {
    code: 'ES',
    weight: 6,
    currency: 'EUR',
    language: 'es-ES',
    locale: [es, en, base],
    emailProviders: ['gmail.com', 'hotmail.es', 'telefonica.net', 'yahoo.es'],
    ibanCountry: 'ES',
    mobileNumber(rng) {
      const nsn = `6${rng.digits(8)}`;
      return {
        e164: `+34${nsn}`,
        national: group(nsn, [3, 2, 2, 2]),
        international: `+34 ${group(nsn, [3, 2, 2, 2])}`,
      };
    },
    nationalId: (rng) => ({ type: 'ES_DNI', value: esDni(rng) }),
  },
  {
    code: 'NL',
    weight: 5,
    currency: 'EUR',
    language: 'nl-NL',
    locale: [nl, en, base],
    emailProviders: ['ziggo.nl', 'kpnmail.nl', 'gmail.com', 'hotmail.nl'],
    ibanCountry: 'NL',
    mobileNumber(rng) {
      const nsn = `6${rng.digits(8)}`;
      return {
        e164: `+31${nsn}`,
        national: rng.chance(0.5) ? `06 ${nsn.slice(1)}` : `06-${nsn.slice(1)}`,
        international: `+31 6 ${nsn.slice(1)}`,
      };
    },
    nationalId: (rng) => ({ type: 'NL_BSN', value: nlBsn(rng) }),
  },
];

/** Systems disagree on phone formats; the demo mixes them the way merged CRMs do. */
export function anyPhoneFormat(rng: SeededRandom, phone: PhoneNumber): string {
  return rng.weighted([
    [phone.e164, 40],
    [phone.national, 45],
    [phone.international, 15],
  ]);
}

export function countryProfile(code: CountryCode): CountryProfile {
  const profile = COUNTRIES.find((country) => country.code === code);
  if (!profile) throw new Error(`No country profile for ${code}`);
  return profile;
}

/** Fixed list prices are in USD; orders convert at these rates so totals stay reproducible. */
export const USD_RATES: Record<CountryProfile['currency'], number> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
};
