import { RE2JS } from 're2js';
import {
  CLASSIFIER_LIMITS,
  DEFAULT_CONFIDENCE,
  DEFAULT_MIN_MATCH_RATIO,
  compilePattern,
  validateClassifier,
  type ClassifierDefinition,
  type InfoTypeLookup,
} from './custom-classifier-rules.js';
import type { CustomDetector, DataFamily, InfoTypeDefinition, ValueCheck } from './info-type.js';

export {
  CLASSIFIER_LIMITS,
  DEFAULT_CONFIDENCE,
  DEFAULT_MIN_MATCH_RATIO,
  NEW_INFO_TYPE_ID,
  validateClassifier,
  validateClassifierPatterns,
  type ClassifierDefinition,
  type InfoTypeLookup,
} from './custom-classifier-rules.js';

/** A steward's own type may live in a column of any family; their patterns decide. */
const EVERY_FAMILY: readonly DataFamily[] = [
  'text',
  'integer',
  'decimal',
  'float',
  'boolean',
  'date',
  'datetime',
  'time',
  'uuid',
  'json',
  'binary',
  'network',
  'other',
];

/**
 * A stored classifier that no longer passes validation, e.g. after the pattern engine was
 * upgraded. `problems` lists what is wrong, as `validateClassifier` says it.
 *
 * @example
 * try { compileClassifier(stored, infoTypeById); }
 * catch (error) { if (error instanceof InvalidClassifierError) log.warn(error.problems); }
 */
export class InvalidClassifierError extends Error {
  override name = 'InvalidClassifierError';
  constructor(
    readonly classifierId: string,
    readonly problems: readonly string[],
  ) {
    super(`classifier ${classifierId} is not valid: ${problems.join('; ')}`);
  }
}

function compileAll(patterns: readonly string[], flags: number): RE2JS[] {
  return patterns.map((pattern) => compilePattern(pattern, flags) as RE2JS);
}

function describeValues(definition: ClassifierDefinition): string {
  const parts = [
    ...(definition.valuePatterns.length > 0
      ? [`${definition.valuePatterns.length} value pattern(s)`]
      : []),
    ...(definition.dictionary.length > 0
      ? [`a dictionary of ${definition.dictionary.length} word(s)`]
      : []),
  ];
  return `${parts.join(' and ')} of classifier "${definition.name}"`;
}

/**
 * The value check of a classifier: a trimmed value is in the dictionary (ignoring case), or a
 * value pattern matches all of it. Values longer than `CLASSIFIER_LIMITS.valueLength` are
 * tested on their first `valueLength` characters only.
 */
function valueCheckOf(definition: ClassifierDefinition): ValueCheck | undefined {
  const { valuePatterns, dictionary } = definition;
  if (valuePatterns.length === 0 && dictionary.length === 0) return undefined;
  const patterns = compileAll(valuePatterns, 0);
  const words = new Set(dictionary.map((word) => word.trim().toLowerCase()));
  return {
    method: patterns.length > 0 ? 'pattern' : 'dictionary',
    describe: describeValues(definition),
    test(value) {
      const trimmed = value.trim();
      if (words.has(trimmed.toLowerCase())) return true;
      const head = trimmed.slice(0, CLASSIFIER_LIMITS.valueLength);
      return patterns.some((pattern) => pattern.matcher(head).matches());
    },
  };
}

function ownInfoType(
  definition: ClassifierDefinition,
  values: ValueCheck | undefined,
  minMatchRatio: number,
): InfoTypeDefinition {
  return {
    id: definition.infoType,
    label: definition.label ?? definition.name,
    // Unnamed categories count as personal data, so privacy rules still apply to them.
    category: definition.category ?? 'pii',
    sensitivity: definition.sensitivity!,
    description: definition.description ?? `Found by the classifier "${definition.name}".`,
    families: EVERY_FAMILY,
    names: [],
    values,
    minMatchRatio,
  };
}

/**
 * Compiles a stored classifier into the detector the classification engine runs. Name
 * patterns are searched for in a column name ignoring case; value patterns must match a whole
 * trimmed value (only its first `CLASSIFIER_LIMITS.valueLength` characters are tested); the
 * dictionary compares trimmed values ignoring case. Everything runs on RE2 (`re2js`), in time
 * linear in the input, whatever the pattern.
 *
 * @throws InvalidClassifierError when `validateClassifier` finds a problem.
 * @example
 * const detector = compileClassifier(stored, infoTypeById);
 * detector.nameTest?.('EMP_NO'); // true for namePatterns ['emp_?no']
 * detector.valueTest?.('E-123456'); // true for valuePatterns ['E-\\d{6}']
 */
export function compileClassifier(
  definition: ClassifierDefinition,
  builtin: InfoTypeLookup,
): CustomDetector {
  const problems = validateClassifier(definition, builtin);
  if (problems.length > 0) throw new InvalidClassifierError(definition.id, problems);
  const minMatchRatio = definition.minMatchRatio ?? DEFAULT_MIN_MATCH_RATIO;
  const values = valueCheckOf(definition);
  const names = compileAll(definition.namePatterns, RE2JS.CASE_INSENSITIVE);
  return {
    classifierId: definition.id,
    classifier: definition.name,
    infoType: builtin(definition.infoType) ?? ownInfoType(definition, values, minMatchRatio),
    ...(names.length > 0 && {
      nameTest: (columnName: string) => names.some((name) => name.matcher(columnName).find()),
    }),
    ...(values && { valueTest: values.test }),
    minMatchRatio,
    confidence: definition.confidence ?? DEFAULT_CONFIDENCE,
  };
}
