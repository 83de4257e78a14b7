import { describe, expect, it } from 'vitest';
import {
  keptConclusion,
  withCheckedValues,
  type ColumnConclusion,
} from '../../activities/scan-column-conclusions.js';
import { infoTypeById } from '../../core/classification/catalogue/index.js';
import { createClassificationEngine } from '../../core/classification/classification-engine.js';
import { MASKED_VALUE, summarizeValues } from '../../core/classification/column-statistics.js';
import { countValueCheck } from '../../core/classification/value-check-counts.js';
import { cardNumbers } from '../helpers/card-numbers.js';

const CARD = infoTypeById('CREDIT_CARD')!;
const cardCheck = CARD.values!;

describe('countValueCheck', () => {
  it('counts occurrences of matching values, leaving out nulls, placeholders and masked values', () => {
    expect(
      countValueCheck(cardCheck, [
        '4111111111111111',
        ' 4111111111111111 ',
        '************1111',
        null,
        'n/a',
        MASKED_VALUE,
        '',
      ]),
    ).toEqual({ examined: 3, matched: 2 });
    expect(countValueCheck(cardCheck, [null, MASKED_VALUE])).toEqual({ examined: 0, matched: 0 });
  });

  it('looks at the 48 most frequent distinct values, whatever the order of the sample', () => {
    // 60 distinct valid cards once each, and a masked number twice: the 48 chosen are the
    // masked one and the first 47 valid ones in byte order.
    const values = [...cardNumbers(60), '************1111', '************1111'];
    const counts = countValueCheck(cardCheck, values);
    expect(counts).toEqual({ examined: 49, matched: 47 });
    expect(countValueCheck(cardCheck, [...values].reverse())).toEqual(counts);
  });

  it.each([
    ['a few valid cards', [...cardNumbers(10), null, null]],
    ['many distinct cards', [...cardNumbers(70), ...cardNumbers(5)]],
    ['masked cards', Array.from({ length: 20 }, (_, i) => `************${1000 + i}`)],
    ['a mix', [...cardNumbers(30), ...Array.from({ length: 30 }, (_, i) => `x-${i}`)]],
  ])('gives the figures of the engine’s values evidence: %s', (_, values) => {
    const decision = createClassificationEngine().classify({
      name: 'card_number',
      dataType: 'text',
      values,
    });
    const evidence = decision.proposals
      .find((proposal) => proposal.infoType === 'CREDIT_CARD')
      ?.evidence.find(
        (entry) => entry.detector === 'values' && entry.describe === cardCheck.describe,
      );
    expect(evidence).toBeDefined();
    const { examined, matched } = countValueCheck(cardCheck, values);
    expect(evidence).toMatchObject({ examined, matched });
  });
});

describe('withCheckedValues', () => {
  const fresh = (): ColumnConclusion => ({
    name: 'card_number',
    infoType: null,
    status: null,
    sensitive: false,
    sensitivity: null,
    confidence: 0,
    proposals: [],
    ambiguity: null,
    adjudicated: false,
    statistics: summarizeValues([MASKED_VALUE, MASKED_VALUE]).statistics,
    engineVersion: '2.0.0',
  });
  const valuesEntry = {
    detector: 'values',
    method: 'checksum',
    describe: cardCheck.describe,
    matched: 20,
    examined: 20,
    ratio: 1,
    threshold: 0.3,
    score: 0.97,
  };
  const stored = (evidence: unknown[]) => ({
    infoType: 'CREDIT_CARD',
    status: 'suggested',
    sensitive: true,
    sensitivity: 'restricted',
    confidence: 0.99,
    evidence,
    examined: 20,
  });
  const nameEntry = { detector: 'name', phrase: 'card number', match: 'word', score: 0.65 };

  it('refreshes the counts of the values evidence and keeps everything else', () => {
    const kept = keptConclusion(fresh(), stored([nameEntry, valuesEntry]), undefined);
    const refreshed = withCheckedValues(
      kept,
      { infoType: 'CREDIT_CARD', examined: 20, matched: 0 },
      CARD,
    );
    expect(refreshed).toMatchObject({
      infoType: 'CREDIT_CARD',
      status: 'suggested',
      sensitivity: 'restricted',
      confidence: 0.99,
      kept: true,
    });
    expect(refreshed.summary).toEqual({
      ...kept.summary,
      evidence: [nameEntry, { ...valuesEntry, matched: 0, examined: 20, ratio: 0 }],
    });
    // The same counts again change nothing: an unchanged column's summary does not move.
    expect(
      withCheckedValues(kept, { infoType: 'CREDIT_CARD', examined: 20, matched: 20 }, CARD).summary,
    ).toEqual(kept.summary);
  });

  it('leaves the summary alone for another type, no examined value or only a layout entry', () => {
    const kept = keptConclusion(fresh(), stored([nameEntry, valuesEntry]), undefined);
    const iban = infoTypeById('IBAN_CODE');
    expect(withCheckedValues(kept, { infoType: 'IBAN_CODE', examined: 20, matched: 0 }, iban)).toBe(
      kept,
    );
    expect(
      withCheckedValues(kept, { infoType: 'CREDIT_CARD', examined: 0, matched: 0 }, CARD),
    ).toBe(kept);
    // A steward rejected the type since: the kept conclusion has none, nothing to refresh.
    const rejected = keptConclusion(fresh(), stored([nameEntry, valuesEntry]), {
      approved: [],
      rejected: new Set(['CREDIT_CARD']),
    });
    const counts = { infoType: 'CREDIT_CARD', examined: 20, matched: 0 };
    expect(withCheckedValues(rejected, counts, CARD)).toBe(rejected);
    const layout = {
      ...valuesEntry,
      method: CARD.layout!.method,
      describe: CARD.layout!.describe,
    };
    const layoutOnly = keptConclusion(fresh(), stored([nameEntry, layout]), undefined);
    expect(withCheckedValues(layoutOnly, counts, CARD)).toBe(layoutOnly);
  });

  it('adds a values entry where the summary has none, as the engine would', () => {
    const kept = keptConclusion(fresh(), stored([nameEntry]), undefined);
    const counts = { infoType: 'CREDIT_CARD', examined: 20, matched: 0 };
    expect(withCheckedValues(kept, counts, CARD).summary?.evidence).toEqual([
      nameEntry,
      {
        detector: 'values',
        method: cardCheck.method,
        describe: cardCheck.describe,
        matched: 0,
        examined: 20,
        ratio: 0,
        threshold: CARD.minMatchRatio,
        score: 0,
      },
    ]);
    // Two values without a match contradict nothing: the engine writes no entry either.
    const few = { infoType: 'CREDIT_CARD', examined: 2, matched: 0 };
    expect(withCheckedValues(kept, few, CARD)).toBe(kept);
  });
});
