import { describe, expect, it } from 'vitest';
import {
  binaryScores,
  labelFor,
  mistakes,
  perLabelScores,
  sensitivityScores,
  typeAccuracy,
  worstConfusions,
  type ColumnOutcome,
  type LabelMapping,
} from '../../scripts/bench/classify-metrics.js';

const mapping: LabelMapping = {
  Full_Name: ['PERSON'],
  Email_Address: ['EMAIL_ADDRESS'],
  IP_Address_v4: ['IPV4_ADDRESS', 'IP_ADDRESS'],
  IP_Address_v6: ['IPV6_ADDRESS', 'IP_ADDRESS'],
};

/** An outcome as the benchmark builds it: `predicted` always comes from `labelFor`. */
function outcome(
  column: string,
  truth: string | null,
  said: string | null,
  sensitive = said !== null,
) {
  return {
    table: 't',
    column,
    truth,
    said,
    predicted: labelFor(mapping, said, truth),
    sensitive,
    confidence: 0.9,
  } satisfies ColumnOutcome;
}

const outcomes = [
  outcome('name', 'Full_Name', 'PERSON'),
  outcome('first_name', null, 'FIRST_NAME'), // out of the set's scope, but sensitive
  outcome('full', 'Full_Name', 'FIRST_NAME'), // missed in scope, caught as sensitive
  outcome('mail', 'Email_Address', 'EMAIL_ADDRESS'),
  outcome('contact', null, 'EMAIL_ADDRESS'), // a false alarm in both views
  outcome('ip6', 'IP_Address_v6', 'IP_ADDRESS'),
  outcome('ip4', 'IP_Address_v4', 'IPV6_ADDRESS'), // right family, wrong label
  outcome('id', null, null),
  outcome('flag', null, 'GENDER', false),
];

describe('labelFor', () => {
  it('maps our id to the label it counts as', () => {
    expect(labelFor(mapping, 'PERSON', null)).toBe('Full_Name');
    expect(labelFor(mapping, 'FIRST_NAME', 'Full_Name')).toBeNull();
    expect(labelFor(mapping, null, 'Full_Name')).toBeNull();
  });

  it('prefers the column’s own label when an id counts for several', () => {
    expect(labelFor(mapping, 'IP_ADDRESS', 'IP_Address_v6')).toBe('IP_Address_v6');
    expect(labelFor(mapping, 'IP_ADDRESS', null)).toBe('IP_Address_v4');
  });
});

describe('scores', () => {
  it('computes precision, recall and F1, null when undefined', () => {
    const pairs = [
      { truth: true, predicted: true },
      { truth: true, predicted: true },
      { truth: true, predicted: false },
      { truth: false, predicted: true },
      { truth: false, predicted: false },
    ];
    expect(binaryScores(pairs)).toEqual({
      tp: 2,
      fp: 1,
      fn: 1,
      tn: 1,
      precision: 2 / 3,
      recall: 2 / 3,
      f1: 2 / 3,
    });
    expect(binaryScores([{ truth: false, predicted: false }])).toMatchObject({
      precision: null,
      recall: null,
      f1: null,
    });
  });

  it('scores the set’s scope and our sensitive flag apart', () => {
    const { inScope, anySensitive } = sensitivityScores(outcomes);
    expect(inScope).toMatchObject({ tp: 4, fp: 1, fn: 1, tn: 3 });
    expect(anySensitive).toMatchObject({ tp: 5, fp: 2, fn: 0, tn: 2 });
  });

  it('counts a type right only when it counts as the column’s label', () => {
    expect(typeAccuracy(outcomes)).toEqual({ correct: 3, total: 5, accuracy: 0.6 });
  });

  it('scores each label one against the rest', () => {
    const byLabel = Object.fromEntries(perLabelScores(outcomes).map((s) => [s.label, s]));
    expect(byLabel.Full_Name).toMatchObject({ support: 2, tp: 1, fp: 0, fn: 1, recall: 0.5 });
    expect(byLabel.Email_Address).toMatchObject({
      support: 1,
      tp: 1,
      fp: 1,
      fn: 0,
      precision: 0.5,
    });
    // IPV6_ADDRESS on a v4 column: a miss for v4 and a false alarm for v6.
    expect(byLabel.IP_Address_v4).toMatchObject({ support: 1, tp: 0, fp: 0, fn: 1, f1: 0 });
    expect(byLabel.IP_Address_v6).toMatchObject({ support: 1, tp: 1, fp: 1, fn: 0, f1: 2 / 3 });
  });

  it('lists the worst labels with what we said and what the set said', () => {
    const worst = worstConfusions(outcomes, 2);
    expect(worst).toEqual([
      {
        label: 'IP_Address_v4',
        f1: 0,
        missed: [{ value: 'IPV6_ADDRESS', count: 1 }],
        falseAlarms: [],
      },
      {
        label: 'Full_Name',
        f1: 2 / 3,
        missed: [{ value: 'FIRST_NAME', count: 1 }],
        falseAlarms: [],
      },
    ]);
    expect(worstConfusions([outcome('mail', 'Email_Address', 'EMAIL_ADDRESS')], 5)).toEqual([]);
  });

  it('lists the mistakes of each view', () => {
    const columns = (list: ColumnOutcome[]) => list.map((o) => o.column);
    const inScope = mistakes(outcomes, 'inScope');
    expect(columns(inScope.falsePositives)).toEqual(['contact']);
    expect(columns(inScope.falseNegatives)).toEqual(['full']);
    expect(columns(inScope.wrongType)).toEqual(['ip4']);
    const any = mistakes(outcomes, 'anySensitive');
    expect(columns(any.falsePositives)).toEqual(['first_name', 'contact']);
    expect(columns(any.falseNegatives)).toEqual([]);
    expect(columns(any.wrongType)).toEqual(['full', 'ip4']);
  });
});
