import { describe, expect, it } from 'vitest';
import { BUILTIN_INFO_TYPES, infoTypeById } from '../../core/classification/catalogue/index.js';
import {
  INFO_TYPE_CATEGORIES,
  type ColumnStatistics,
  type InfoTypeCategory,
} from '../../core/classification/info-type.js';
import { SENSITIVITY_LEVELS } from '../../core/permissions/vocabulary.js';

const CATEGORIES: readonly InfoTypeCategory[] = INFO_TYPE_CATEGORIES;

const REQUIRED_IDS = (
  'EMAIL_ADDRESS PHONE_NUMBER PERSON FIRST_NAME LAST_NAME CREDIT_CARD CARD_CVV CARD_EXPIRY ' +
  'IBAN_CODE SWIFT_CODE US_BANK_NUMBER ABA_ROUTING_NUMBER CRYPTO IP_ADDRESS IPV4_ADDRESS ' +
  'IPV6_ADDRESS MAC_ADDRESS URL DOMAIN_NAME US_SSN NATIONAL_ID UK_NINO FR_NIR ES_NIF NL_BSN ' +
  'IT_FISCAL_CODE IN_AADHAAR BR_CPF CA_SIN SE_PERSONNUMMER US_ITIN PASSPORT US_DRIVER_LICENSE ' +
  'VIN LICENSE_PLATE IMEI DEVICE_ID DATE_OF_BIRTH AGE GENDER MARITAL_STATUS ETHNIC_GROUP ' +
  'RELIGIOUS_GROUP SEXUAL_ORIENTATION NATIONALITY SPOKEN_LANGUAGE EDUCATION_LEVEL OCCUPATION ' +
  'DISABILITY STREET_ADDRESS ZIP_CODE CITY COUNTRY US_STATE LOCATION GEO_COORDINATES ' +
  'ICD10_CODE ICD9_CODE MEDICAL_TERM BLOOD_TYPE HEALTH_INSURANCE_NUMBER MEDICAL_RECORD_NUMBER ' +
  'MEDICAL_LICENSE API_KEY PASSWORD PASSWORD_HASH ACCESS_TOKEN PRIVATE_KEY USERNAME ' +
  'ORGANIZATION_NAME SALARY TAX_ID GENERIC_ID PROTECTION_GROUP UUID US_PASSPORT UK_NHS IN_PAN ' +
  'AU_TFN SG_NRIC_FIN'
).split(' ');

// Words too common in ordinary column names to be strong evidence alone.
const TOO_COMMON = ['id', 'code', 'number', 'no', 'type', 'date', 'year', 'name', 'value', 'key'];
const PHRASE = /^[a-z0-9]+(?: [a-z0-9]+)*$/;

function stats(overrides: Partial<ColumnStatistics>): ColumnStatistics {
  return {
    observed: 100,
    nulls: 0,
    masked: 0,
    examined: 100,
    distinct: 50,
    distinctRatio: 0.5,
    minLength: 1,
    maxLength: 10,
    meanLength: 5,
    numeric: 0,
    integers: 0,
    minNumber: null,
    maxNumber: null,
    ...overrides,
  };
}

function type(id: string) {
  const found = infoTypeById(id);
  if (!found) throw new Error(`no type ${id}`);
  return found;
}

/** The ids a type refines, directly or through the types it refines. */
function ancestors(id: string, seen = new Set<string>()): Set<string> {
  for (const parent of infoTypeById(id)?.refines ?? []) {
    if (!seen.has(parent)) {
      seen.add(parent);
      ancestors(parent, seen);
    }
  }
  return seen;
}

