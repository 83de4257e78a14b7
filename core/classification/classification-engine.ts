import type { Sensitivity } from '../permissions/vocabulary.js';
import { BUILTIN_INFO_TYPES } from './catalogue/index.js';
import { round, summarizeValues } from './column-statistics.js';
import type { ColumnDecision, ColumnInput, Evidence, Proposal } from './column-decision.js';
import {
  dataFamily,
  type ColumnStatistics,
  type CustomDetector,
  type InfoTypeDefinition,
  type ValueMethod,
} from './info-type.js';
import { compileNameIndex, nameWords, type NameHit } from './name-evidence.js';

/**
 * The version of the rules and their weights. Stored with every proposal: when it changes,
 * rescans re-evaluate the proposals still `suggested` (decided ones stay).
 *
 * @example
 * if (stored.engineVersion !== ENGINE_VERSION) reevaluate(stored);
 */
export const ENGINE_VERSION = '2.0.0';

/**
 * A workspace's override of one information type's thresholds.
 *
 * @example
 * const strict: InfoTypeThreshold = { minMatchRatio: 0.9, minConfidence: 0.7 };
 */
export interface InfoTypeThreshold {
  minMatchRatio?: number;
  minConfidence?: number;
  /** `false` switches the type off in this workspace. */
  enabled?: boolean;
}

/**
 * What an engine is built from.
 *
 * @example
 * createClassificationEngine({ custom: [compileClassifier(definition)], thresholds: { AGE: { enabled: false } } });
 */
export interface EngineOptions {
  infoTypes?: readonly InfoTypeDefinition[];
  custom?: readonly CustomDetector[];
  thresholds?: Readonly<Record<string, InfoTypeThreshold>>;
}

/**
 * Per-column context: the types a steward rejected for this column are never proposed again.
 *
 * @example
 * engine.classify(column, { suppressed: new Set(['PHONE_NUMBER']) });
 */
export interface ClassifyContext {
  suppressed?: ReadonlySet<string>;
}

/**
 * The rule-based classifier: pure and deterministic, the same input gives the same output.
 *
 * @example
 * const engine = createClassificationEngine();
 * engine.classify({ name: 'contact', values: ['ada@example.com', 'bob@example.org'] }).infoType; // 'EMAIL_ADDRESS'
 */
export interface ClassificationEngine {
  readonly version: string;
  readonly infoTypes: readonly InfoTypeDefinition[];
  classify(column: ColumnInput, context?: ClassifyContext): ColumnDecision;
}

/**
 * How far one matching value goes, by how it was checked: `weight` caps the confidence
 * values alone can give, `support` is how many matches make that cap reachable, and
 * `contradiction` is what is left of a name's evidence when the values say otherwise (a
 * dictionary is never complete, a check digit is).
 */
const METHODS: Record<ValueMethod, { weight: number; support: number; contradiction: number }> = {
  checksum: { weight: 0.97, support: 1, contradiction: 0.2 },
  parser: { weight: 0.93, support: 1, contradiction: 0.25 },
  pattern: { weight: 0.85, support: 3, contradiction: 0.4 },
  dictionary: { weight: 0.8, support: 3, contradiction: 0.75 },
  // A number in a range (an age, a year) is never enough on its own: the name must agree.
  range: { weight: 0.45, support: 5, contradiction: 0.5 },
};

const NAME_SCORES = { exact: 0.8, word: 0.65, weak: 0.3 } as const;
const CUSTOM_NAME_SCORE = 0.75;
const DEFAULT_MIN_CONFIDENCE = 0.5;
/** The most a `valuesNeedName` type gets from values alone: under any acceptance threshold. */
const VALUES_WITHOUT_NAME = 0.45;
const MIN_THRESHOLD = 0.01;
/**
 * Distinct values the checks look at per column: a share estimated from 48 values is as
 * good as one from 100, at half the cost (a phone number parse takes ~30 µs).
 */
