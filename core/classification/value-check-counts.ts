import { valuesToCheck } from './classification-engine.js';
import { summarizeValues } from './column-statistics.js';
import type { ValueCheck } from './info-type.js';

/**
 * What one information type's value check found in a column's sampled values: counts only,
 * never a value.
 *
 * @example
 * const counts: ValueCheckCounts = { infoType: 'CREDIT_CARD', examined: 20, matched: 0 };
 */
export interface ValueCheckCounts {
  infoType: string;
  /** Values looked at: occurrences of the checked distinct values, as in the engine's evidence. */
  examined: number;
  /** Of those, values the check accepts. */
  matched: number;
}

/**
 * Runs a value check over a column's values the way the engine does: values trimmed, nulls,
 * placeholders (`n/a`) and masked values left out, each distinct value checked once, and for
 * a column of many different values only the 48 most frequent (ties in
 * byte order, so the result does not depend on the order of the sample). Counts are
 * occurrences, so `matched / examined` is the ratio the engine's `values` evidence shows.
 *
 * @example
 * const { values: check } = infoTypeById('CREDIT_CARD')!;
 * countValueCheck(check!, ['4111111111111111', '************1111', null]);
 * // { examined: 2, matched: 1 }
 */
export function countValueCheck(
  check: ValueCheck,
  values: Iterable<string | number | boolean | null>,
): { examined: number; matched: number } {
  const { values: chosen, examined } = valuesToCheck(summarizeValues(values).distinct);
  let matched = 0;
  for (const [text, count] of chosen) if (check.test(text)) matched += count;
  return { examined, matched };
}
