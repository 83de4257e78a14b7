import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyAdjudication } from '../../core/classification/adjudication.js';
import { createClassificationEngine } from '../../core/classification/classification-engine.js';
import type { ColumnInput } from '../../core/classification/column-decision.js';
import { MASKED_VALUE } from '../../core/classification/column-statistics.js';
import type { CustomDetector } from '../../core/classification/info-type.js';
import { cardNumbers } from '../helpers/card-numbers.js';

const engine = createClassificationEngine();
const classify = (name: string, values: ColumnInput['values'], dataType = 'text') =>
  engine.classify({ name, dataType, values });

const cards = cardNumbers(40);
const emails = Array.from({ length: 40 }, (_, i) => `person${i}@example${i % 5}.com`);

describe('false positives peers are known for', () => {
  it('ACADEMIC_YEAR_CODE holding years is not a card security code, nor sensitive', () => {
    const years = Array.from({ length: 60 }, (_, i) => String(1990 + (i % 30)));
    for (const type of ['integer', 'text', 'smallint']) {
      const decision = classify('ACADEMIC_YEAR_CODE', years, type);
      expect(decision.infoType).not.toBe('CARD_CVV');
      expect(decision.sensitive).toBe(false);
    }
  });

  it('email_verified (0/1) is a flag about an address, not an address', () => {
    for (const [values, type] of [
      [['0', '1', '1', '0', '1'], 'integer'],
      [[true, false, true], 'boolean'],
      [['0', '1', '1', '0', '1', '1'], 'text'],
    ] as const) {
      const decision = classify('email_verified', values, type);
      expect(decision.sensitive).toBe(false);
      expect(decision.infoType).toBeNull();
    }
  });

  it('a boolean or date column is never a card, whatever its name', () => {
    expect(classify('credit_card', [true, false, true], 'boolean').infoType).toBeNull();
    expect(classify('card_number', ['2024-01-01', '2023-05-06'], 'date').infoType).toBeNull();
  });

  it('a small-integer column named cvv is a security code only with 3-4 digit values', () => {
    expect(classify('cvv', ['123', '987', '044', '310', '555'], 'text').infoType).toBe('CARD_CVV');
  });
});

describe('sparse columns', () => {
  it('one valid SSN among mostly nulls still counts', () => {
    const values: (string | null)[] = Array.from({ length: 99 }, () => null);
    values.push('536-22-4815');
    const decision = classify('notes_field', values);
    expect(decision.infoType).toBe('US_SSN');
    expect(decision.statistics.examined).toBe(1);
    expect(decision.statistics.nulls).toBe(99);
  });

  it('placeholders such as n/a and "-" count as nulls, not as non-matches', () => {
    const values = [...emails.slice(0, 5), ...Array.from({ length: 30 }, () => 'n/a'), '-', 'NULL'];
    const decision = classify('contact', values);
    expect(decision.infoType).toBe('EMAIL_ADDRESS');
    expect(decision.statistics.examined).toBe(5);
  });

  it('masked values say nothing', () => {
    const decision = classify('x', [MASKED_VALUE, MASKED_VALUE]);
    expect(decision.statistics.masked).toBe(2);
    expect(decision.infoType).toBeNull();
  });
});