const MAX_CHECKED_DISTINCT = 48;
/** What a layout without check digits is worth beside a telling name. */
const LAYOUT_WEIGHT = 0.5;
/** How much of its match ratio a type needs when a weak name phrase hints at it. */
const WEAK_NAME_THRESHOLD = 0.75;
/** A weak phrase that is the whole column name (`name`, `address`) says more than one inside it. */
const WEAK_ALONE_SCORE = 0.45;
const WEAK_ALONE_THRESHOLD = 0.6;
/** Nulls per examined value from which a column counts as sparse. */
const SPARSE_NULLS = 10;
/** Fewer examined values than this cannot contradict a name. */
export const MIN_CONTRADICTING = 3;

/**
 * Builds the engine over the built-in catalogue, a workspace's custom classifiers and its
 * threshold overrides.
 *
 * @example
 * const engine = createClassificationEngine();
 * const decision = engine.classify({ name: 'ssn', dataType: 'text', values: [null, '536-22-4815', null] });
 * decision.infoType; // 'US_SSN'
 */
export function createClassificationEngine(options: EngineOptions = {}): ClassificationEngine {
  const thresholds = options.thresholds ?? {};
  const infoTypes = (options.infoTypes ?? BUILTIN_INFO_TYPES).filter(
    (type) => thresholds[type.id]?.enabled !== false,
  );
  const custom = (options.custom ?? []).filter(
    (detector) => thresholds[detector.infoType.id]?.enabled !== false,
  );
  const order = new Map(infoTypes.map((type, index) => [type.id, index]));
  const byId = new Map<string, InfoTypeDefinition>(infoTypes.map((type) => [type.id, type]));
  for (const detector of custom) {
    if (!byId.has(detector.infoType.id)) byId.set(detector.infoType.id, detector.infoType);
  }
  const minConfidence = (id: string) => thresholds[id]?.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const nameIndex = compileNameIndex(
    infoTypes.flatMap((type) => [
      ...type.names.map((phrase) => ({
        key: type.id,
        phrase,
        weak: false,
        categorical: type.category === 'demographic',
      })),
      ...(type.weakNames ?? []).map((phrase) => ({
        key: type.id,
        phrase,
        weak: true,
        categorical: type.category === 'demographic',
      })),
    ]),
  );

  return {
    version: ENGINE_VERSION,
    infoTypes: [...byId.values()],
    classify(column, context = {}) {
      const suppressed = context.suppressed ?? new Set<string>();
      const words = nameWords(column.name);
      // Without a declared type (the CLI, files without a schema) no family is ruled out.
      const family = column.dataType === undefined ? 'other' : dataFamily(column.dataType);
      const { distinct, statistics } = summarizeValues(column.values);
      const candidates = infoTypes.filter(
        (type) =>
          !suppressed.has(type.id) &&
          (family === 'other' || type.families.includes(family)) &&
          (type.shape?.(statistics) ?? null) === null,
      );
      const hits = nameIndex.match(words);
      const named = new Map(candidates.map((type) => [type.id, hits.get(type.id) ?? null]));
      // A column of plain numbers is never a `numbersNeedName` type without its name: spare
      // the checks (a phone number parse costs microseconds per value and region).
      const plainNumbers = statistics.examined > 0 && statistics.numeric === statistics.examined;
      const checked = plainNumbers
        ? candidates.filter((type) => !type.numbersNeedName || named.get(type.id) !== null)
        : candidates;
      const { values: checkedValues, examined } = valuesToCheck(distinct);
      const counts = candidateCounts(
        checked,
        named,
        checkedValues,
        examined,
        (type) => thresholds[type.id]?.minMatchRatio ?? type.minMatchRatio,
      );

      const proposals = new Map<string, Proposal>();
      for (const type of candidates) {
        const ratio = thresholds[type.id]?.minMatchRatio ?? type.minMatchRatio;
        const proposal = builtinProposal(
          type,
          named.get(type.id) ?? null,
          counts,
          { ...statistics, examined },
          ratio,
        );
        if (proposal) proposals.set(type.id, proposal);
      }
      for (const detector of custom) {
        if (suppressed.has(detector.infoType.id)) continue;
        const proposal = customProposal(detector, column.name, distinct, statistics, thresholds);
        if (!proposal) continue;
        const same = proposals.get(proposal.infoType);
        proposals.set(proposal.infoType, same ? mergeProposals(same, proposal) : proposal);
      }
      const ranked = rank([...proposals.values()], byId, order);
      return decide(ranked, statistics, minConfidence, byId);
    },
  };
}

