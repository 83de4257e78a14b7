import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  finishTally,
  newTally,
  observeJson,
  observeText,
  typeOfJson,
  typeOfPartitionValue,
  typeOfText,
  widen,
  type InferredType,
} from '../../scanners/s3/infer-types.js';
import { detectDelimiter } from '../../scanners/s3/csv-dialect.js';

describe('typeOfText', () => {
  it.each([
    ['0', 'integer'],
    ['-42', 'integer'],
    ['+7', 'integer'],
    ['123456789012345678', 'integer'],
    ['1234567890123456789', 'decimal'],
    ['007', 'string'],
    ['01234', 'string'],
    ['3.14', 'decimal'],
    ['-0.5', 'decimal'],
    ['1e10', 'decimal'],
    ['2.5E-3', 'decimal'],
    ['.5', 'string'],
    ['1,5', 'string'],
    ['NaN', 'string'],
    ['true', 'boolean'],
    ['FALSE', 'boolean'],
    ['yes', 'string'],
    ['2024-02-29', 'date'],
    ['2023-02-29', 'string'],
    ['2024-13-01', 'string'],
    ['2024-01-31T08:00:00Z', 'timestamp'],
    ['2024-01-31 08:00', 'timestamp'],
    ['2024-01-31T08:00:00.123456+02:00', 'timestamp'],
    ['2024-01-31T24:00:00', 'string'],
    ['31/01/2024', 'string'],
    ['hello', 'string'],
  ] as const)('%s is %s', (text, type) => {
    expect(typeOfText(text)).toBe(type);
  });

  it('reads zero-padded partition values as numbers', () => {
    expect(typeOfPartitionValue('01')).toBe('integer');
    expect(typeOfPartitionValue('2024-01-01')).toBe('date');
    expect(typeOfPartitionValue('eu-west')).toBe('string');
  });

  it('never throws and always answers a known type', () => {
    const known = new Set(['integer', 'decimal', 'boolean', 'date', 'timestamp', 'string']);
    fc.assert(fc.property(fc.string(), (text) => known.has(typeOfText(text))));
  });
});

describe('typeOfJson', () => {
  it('types JSON values, dates hidden in strings included', () => {
    expect(typeOfJson(3)).toBe('integer');
    expect(typeOfJson(3.5)).toBe('decimal');
    expect(typeOfJson(false)).toBe('boolean');
    expect(typeOfJson('42')).toBe('string');
    expect(typeOfJson('2024-01-01')).toBe('date');
    expect(typeOfJson('2024-01-01T00:00:00Z')).toBe('timestamp');
    expect(typeOfJson({ a: 1 })).toBe('json');
    expect(typeOfJson([1, 2])).toBe('json');
    expect(typeOfJson(null)).toBeUndefined();
  });
});

describe('widen', () => {
  it.each([
    ['integer', 'decimal', 'decimal'],
    ['decimal', 'integer', 'decimal'],
    ['date', 'timestamp', 'timestamp'],
    ['integer', 'boolean', 'string'],
    ['date', 'integer', 'string'],
    ['json', 'string', 'json'],
    ['boolean', 'boolean', 'boolean'],
  ] as const)('%s + %s = %s', (a, b, wide) => {
    expect(widen(a, b)).toBe(wide);
  });

  it('is commutative and keeps a type when the other is unknown', () => {
    const types: InferredType[] = [
      'integer',
      'decimal',
      'boolean',
      'date',
      'timestamp',
      'string',
      'json',
    ];
    for (const a of types) {
      expect(widen(a, undefined)).toBe(a);
      expect(widen(undefined, a)).toBe(a);
      for (const b of types) expect(widen(a, b)).toBe(widen(b, a));
    }
  });
});

describe('tallies', () => {
  it('infers a column from its cells, empty cells making it nullable', () => {
    const tally = newTally();
    for (const cell of ['1', '2', '', '3.5']) observeText(tally, cell);
    expect(finishTally(tally)).toEqual({ dataType: 'decimal', nullable: true });
  });

  it('calls a column of nulls only a nullable string', () => {
    const tally = newTally();
    observeJson(tally, null);
    expect(finishTally(tally)).toEqual({ dataType: 'string', nullable: true });
    expect(finishTally(newTally())).toEqual({ dataType: 'string', nullable: true });
  });

  it('keeps a column of values not nullable', () => {
    const tally = newTally();
    for (const value of [true, false]) observeJson(tally, value);
    expect(finishTally(tally)).toEqual({ dataType: 'boolean', nullable: false });
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3\n', ','],
    ['a;b;c\r\n1;2;3\r\n', ';'],
    ['a\tb\n1\t2\n', '\t'],
    ['a|b\n1|2\n', '|'],
    // Commas inside quoted fields do not count; the semicolons split every line alike.
    ['name;note\n"Smith, J.";"a, b, c"\n"Doe, K.";x\n', ';'],
    // A quoted field spanning lines is one record.
    ['id,text\n1,"line one\nline; two"\n2,x\n', ','],
    ['\uFEFFa;b\n1;2\n', ';'],
    ['single\nvalue\n', ','],
  ])('%j → %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });
});
