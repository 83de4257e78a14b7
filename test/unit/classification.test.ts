import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  classifyColumn,
  createRuleClassifier,
  maxSensitivity,
  MASKED_VALUE,
} from '../../core/classification/column-classifier.js';
import { containsSequence, nameWords } from '../../core/classification/info-types.js';
import {
  isCardNumber,
  isEmailAddress,
  isIban,
  isNationalId,
  isPhoneNumber,
  luhnValid,
} from '../../core/classification/value-checks.js';

const classifier = createRuleClassifier();
const classify = (name: string, values: (string | number | null)[], dataType = 'text') =>
  classifyColumn(classifier, { name, dataType }, values);

/** Appends the Luhn check digit to a string of digits. */
function withLuhn(body: string): string {
  for (let digit = 0; digit <= 9; digit++) {
    if (luhnValid(`${body}${digit}`)) return `${body}${digit}`;
  }
  throw new Error('unreachable');
}

describe('value checks', () => {
  it.each([
    ['ada@example.com', true],
    ['first.last+tag@sub.example.co.uk', true],
    ['ada@localhost', false],
    ['ada.example.com', false],
    ['.ada@example.com', false],
    ['a..b@example.com', false],
    ['ada@exa_mple.com', false],
  ])('e-mail %s → %s', (value, expected) => expect(isEmailAddress(value)).toBe(expected));

  it.each([
    ['4111111111111111', true],
    ['4111 1111 1111 1111', true],
    ['5500-0000-0000-0004', true],
    ['340000000000009', true],
    ['4111111111111112', false],
    ['0000000000000000', false],
    ['1234567812345670', false],
    ['4444444444444448', true],
    ['41111111', false],
  ])('card %s → %s', (value, expected) => expect(isCardNumber(value)).toBe(expected));

  it('accepts every Luhn-valid 16-digit number of a card scheme and rejects a changed digit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.stringMatching(/^\d{14}$/), (scheme, rest) => {
        const card = withLuhn(`${scheme}${rest}`);
        fc.pre(!/^(\d)\1+$/.test(card));
        expect(isCardNumber(card)).toBe(true);
        const last = Number(card.at(-1));
        expect(isCardNumber(`${card.slice(0, -1)}${(last + 1) % 10}`)).toBe(false);
      }),
    );
  });

  it.each([
    ['DE89370400440532013000', true],
    ['DE89 3704 0044 0532 0130 00', true],
    ['GB82WEST12345698765432', true],
    ['gb82west12345698765432', true],
    ['FR1420041010050500013M02606', true],
    ['NL91ABNA0417164300', true],
    ['DE89370400440532013001', false],
    ['DE8937040044053201300', false],
    ['XX00', false],
  ])('IBAN %s → %s', (value, expected) => expect(isIban(value)).toBe(expected));

  it.each([
    ['123-45-6789', true],
    ['000-45-6789', false],
    ['666-45-6789', false],
    ['900-45-6789', false],
    ['123-00-6789', false],
    ['AB 12 34 56 C', true],
    ['JG103759A', true],
    ['QQ123456C', false],
    ['GB123456A', false],
    ['1 84 12 76 451 089 46', true],
    ['1 84 12 76 451 089 47', false],
    ['12345678Z', true],
    ['12345678A', false],
    ['111222333', true],
    ['111222334', false],
  ])('national id %s → %s', (value, expected) => expect(isNationalId(value)).toBe(expected));

  it.each([
    ['+44 20 7946 0958', true],
    ['+14155552671', true],
    ['(415) 555-2671', true],
    ['020 7946 0958', true],
    ['0612345678', true],
    ['2024-01-31', false],
    ['12345', false],
    ['4155552671', false],
    ['3.14159', false],
    ['call me', false],
  ])('phone %s → %s', (value, expected) => expect(isPhoneNumber(value)).toBe(expected));

  it('stays fast on long hostile input (no catastrophic backtracking)', () => {
    const hostile = `${'a'.repeat(50_000)}@${'b-'.repeat(50_000)}`;
    const started = performance.now();
    for (const check of [isEmailAddress, isCardNumber, isIban, isNationalId, isPhoneNumber]) {
      check(hostile);
    }
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('column names', () => {
  it.each([
    ['customerEmail', ['customer', 'email']],
    ['customer_e_mail', ['customer', 'e', 'mail']],
    ['IBANNumber', ['iban', 'number']],
    ['phone2', ['phone', '2']],
    ['Full Name', ['full', 'name']],
  ])('%s splits into %j', (name, words) => expect(nameWords(name)).toEqual(words));

  it('matches word sequences, not substrings', () => {
    expect(containsSequence(nameWords('hotel_name'), [['tel']])).toBe(false);
    expect(containsSequence(nameWords('work_tel'), [['tel']])).toBe(true);
    expect(containsSequence(nameWords('workEMail'), [['e', 'mail']])).toBe(true);
  });
});

describe('rule classifier', () => {
  it('finds a type from values alone, with the share of matches as confidence', () => {
    const values = ['ada@example.com', 'bob@example.org', 'eve@example.net', 'max@example.de', 'x'];
    const result = classify('contact', values);
    expect(result.infoTypes).toEqual([
      { id: 'email', confidence: 0.72, evidence: 'values', matched: 4 },
    ]);
    // Below the 80 % threshold the values are not enough.
    expect(classify('contact', values.slice(1)).infoTypes).toEqual([]);
    expect(result.sensitivity).toBe('confidential');
  });

  it('is surest when name and values agree, and suggests the type’s sensitivity', () => {
    const result = classify('email', [
      'ada@example.com',
      'bob@example.org',
      'eve@example.net',
      null,
    ]);
    expect(result).toEqual({
      infoTypes: [{ id: 'email', confidence: 1, evidence: 'name+values', matched: 3 }],
      sensitivity: 'confidential',
      examined: 3,
      masked: 0,
    });
  });

  it('trusts the name when there are too few values to judge', () => {
    expect(classify('card_number', [])).toMatchObject({
      infoTypes: [{ id: 'card-number', evidence: 'name', confidence: 0.5 }],
      sensitivity: 'restricted',
    });
  });

  it('drops a name match that the values contradict', () => {
    const result = classify('bank_account', ['000123', '000456', '000789', '001000']);
    expect(result.infoTypes).toEqual([]);
    expect(result.sensitivity).toBeNull();
  });

  it('ignores names on types that cannot hold the data', () => {
    expect(classify('email_verified', [], 'boolean').infoTypes).toEqual([]);
  });

  it('counts each value for the first type it matches, so cards are not phones', () => {
    const cards = ['4111111111111111', '5500000000000004', '4012888888881881'];
    const result = classify('value', cards);
    expect(result.infoTypes.map((match) => match.id)).toEqual(['card-number']);
    expect(result.sensitivity).toBe('restricted');
  });

  it('reads numbers as text and ignores masked values', () => {
    const result = classify('x', [4111111111111111, MASKED_VALUE, MASKED_VALUE]);
    expect(result).toMatchObject({ examined: 1, masked: 2, infoTypes: [] });
  });

  it('orders sensitivity levels by rank, not by name', () => {
    expect(maxSensitivity('internal', 'restricted')).toBe('restricted');
    expect(maxSensitivity('confidential', 'internal')).toBe('confidential');
    expect(maxSensitivity(null, 'public')).toBe('public');
    expect(maxSensitivity(undefined, null)).toBeNull();
  });
});