/**
 * The distinct values the built-in checks run on: all of them, or for a column of many
 * different values the `MAX_CHECKED_DISTINCT` most frequent (ties by value, so the choice
 * does not depend on the order of the sample). Ratios and the evidence's `examined` count
 * the occurrences of those values. Exported for the sampler, which counts a masked column's
 * checks the same way (see `countValueCheck`).
 *
 * @example
 * valuesToCheck(new Map([['a', 2]])); // { values: Map { 'a' => 2 }, examined: 2 }
 */
export function valuesToCheck(distinct: ReadonlyMap<string, number>): {
  values: ReadonlyMap<string, number>;
  examined: number;
} {
  let examined = 0;
  if (distinct.size <= MAX_CHECKED_DISTINCT) {
    for (const count of distinct.values()) examined += count;
    return { values: distinct, examined };
  }
  const chosen = [...distinct]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, MAX_CHECKED_DISTINCT);
  for (const [, count] of chosen) examined += count;
  return { values: new Map(chosen), examined };
}

/**
 * Matching values per type, counted over distinct values, each check run once per value
 * even when several types share it (a fax number is checked as a phone number). Types the
 * name does not suggest are dropped as soon as too few values are left for their ratio to
 * reach the threshold, whatever the order of the values: checking every type on every value
 * would cost most of the engine's time, and a type that cannot pass is not proposed at all.
 */
function candidateCounts(
  candidates: readonly InfoTypeDefinition[],
  named: ReadonlyMap<string, unknown>,
  distinct: ReadonlyMap<string, number>,
  examined: number,
  minMatchRatio: (type: InfoTypeDefinition) => number,
): Map<string, number> {
  interface Group {
    test: (value: string) => boolean;
    keys: string[];
    matched: number;
    /** The lowest ratio any of its types needs; 0 keeps it (a type the name suggests). */
    floor: number;
  }
  const groups = new Map<(value: string) => boolean, Group>();
  const join = (test: (value: string) => boolean, key: string, floor: number) => {
    const group = groups.get(test) ?? { test, keys: [], matched: 0, floor };
    group.keys.push(key);
    group.floor = Math.min(group.floor, floor);
    groups.set(test, group);
  };
  for (const type of candidates) {
    const suggested = named.get(type.id) !== null;
    if (type.values) join(type.values.test, type.id, suggested ? 0 : minMatchRatio(type));
    // Layouts count only beside a name that says the type, so only those are checked.
    if (type.layout && suggested) join(type.layout.test, layoutKey(type), 0);
  }
  let live = [...groups.values()];
  let left = examined;
  for (const [text, count] of distinct) {
    for (const group of live) if (group.test(text)) group.matched += count;
    left -= count;
    live = live.filter(
      (group) => group.floor === 0 || (group.matched + left) / examined >= group.floor,
    );
    if (live.length === 0) break;
  }
  const counts = new Map<string, number>();
  for (const group of live) {
    if (group.matched > 0) for (const key of group.keys) counts.set(key, group.matched);
  }
  // Groups dropped on the way have partial counts: leave them out rather than report them.
  for (const group of groups.values()) {
    if (group.floor === 0 && group.matched > 0) {
      for (const key of group.keys) counts.set(key, group.matched);
    }
  }
  return counts;
}

const layoutKey = (type: InfoTypeDefinition) => `layout:${type.id}`;

