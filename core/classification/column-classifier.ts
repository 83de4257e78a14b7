import { SENSITIVITY_LEVELS, type Sensitivity } from '../permissions/vocabulary.js';
import { BUILTIN_INFO_TYPES, containsSequence, nameWords, type InfoType } from './info-types.js';

/**
 * What the classifier knows about a column before it sees a value.
 *
 * @example
 * classifier.profile({ name: 'email', dataType: 'text' } satisfies ColumnDescription);
 */
export interface ColumnDescription {
  name: string;
  /** The source's type name, e.g. `character varying(120)`. */
  dataType: string;
}

/**
 * One information type found in a column, and how sure the classifier is.
 *
 * @example
 * const match: InfoTypeMatch = { id: 'email', confidence: 1, evidence: 'name+values', matched: 100 };
 */
export interface InfoTypeMatch {
  id: string;
  /** 0-1: about 0.5 from the name alone, up to 1 when name and values agree. */
  confidence: number;
  evidence: 'name' | 'values' | 'name+values';
  /** Values that matched, out of `examined`. */
  matched: number;
}

/**
 * What the classifier concluded about one column.
 *
 * @example
 * const { infoTypes, sensitivity } = profile.result();
 */
export interface ColumnClassification {
  infoTypes: InfoTypeMatch[];
  /** The highest sensitivity of a type found with confidence ≥ 0.5; null when none. */
  sensitivity: Sensitivity | null;
  /** Non-empty values looked at (masked values are not). */
  examined: number;
  /** Values that arrived masked: their column was known sensitive before. */
  masked: number;
}

/**
 * Collects one column's values, then says what it holds.
 *
 * @example
 * const profile = classifier.profile(column); values.forEach((value) => profile.observe(value)); profile.result();
 */
export interface ColumnProfile {
  observe(value: string | number | boolean | null): void;
  result(): ColumnClassification;
}

/**
 * The interface the scan engine classifies through; the next issue brings richer engines.
 *
 * @example
 * const classifier: ColumnClassifier = createRuleClassifier();
 */
export interface ColumnClassifier {
  profile(column: ColumnDescription): ColumnProfile;
}

/**
 * Tuning of `createRuleClassifier`.
 *
 * @example
 * createRuleClassifier({ minMatchRatio: 0.9, minValues: 10 });
 */
export interface RuleClassifierOptions {
  infoTypes?: readonly InfoType[];
  /** Share of examined values that must match for value evidence (default 0.8). */
  minMatchRatio?: number;
  /** Fewer examined values than this give no value evidence either way (default 3). */
  minValues?: number;
  /** Values equal to this were masked before storing and say nothing (default `********`). */
  mask?: string;
}

/**
 * What masked sample values are replaced with.
 *
 * @example
 * row.email = MASKED_VALUE; // '********'
 */
export const MASKED_VALUE = '********';

/**
 * A classifier from column-name and value-pattern rules. A column's values are matched
 * against the information types in order; a type counts as found when at least
 * `minMatchRatio` of the examined values have its layout (and check digits), or when the
 * column's name says so and the values do not contradict it (fewer than a fifth match).
 * Pure and deterministic; a profile holds counters only, never the values.
 *
 * @example
 * const classifier = createRuleClassifier();
 * const profile = classifier.profile({ name: 'contact', dataType: 'text' });
 * for (const value of ['ada@example.com', 'bob@example.org', 'eve@example.net']) profile.observe(value);
 * profile.result().infoTypes[0]?.id; // 'email'
 */
export function createRuleClassifier(options: RuleClassifierOptions = {}): ColumnClassifier {
  const infoTypes = options.infoTypes ?? BUILTIN_INFO_TYPES;
  const minMatchRatio = options.minMatchRatio ?? 0.8;
  const minValues = options.minValues ?? 3;
  const mask = options.mask ?? MASKED_VALUE;

  return {
    profile(column) {
      const words = nameWords(column.name);
      const possible = infoTypes.filter((type) => !type.impossibleTypes?.test(column.dataType));
      const named = new Set(
        possible.filter((type) => containsSequence(words, type.nameWords)).map((type) => type.id),
      );
      const counts = new Map<string, number>();
      let examined = 0;
      let masked = 0;

      return {
        observe(value) {
          if (value === null || typeof value === 'boolean') return;
          const text = typeof value === 'number' ? String(value) : trimmed(value);
          if (text === '') return;
          if (text === mask) {
            masked += 1;
            return;
          }
          examined += 1;
          const first = possible.find((type) => type.matches(text));
          if (first) counts.set(first.id, (counts.get(first.id) ?? 0) + 1);
        },
        result() {
          const found: InfoTypeMatch[] = [];
          for (const type of possible) {
            const matched = counts.get(type.id) ?? 0;
            const enough = examined >= minValues;
            const ratio = examined > 0 ? matched / examined : 0;
            const byValues = enough && ratio >= minMatchRatio;
            const byName = named.has(type.id) && !(enough && ratio < 0.2);
            if (!byValues && !byName) continue;
            const evidence = byValues && byName ? 'name+values' : byValues ? 'values' : 'name';
            const confidence =
              evidence === 'name+values'
                ? Math.min(1, 0.2 + 0.8 * ratio)
                : evidence === 'values'
                  ? 0.9 * ratio
                  : 0.5;
            found.push({ id: type.id, confidence: round(confidence), evidence, matched });
          }
          found.sort((a, b) => b.confidence - a.confidence);
          return {
            infoTypes: found,
            sensitivity: sensitivityOf(found, infoTypes),
            examined,
            masked,
          };
        },
      };
    },
  };
}

/**
 * Classifies one column from a list of values at once.
 *
 * @example
 * classifyColumn(createRuleClassifier(), { name: 'iban', dataType: 'text' }, ['DE89370400440532013000']);
 */
export function classifyColumn(
  classifier: ColumnClassifier,
  column: ColumnDescription,
  values: Iterable<string | number | boolean | null>,
): ColumnClassification {
  const profile = classifier.profile(column);
  for (const value of values) profile.observe(value);
  return profile.result();
}

/**
 * The more sensitive of two levels; `null` counts as no level.
 *
 * @example
 * maxSensitivity('internal', 'restricted'); // 'restricted'
 */
export function maxSensitivity(
  a: Sensitivity | null | undefined,
  b: Sensitivity | null | undefined,
): Sensitivity | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return SENSITIVITY_LEVELS.indexOf(a) >= SENSITIVITY_LEVELS.indexOf(b) ? a : b;
}

function sensitivityOf(found: InfoTypeMatch[], infoTypes: readonly InfoType[]): Sensitivity | null {
  let level: Sensitivity | null = null;
  for (const match of found) {
    if (match.confidence < 0.5) continue;
    level = maxSensitivity(level, infoTypes.find((type) => type.id === match.id)?.sensitivity);
  }
  return level;
}

const round = (value: number) => Math.round(value * 100) / 100;

/** `trim()` without the copy when there is nothing to trim (most values). */
function trimmed(value: string): string {
  const last = value.length - 1;
  if (last < 0) return value;
  const first = value.charCodeAt(0);
  const end = value.charCodeAt(last);
  return first <= 32 || end <= 32 || first === 160 || end === 160 ? value.trim() : value;
}