describe('decisions and evidence', () => {
  it('values alone find an e-mail column, and say how', () => {
    const decision = classify('c1', emails);
    expect(decision.infoType).toBe('EMAIL_ADDRESS');
    expect(decision.sensitive).toBe(true);
    const values = decision.proposals[0]!.evidence.find((entry) => entry.detector === 'values');
    expect(values).toMatchObject({ matched: 40, examined: 40, ratio: 1 });
    expect(values && 'threshold' in values && values.threshold).toBeGreaterThan(0);
  });

  it('name and values together give more confidence than either', () => {
    const both = classify('card_number', cards).confidence;
    const valuesOnly = classify('c2', cards).confidence;
    expect(classify('card_number', cards).infoType).toBe('CREDIT_CARD');
    expect(both).toBeGreaterThan(valuesOnly);
    expect(both).toBeLessThanOrEqual(1);
  });

  it('a name contradicted by the values is not accepted', () => {
    const decision = classify('email', ['abc', 'def', 'ghi', 'jkl', 'mno', 'pqr']);
    expect(decision.infoType).toBeNull();
  });

  it('the name alone decides when there are no values', () => {
    const decision = classify('customer_email', []);
    expect(decision.infoType).toBe('EMAIL_ADDRESS');
    expect(decision.proposals[0]!.evidence[0]).toMatchObject({ detector: 'name', phrase: 'email' });
  });

  it('is deterministic: the same values in any order give the same decision', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...emails, ...cards.slice(0, 5), 'n/a', 'x'], { minLength: 10 }),
        (values) => {
          const once = classify('mixed', values);
          const again = classify('mixed', [...values].reverse());
          expect(again).toEqual(once);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('does not depend on where the matching values stand', () => {
    const junk = Array.from({ length: 8 }, (_, i) => `junk${i}`);
    const first = classify('c4', [...junk, ...emails.slice(0, 20)]);
    const last = classify('c4', [...emails.slice(0, 20), ...junk]);
    expect(first.infoType).toBe('EMAIL_ADDRESS');
    expect(last).toEqual(first);
  });

  it('a threshold of 0 still needs a matching value and keeps name evidence', () => {
    const zero = createClassificationEngine({
      thresholds: { EMAIL_ADDRESS: { minMatchRatio: 0 } },
    });
    const named = zero.classify({ name: 'email', values: ['abc', 'def', 'ghi'] });
    expect(named.proposals.find((p) => p.infoType === 'EMAIL_ADDRESS')?.confidence).toBeGreaterThan(
      0,
    );
    expect(zero.classify({ name: 'c5', values: ['abc', 'def', 'ghi'] }).infoType).toBeNull();
  });

  it('a rejected type is never proposed', () => {
    const decision = engine.classify(
      { name: 'email', values: emails },
      { suppressed: new Set(['EMAIL_ADDRESS']) },
    );
    expect(decision.proposals.map((proposal) => proposal.infoType)).not.toContain('EMAIL_ADDRESS');
  });

  it('thresholds are configurable per type, and a type can be switched off', () => {
    const half = [...emails.slice(0, 10), ...Array.from({ length: 10 }, (_, i) => `word${i}`)];
    expect(classify('c3', half).infoType).toBeNull();
    const lenient = createClassificationEngine({
      thresholds: { EMAIL_ADDRESS: { minMatchRatio: 0.4 } },
    });
    expect(lenient.classify({ name: 'c3', values: half }).infoType).toBe('EMAIL_ADDRESS');
    const off = createClassificationEngine({ thresholds: { EMAIL_ADDRESS: { enabled: false } } });
    expect(off.classify({ name: 'email', values: emails }).infoType).not.toBe('EMAIL_ADDRESS');
  });

  it('custom detectors propose their type with their own evidence', () => {
    const detector: CustomDetector = {
      classifierId: '00000000-0000-4000-8000-000000000001',
      classifier: 'employee numbers',
      infoType: {
        id: 'EMPLOYEE_NUMBER',
        label: 'Employee number',
        category: 'pii',
        sensitivity: 'confidential',
        description: 'Our staff numbers.',
        families: ['text'],
        names: [],
        minMatchRatio: 0.6,
      },
      valueTest: (value) => /^E-\d{6}$/.test(value),
      minMatchRatio: 0.6,
      confidence: 0.9,
    };
    const custom = createClassificationEngine({ custom: [detector] });
    const decision = custom.classify({ name: 'x', values: ['E-123456', 'E-654321', 'E-000001'] });
    expect(decision.infoType).toBe('EMPLOYEE_NUMBER');
    expect(decision.proposals[0]!.evidence[0]).toMatchObject({
      detector: 'custom',
      on: 'values',
      matched: 3,
    });
  });
});

describe('adjudication', () => {
  const ambiguous = classify('holder', ['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);

  it('a verdict for a candidate makes it the accepted type, with the reason as evidence', () => {
    const candidate = ambiguous.proposals[0]?.infoType ?? 'PERSON';
    const decided = applyAdjudication(ambiguous, {
      status: 'decided',
      infoType: candidate,
      confidence: 0.9,
      reason: 'full names of people',
      model: 'test-model',
      cached: false,
    });
    if (ambiguous.proposals.length === 0) return;
    expect(decided.infoType).toBe(candidate);
    expect(decided.confidence).toBeGreaterThanOrEqual(0.6);
    expect(decided.proposals[0]!.evidence.at(-1)).toMatchObject({
      detector: 'llm',
      reason: 'full names of people',
    });
  });

  it('a skipped verdict leaves the rules in charge', () => {
    expect(
      applyAdjudication(ambiguous, { status: 'skipped', why: 'timeout', message: 'late' }),
    ).toBe(ambiguous);
  });

  it('"none of them" clears the accepted type', () => {
    const cleared = applyAdjudication(classify('email', emails), {
      status: 'decided',
      infoType: null,
      confidence: 0.8,
      reason: 'test data',
      model: 'm',
      cached: true,
    });
    expect(cleared.infoType).toBeNull();
    expect(cleared.sensitive).toBe(false);
  });
});