function builtinProposal(
  type: InfoTypeDefinition,
  name: NameHit | null,
  counts: ReadonlyMap<string, number>,
  statistics: ColumnStatistics,
  minMatchRatio: number,
): Proposal | null {
  const evidence: Evidence[] = [];
  const nameScore = name ? (name.alone ? WEAK_ALONE_SCORE : NAME_SCORES[name.match]) : 0;
  if (name)
    evidence.push({ detector: 'name', phrase: name.phrase, match: name.match, score: nameScore });
  const check = type.values;
  const examined = statistics.examined;
  if (!check || examined === 0) {
    return nameScore > 0 ? proposal(type, nameScore, evidence) : null;
  }
  const method = METHODS[check.method];
  const matched = counts.get(type.id) ?? 0;
  const ratio = matched / examined;
  // The name already says what the column is: values need only not to contradict it much.
  const strongName = name !== null && name.match !== 'weak';
  const factor = strongName
    ? 0.5
    : name?.alone
      ? WEAK_ALONE_THRESHOLD
      : name
        ? WEAK_NAME_THRESHOLD
        : 1;
  // A ratio of 0 would accept a column without one matching value; 1 % is the least.
  const threshold = Math.max(MIN_THRESHOLD, round(minMatchRatio * factor));
  // In a sparse column (mostly nulls) every real value counts: one valid SSN among a
  // hundred nulls is as telling as a full column of them.
  const sparse = matched === examined && statistics.nulls >= SPARSE_NULLS * examined;
  const support = sparse ? 1 : Math.min(1, matched / method.support);
  const passes = matched > 0 && ratio >= threshold;
  const valueScore = passes
    ? method.weight * support * (0.7 + 0.3 * ratio)
    : method.weight * support * ratio * 0.5;
  if (matched > 0) {
    evidence.push({
      detector: 'values',
      method: check.method,
      describe: check.describe,
      matched,
      examined,
      ratio: round(ratio),
      threshold,
      score: round(valueScore),
    });
  }
  let confidence: number;
  const plainNumbers = statistics.numeric === examined;
  if (passes && !name && (type.valuesNeedName || (type.numbersNeedName && plainNumbers))) {
    confidence = Math.min(VALUES_WITHOUT_NAME, valueScore);
  } else if (passes) {
    confidence = 1 - (1 - nameScore) * (1 - valueScore);
  } else if (
    strongName &&
    type.layout &&
    (counts.get(layoutKey(type)) ?? 0) / examined >= threshold
  ) {
    const matchedLayout = counts.get(layoutKey(type))!;
    const layoutRatio = matchedLayout / examined;
    const layoutScore = LAYOUT_WEIGHT * (0.7 + 0.3 * layoutRatio);
    evidence.push({
      detector: 'values',
      method: type.layout.method,
      describe: type.layout.describe,
      matched: matchedLayout,
      examined,
      ratio: round(layoutRatio),
      threshold,
      score: round(layoutScore),
    });
    confidence = 1 - (1 - nameScore) * (1 - layoutScore);
  } else if (strongName) {
    const contradicted = examined >= MIN_CONTRADICTING;
    if (contradicted && matched === 0) {
      evidence.push({
        detector: 'values',
        method: check.method,
        describe: check.describe,
        matched: 0,
        examined,
        ratio: 0,
        threshold,
        score: 0,
      });
    }
    confidence = contradicted
      ? nameScore * (method.contradiction + (1 - method.contradiction) * (ratio / threshold))
      : nameScore;
  } else {
    confidence = valueScore + nameScore * 0.5;
  }
  return confidence > 0.05 ? proposal(type, confidence, evidence) : null;
}

