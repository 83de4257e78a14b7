/**
 * A benchmark set's labels, each with the ids of ours that count as that label.
 *
 * @example
 * const mapping: LabelMapping = { Full_Name: ['PERSON'], IP_Address_v4: ['IPV4_ADDRESS', 'IP_ADDRESS'] };
 */
export type LabelMapping = Readonly<Record<string, readonly string[]>>;

/**
 * What happened to one column: the set's label, ours, and our label in the set's terms.
 *
 * @example
 * const outcome: ColumnOutcome = { table: 'Persons', column: 'Name', truth: 'Full_Name',
 *   said: 'PERSON', predicted: 'Full_Name', sensitive: true, confidence: 0.93 };
 */
export interface ColumnOutcome {
  table: string;
  column: string;
  truth: string | null;
  /** Our accepted info type, null when none. */
  said: string | null;
  /** The set's label our type counts as; null when it is none of them (out of the set's scope). */
  predicted: string | null;
  sensitive: boolean;
  confidence: number;
}

/**
 * Counts and scores of a yes/no decision; a ratio is null when it divides by zero.
 *
 * @example
 * const { precision, recall, f1 } = binaryScores([{ truth: true, predicted: true }]);
 */
export interface BinaryScores {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

/**
 * Scores of one label of the set, one-against-the-rest.
 *
 * @example
 * const worst = perLabel.filter((label) => (label.f1 ?? 0) < 0.9);
 */
export interface LabelScores {
  label: string;
  /** Columns the set gives this label. */
  support: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

/**
 * For a poorly scored label: what we said instead on its columns, and what the set said on
 * the columns we gave it (`none` = no type).
 *
 * @example
 * // { label: 'Full_Name', f1: 0.8, missed: [{ value: 'FIRST_NAME', count: 3 }], falseAlarms: [] }
 */
export interface LabelConfusion {
  label: string;
  f1: number | null;
  missed: { value: string; count: number }[];
  falseAlarms: { value: string; count: number }[];
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/**
 * The set's label our info type counts as. An id that counts for several labels (IP_ADDRESS
 * for both IP versions) counts as the column's own label when that is one of them.
 *
 * @example
 * labelFor({ IP_Address_v6: ['IP_ADDRESS'] }, 'IP_ADDRESS', 'IP_Address_v6'); // 'IP_Address_v6'
 * labelFor({ Full_Name: ['PERSON'] }, 'FIRST_NAME', 'Full_Name'); // null
 */
export function labelFor(mapping: LabelMapping, said: string | null, truth: string | null) {
  if (said === null) return null;
  if (truth !== null && mapping[truth]?.includes(said)) return truth;
  return Object.keys(mapping).find((label) => mapping[label]!.includes(said)) ?? null;
}

/**
 * Precision, recall and F1 of yes/no decisions.
 *
 * @example
 * binaryScores([{ truth: true, predicted: true }, { truth: false, predicted: true }]).precision; // 0.5
 */
export function binaryScores(pairs: Iterable<{ truth: boolean; predicted: boolean }>) {
  const scores: BinaryScores = {
    tp: 0,
    fp: 0,
    fn: 0,
    tn: 0,
    precision: null,
    recall: null,
    f1: null,
  };
  for (const { truth, predicted } of pairs) {
    if (truth && predicted) scores.tp++;
    else if (predicted) scores.fp++;
    else if (truth) scores.fn++;
    else scores.tn++;
  }
  scores.precision = ratio(scores.tp, scores.tp + scores.fp);
  scores.recall = ratio(scores.tp, scores.tp + scores.fn);
  scores.f1 = ratio(2 * scores.tp, 2 * scores.tp + scores.fp + scores.fn);
  return scores;
}

/**
 * The two views of "is it sensitive": in the set's scope (our type is one of the set's
 * labels, whichever) and our own `sensitive` flag. Truth is that the set gives a label.
 *
 * @example
 * const { inScope, anySensitive } = sensitivityScores(outcomes);
 */
export function sensitivityScores(outcomes: readonly ColumnOutcome[]) {
  return {
    inScope: binaryScores(
      outcomes.map((o) => ({ truth: o.truth !== null, predicted: o.predicted !== null })),
    ),
    anySensitive: binaryScores(
      outcomes.map((o) => ({ truth: o.truth !== null, predicted: o.sensitive })),
    ),
  };
}

/**
 * Share of labelled columns where our type counts as their label.
 *
 * @example
 * typeAccuracy(outcomes); // { correct: 74, total: 78, accuracy: 0.948… }
 */
export function typeAccuracy(outcomes: readonly ColumnOutcome[]) {
  const labelled = outcomes.filter((o) => o.truth !== null);
  const correct = labelled.filter((o) => o.predicted === o.truth).length;
  return { correct, total: labelled.length, accuracy: ratio(correct, labelled.length) };
}

/**
 * One-against-the-rest scores of every label that occurs as truth or prediction, most
 * frequent first.
 *
 * @example
 * perLabelScores(outcomes)[0]; // { label: 'Gender', support: 14, tp: 13, fp: 0, fn: 1, … }
 */
export function perLabelScores(outcomes: readonly ColumnOutcome[]): LabelScores[] {
  const labels = new Set<string>();
  for (const o of outcomes) {
    if (o.truth !== null) labels.add(o.truth);
    if (o.predicted !== null) labels.add(o.predicted);
  }
  return [...labels]
    .map((label) => {
      const binary = binaryScores(
        outcomes.map((o) => ({ truth: o.truth === label, predicted: o.predicted === label })),
      );
      const { tp, fp, fn, precision, recall, f1 } = binary;
      return { label, support: tp + fn, tp, fp, fn, precision, recall, f1 };
    })
    .sort((a, b) => b.support - a.support || a.label.localeCompare(b.label));
}

const tally = (values: string[]) =>
  [
    ...values.reduce(
      (counts, value) => counts.set(value, (counts.get(value) ?? 0) + 1),
      new Map<string, number>(),
    ),
  ]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));

/**
 * The `limit` labels with the lowest F1 (below 1), with what we confused them with.
 *
 * @example
 * worstConfusions(outcomes, 5)[0]; // { label: 'Full_Name', missed: [{ value: 'none', count: 2 }], … }
 */
export function worstConfusions(
  outcomes: readonly ColumnOutcome[],
  limit: number,
): LabelConfusion[] {
  return perLabelScores(outcomes)
    .filter((scores) => (scores.f1 ?? 0) < 1)
    .sort((a, b) => (a.f1 ?? 0) - (b.f1 ?? 0) || b.support - a.support)
    .slice(0, limit)
    .map(({ label, f1 }) => ({
      label,
      f1,
      missed: tally(
        outcomes
          .filter((o) => o.truth === label && o.predicted !== label)
          .map((o) => o.said ?? 'none'),
      ),
      falseAlarms: tally(
        outcomes
          .filter((o) => o.predicted === label && o.truth !== label)
          .map((o) => o.truth ?? 'none'),
      ),
    }));
}

/**
 * The columns a view got wrong: false positives, false negatives, and (in the set's scope)
 * labelled columns given another of the set's labels.
 *
 * @example
 * const { falsePositives } = mistakes(outcomes, 'inScope');
 */
export function mistakes(outcomes: readonly ColumnOutcome[], view: 'inScope' | 'anySensitive') {
  const positive = (o: ColumnOutcome) => (view === 'inScope' ? o.predicted !== null : o.sensitive);
  return {
    falsePositives: outcomes.filter((o) => o.truth === null && positive(o)),
    falseNegatives: outcomes.filter((o) => o.truth !== null && !positive(o)),
    wrongType: outcomes.filter((o) => o.truth !== null && positive(o) && o.predicted !== o.truth),
  };
}
