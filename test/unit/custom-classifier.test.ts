import { describe, expect, it } from 'vitest';
import {
  CLASSIFIER_LIMITS,
  compileClassifier,
  InvalidClassifierError,
  validateClassifier,
  validateClassifierPatterns,
  type ClassifierDefinition,
  type InfoTypeLookup,
} from '../../core/classification/custom-classifier.js';
import type { InfoTypeDefinition } from '../../core/classification/info-type.js';

const EMAIL: InfoTypeDefinition = {
  id: 'EMAIL_ADDRESS',
  label: 'E-mail address',
  category: 'contact',
  sensitivity: 'confidential',
  description: 'An address for electronic mail.',
  families: ['text'],
  names: ['email'],
  minMatchRatio: 0.6,
};
const builtin: InfoTypeLookup = (id) => (id === EMAIL.id ? EMAIL : undefined);

const definition = (fields: Partial<ClassifierDefinition> = {}): ClassifierDefinition => ({
  id: 'c1',
  name: 'Employee numbers',
  infoType: 'EMPLOYEE_NUMBER',
  sensitivity: 'confidential',
  namePatterns: [],
  valuePatterns: [],
  dictionary: [],
  enabled: true,
  ...fields,
});

describe('compileClassifier', () => {
  it('matches column names anywhere, ignoring case, and values as a whole', () => {
    const detector = compileClassifier(
      definition({ namePatterns: ['emp(loyee)?_?(no|num)'], valuePatterns: ['E-\\d{6}'] }),
      builtin,
    );
    expect(detector.nameTest?.('HR_EMPLOYEE_NUM')).toBe(true);
    expect(detector.nameTest?.('customer_id')).toBe(false);
    expect(detector.valueTest?.('E-123456')).toBe(true);
    expect(detector.valueTest?.('  E-123456 ')).toBe(true);
    // Anchored: a match inside a longer value does not count.
    expect(detector.valueTest?.('xE-123456')).toBe(false);
    expect(detector.valueTest?.('E-1234567')).toBe(false);
    expect(detector.valueTest?.('E-123456 or E-654321')).toBe(false);
  });

  it('anchors every alternative of a value pattern, not only the first and last', () => {
    const detector = compileClassifier(definition({ valuePatterns: ['a|b'] }), builtin);
    expect(detector.valueTest?.('a')).toBe(true);
    expect(detector.valueTest?.('ab')).toBe(false);
    expect(detector.valueTest?.('xb')).toBe(false);
  });

  it('describes a new type of its own with defaults, or finds a built-in one', () => {
    const own = compileClassifier(definition({ valuePatterns: ['\\d+'] }), builtin);
    expect(own).toMatchObject({
      classifierId: 'c1',
      classifier: 'Employee numbers',
      minMatchRatio: 0.6,
      confidence: 0.9,
      infoType: {
        id: 'EMPLOYEE_NUMBER',
        label: 'Employee numbers',
        category: 'pii',
        sensitivity: 'confidential',
        values: { method: 'pattern' },
      },
    });
    expect(own.nameTest).toBeUndefined();
    const found = compileClassifier(
      definition({
        infoType: 'EMAIL_ADDRESS',
        sensitivity: null,
        namePatterns: ['courriel'],
        minMatchRatio: 0.3,
        confidence: 0.5,
      }),
      builtin,
    );
    expect(found.infoType).toBe(EMAIL);
    expect(found).toMatchObject({ minMatchRatio: 0.3, confidence: 0.5 });
    expect(found.valueTest).toBeUndefined();
  });

  it('looks words up in the dictionary trimmed and ignoring case', () => {
    const detector = compileClassifier(
      definition({ dictionary: ['  Gold ', 'PLATINUM'] }),
      builtin,
    );
    expect(detector.infoType.values?.method).toBe('dictionary');
    expect(detector.valueTest?.('gold')).toBe(true);
    expect(detector.valueTest?.(' Platinum  ')).toBe(true);
    expect(detector.valueTest?.('silver')).toBe(false);
  });

  it('tests only the first 1,000 characters of a long value', () => {
    const detector = compileClassifier(definition({ valuePatterns: ['a+'] }), builtin);
    const limit = CLASSIFIER_LIMITS.valueLength;
    expect(detector.valueTest?.('a'.repeat(limit) + 'b')).toBe(true);
    expect(detector.valueTest?.('a'.repeat(limit - 1) + 'b')).toBe(false);
  });

  it('refuses to compile an invalid definition, listing the problems', () => {
    expect(() => compileClassifier(definition({ valuePatterns: ['(a'] }), builtin)).toThrow(
      InvalidClassifierError,
    );
  });
});