function customProposal(
  detector: CustomDetector,
  columnName: string,
  distinct: ReadonlyMap<string, number>,
  statistics: ColumnStatistics,
  thresholds: Readonly<Record<string, InfoTypeThreshold>>,
): Proposal | null {
  const evidence: Evidence[] = [];
  const base = detector.confidence ?? 0.9;
  const { classifierId, classifier } = detector;
  let nameScore = 0;
  if (detector.nameTest?.(columnName)) {
    nameScore = Math.min(base, CUSTOM_NAME_SCORE);
    evidence.push({ detector: 'custom', classifierId, classifier, on: 'name', score: nameScore });
  }
  let valueScore = 0;
  if (detector.valueTest && statistics.examined > 0) {
    let matched = 0;
    for (const [text, count] of distinct) if (detector.valueTest(text)) matched += count;
    const ratio = matched / statistics.examined;
    const threshold = thresholds[detector.infoType.id]?.minMatchRatio ?? detector.minMatchRatio;
    if (matched > 0 && ratio >= threshold) valueScore = base * (0.7 + 0.3 * ratio);
    if (matched > 0) {
      evidence.push({
        detector: 'custom',
        classifierId,
        classifier,
        on: 'values',
        matched,
        examined: statistics.examined,
        ratio: round(ratio),
        threshold,
        score: round(valueScore),
      });
    }
  }
  const confidence = 1 - (1 - nameScore) * (1 - valueScore);
  return confidence > 0 ? proposal(detector.infoType, confidence, evidence) : null;
}

function proposal(type: InfoTypeDefinition, confidence: number, evidence: Evidence[]): Proposal {
  return {
    infoType: type.id,
    confidence: round(confidence),
    sensitivity: type.sensitivity,
    evidence,
  };
}

function mergeProposals(a: Proposal, b: Proposal): Proposal {
  return {
    ...a,
    confidence: round(1 - (1 - a.confidence) * (1 - b.confidence)),
    evidence: [...a.evidence, ...b.evidence],
  };
}

/**
 * Best first; near ties go to the more specific type (US_SSN before NATIONAL_ID), then to
 * the catalogue's order, so the ranking never depends on input order.
 */
function rank(
  proposals: Proposal[],
  byId: ReadonlyMap<string, InfoTypeDefinition>,
  order: ReadonlyMap<string, number>,
): Proposal[] {
  const refines = (a: string, b: string) => byId.get(a)?.refines?.includes(b) === true;
  return proposals.sort((a, b) => {
    if (Math.abs(a.confidence - b.confidence) <= 0.02) {
      if (refines(a.infoType, b.infoType)) return -1;
      if (refines(b.infoType, a.infoType)) return 1;
    }
    if (a.confidence !== b.confidence) return b.confidence - a.confidence;
    const position = (order.get(a.infoType) ?? 1e6) - (order.get(b.infoType) ?? 1e6);
    return position !== 0 ? position : a.infoType.localeCompare(b.infoType);
  });
}

function decide(
  proposals: Proposal[],
  statistics: ColumnStatistics,
  minConfidence: (id: string) => number,
  byId: ReadonlyMap<string, InfoTypeDefinition>,
): ColumnDecision {
  const top = proposals[0];
  const accepted = top && top.confidence >= minConfidence(top.infoType) ? top : undefined;
  const sensitivity: Sensitivity | null = accepted?.sensitivity ?? null;
  return {
    infoType: accepted?.infoType ?? null,
    sensitive: sensitivity !== null && sensitivity !== 'public',
    sensitivity,
    confidence: top?.confidence ?? 0,
    proposals,
    ambiguity: ambiguityOf(proposals, accepted, byId),
    statistics,
    engineVersion: ENGINE_VERSION,
  };
}

/** Why the rules are unsure, or null: what sends a column to an adjudicator. */
function ambiguityOf(
  proposals: readonly Proposal[],
  accepted: Proposal | undefined,
  byId: ReadonlyMap<string, InfoTypeDefinition>,
): string | null {
  const [top, second] = proposals;
  if (!top) return null;
  if (!accepted) {
    // Numbers in a range (ages, years) fill every numeric column: not worth a question.
    const rangeOnly = top.evidence.every(
      (entry) => entry.detector === 'values' && entry.method === 'range',
    );
    return top.confidence >= 0.3 && !rangeOnly ? `${top.infoType} is under its threshold` : null;
  }
  if (second && top.confidence - second.confidence < 0.1) {
    const related =
      byId.get(top.infoType)?.refines?.includes(second.infoType) === true ||
      byId.get(second.infoType)?.refines?.includes(top.infoType) === true;
    if (!related) return `${top.infoType} and ${second.infoType} are close`;
  }
  return top.confidence < 0.7 ? `${top.infoType} has low confidence` : null;
}