describe('built-in information type catalogue', () => {
  const ids = BUILTIN_INFO_TYPES.map((info) => info.id);

  it('has at least 65 types with unique upper-snake-case ids, required ones included', () => {
    expect(BUILTIN_INFO_TYPES.length).toBeGreaterThanOrEqual(65);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Z][A-Z0-9_]*$/);
    for (const id of REQUIRED_IDS) expect(ids, id).toContain(id);
  });

  it('describes every type: label, one-sentence description, category, sensitivity', () => {
    for (const info of BUILTIN_INFO_TYPES) {
      expect(info.label.length, info.id).toBeGreaterThan(2);
      expect(info.description, info.id).toMatch(/^[A-Z].{10,}\.$/);
      expect(info.description.slice(0, -1), info.id).not.toMatch(/\.\s/);
      expect(CATEGORIES, info.id).toContain(info.category);
      expect(SENSITIVITY_LEVELS, info.id).toContain(info.sensitivity);
      expect(info.minMatchRatio, info.id).toBeGreaterThan(0);
      expect(info.minMatchRatio, info.id).toBeLessThanOrEqual(1);
    }
  });

  it('writes name phrases as lower-case words separated by single spaces', () => {
    for (const info of BUILTIN_INFO_TYPES) {
      const phrases = [...info.names, ...(info.weakNames ?? [])];
      expect(info.names.length, info.id).toBeGreaterThan(0);
      for (const phrase of phrases) expect(phrase, info.id).toMatch(PHRASE);
      expect(new Set(phrases).size, info.id).toBe(phrases.length);
      for (const word of TOO_COMMON) expect(info.names, info.id).not.toContain(word);
    }
  });

  it('gives a strong phrase to two types only when one refines the other', () => {
    const owners = new Map<string, string[]>();
    for (const info of BUILTIN_INFO_TYPES) {
      for (const phrase of info.names) owners.set(phrase, [...(owners.get(phrase) ?? []), info.id]);
    }
    for (const [phrase, owning] of owners) {
      for (const a of owning) {
        for (const b of owning) {
          if (a === b) continue;
          const related = ancestors(a).has(b) || ancestors(b).has(a);
          const siblings = [...ancestors(a)].some((parent) => ancestors(b).has(parent));
          expect(related || siblings, `${phrase}: ${a} and ${b}`).toBe(true);
        }
      }
    }
  });

  it('points every refines link at another existing type, without cycles', () => {
    for (const info of BUILTIN_INFO_TYPES) {
      for (const parent of info.refines ?? []) {
        expect(ids, `${info.id} refines ${parent}`).toContain(parent);
        expect(parent).not.toBe(info.id);
      }
      expect(ancestors(info.id).has(info.id), info.id).toBe(false);
    }
    expect(type('US_SSN').refines).toContain('NATIONAL_ID');
    expect(type('IPV4_ADDRESS').refines).toContain('IP_ADDRESS');
    expect(type('IPV6_ADDRESS').refines).toContain('IP_ADDRESS');
  });

  it('keeps booleans out of every type and dates for the date of birth', () => {
    for (const info of BUILTIN_INFO_TYPES) {
      expect(info.families.length, info.id).toBeGreaterThan(0);
      expect(info.families, info.id).not.toContain('boolean');
      if (info.id !== 'DATE_OF_BIRTH') {
        expect(info.families, info.id).not.toContain('date');
        expect(info.families, info.id).not.toContain('datetime');
      }
    }
    expect(type('DATE_OF_BIRTH').families).toContain('date');
    expect(type('AGE').families).toContain('integer');
    expect(type('CARD_CVV').families).toEqual(['text', 'integer']);
  });

  it('gives every value check a method, a description and a boolean answer', () => {
    for (const info of BUILTIN_INFO_TYPES) {
      if (!info.values) continue;
      expect(['checksum', 'parser', 'pattern', 'dictionary', 'range']).toContain(
        info.values.method,
      );
      expect(info.values.describe.length, info.id).toBeGreaterThan(3);
      expect(typeof info.values.test('x'), info.id).toBe('boolean');
    }
    expect(type('PASSWORD').values).toBeUndefined();
    expect(type('CREDIT_CARD').values?.test('4111 1111 1111 1111')).toBe(true);
  });

  it('rules columns out by their shape', () => {
    const years = stats({
      minLength: 4,
      maxLength: 4,
      numeric: 100,
      integers: 100,
      minNumber: 1950,
      maxNumber: 2030,
    });
    expect(type('CARD_CVV').shape?.(years)).toMatch(/years/);
    const codes = stats({
      minLength: 3,
      maxLength: 3,
      numeric: 100,
      integers: 100,
      minNumber: 100,
      maxNumber: 999,
    });
    expect(type('CARD_CVV').shape?.(codes)).toBeNull();
    const ages = { numeric: 100, integers: 100, minNumber: 1, maxNumber: 99, maxLength: 2 };
    expect(type('AGE').shape?.(stats(ages))).toBeNull();
    // Dirty age columns (`-500`, `28_`) stay candidates; their values' match ratio decides.
    expect(type('AGE').shape?.(stats({ ...ages, minNumber: -500, maxLength: 4 }))).toBeNull();
    expect(type('AGE').shape?.(stats({ ...ages, maxLength: 40 }))).toMatch(/24/);
    expect(type('GENDER').shape?.(stats({ distinct: 3 }))).toBeNull();
    expect(type('GENDER').shape?.(stats({ distinct: 40 }))).toMatch(/distinct/);
    expect(type('SALARY').shape?.(stats({ numeric: 10 }))).toMatch(/numbers/);
  });

  it('finds types by id', () => {
    expect(infoTypeById('US_SSN')?.label).toBe('US Social Security number');
    expect(infoTypeById('NOPE')).toBeUndefined();
    expect(type('COUNTRY').sensitivity).toMatch(/^(public|internal)$/);
    expect(type('UUID').sensitivity).toBe('public');
    expect(type('GENERIC_ID').sensitivity).toBe('internal');
  });
});