describe('pattern safety', () => {
  it.each(['(a+)+$', '(a|aa)+b', '(a*)*b', '(a|a)*c'])(
    'runs the catastrophic pattern %s on 100 kB in linear time',
    (pattern) => {
      const detector = compileClassifier(
        definition({ namePatterns: [pattern], valuePatterns: [pattern] }),
        builtin,
      );
      // The name test searches all 100 kB; the value test reads the first 1,000 characters.
      const input = 'a'.repeat(100_000) + '!';
      detector.nameTest?.('a'.repeat(100));
      for (const test of [detector.nameTest!, detector.valueTest!]) {
        const started = performance.now();
        test(input);
        expect(performance.now() - started).toBeLessThan(200);
      }
    },
  );

  it('refuses backreferences and lookarounds with a clear message', () => {
    const errors = validateClassifierPatterns({
      namePatterns: ['(a)\\1', '(?=x)y', '(?!x)y', '(?<=x)y', '(?<!x)y'],
      valuePatterns: [],
      dictionary: [],
    });
    expect(errors).toEqual([
      expect.stringMatching(/^namePatterns\[0\]: backreferences \(\\1\) are not supported/),
      ...[1, 2, 3, 4].map((index) =>
        expect.stringMatching(
          new RegExp(`^namePatterns\\[${index}\\]: lookarounds .* not supported`),
        ),
      ),
    ]);
  });

  it('names the pattern and says what RE2 found, on one line', () => {
    const errors = validateClassifierPatterns({
      namePatterns: ['ok'],
      valuePatterns: ['\\d+', '[0-9', '(a\n'],
      dictionary: [],
    });
    expect(errors).toEqual([
      'valuePatterns[1]: missing closing ]: `[0-9`',
      'valuePatterns[2]: missing closing ): `(a\\u000a`',
    ]);
    for (const error of errors) expect(error).not.toContain('\n');
  });
});

describe('limits', () => {
  const lists = (fields: Partial<ClassifierDefinition>) =>
    validateClassifierPatterns({ namePatterns: [], valuePatterns: [], dictionary: [], ...fields });

  it('allows 20 patterns of 500 characters and 10,000 words of 200, not more', () => {
    const pattern = 'a'.repeat(500);
    expect(lists({ namePatterns: Array(20).fill(pattern) })).toEqual([]);
    expect(lists({ valuePatterns: Array(21).fill('a') })).toEqual([
      'valuePatterns: at most 20 patterns (got 21)',
    ]);
    expect(lists({ namePatterns: ['x', pattern + 'a'] })).toEqual([
      'namePatterns[1]: longer than 500 characters (501)',
    ]);
    expect(lists({ dictionary: Array(10_000).fill('w'.repeat(200)) })).toEqual([]);
    expect(lists({ dictionary: Array(10_001).fill('w') })).toEqual([
      'dictionary: at most 10000 entries (got 10001)',
    ]);
    expect(lists({ dictionary: ['ok', 'w'.repeat(201), '  '] })).toEqual([
      'dictionary[1]: longer than 200 characters',
      'dictionary[2]: must not be blank',
    ]);
    expect(lists({ namePatterns: [''] })).toEqual(['namePatterns[0]: must not be empty']);
  });

  it('sums up a long list of bad entries', () => {
    const errors = lists({ dictionary: Array(50).fill(' ') });
    expect(errors).toHaveLength(11);
    expect(errors.at(-1)).toBe('dictionary: 40 more errors');
  });
});

describe('validateClassifier', () => {
  it('checks the info type, the ratios and that something is tested', () => {
    expect(validateClassifier(definition({ dictionary: ['x'] }), builtin)).toEqual([]);
    expect(validateClassifier(definition(), builtin)).toEqual([
      'a classifier needs a name pattern, a value pattern or a dictionary entry',
    ]);
    expect(
      validateClassifier(definition({ dictionary: ['x'], sensitivity: undefined }), builtin),
    ).toEqual(['sensitivity: required for a new info type']);
    expect(
      validateClassifier(definition({ dictionary: ['x'], infoType: 'lower_case' }), builtin),
    ).toEqual([expect.stringMatching(/^infoType: "lower_case" is not a built-in info type/)]);
    expect(
      validateClassifier(
        definition({ dictionary: ['x'], infoType: 'EMAIL_ADDRESS', label: 'Mail' }),
        builtin,
      ),
    ).toEqual([
      'label: only a new info type has its own label; EMAIL_ADDRESS is built in',
      'sensitivity: only a new info type has its own sensitivity; EMAIL_ADDRESS is built in',
    ]);
    expect(
      validateClassifier(
        definition({ dictionary: ['x'], minMatchRatio: 1.5, confidence: -1 }),
        builtin,
      ),
    ).toEqual(['minMatchRatio: must be between 0 and 1', 'confidence: must be between 0 and 1']);
  });
});
