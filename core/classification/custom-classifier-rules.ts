import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';
import {
  INFO_TYPE_CATEGORIES,
  type InfoTypeCategory,
  type InfoTypeDefinition,
} from './info-type.js';
import type { Sensitivity } from '../permissions/vocabulary.js';

/**
 * A steward's classifier as stored: what it finds (a built-in information type, or a new one
 * of its own) and how: regular expressions on column names and on values, and a dictionary
 * of words. Patterns use RE2 syntax (no backreferences, no lookarounds).
 *
 * @example
 * const definition: ClassifierDefinition = {
 *   id: '0b6f…', name: 'Employee numbers', infoType: 'EMPLOYEE_NUMBER', sensitivity: 'confidential',
 *   namePatterns: ['emp(loyee)?_?(no|num|number)'], valuePatterns: ['E-\\d{6}'], dictionary: [],
 *   minMatchRatio: 0.8, enabled: true,
 * };
 */
export interface ClassifierDefinition {
  id: string;
  name: string;
  description?: string | null;
  /** A built-in type's id, or a new id (`/^[A-Z][A-Z0-9_]{2,63}$/`) of the classifier's own. */
  infoType: string;
  /** Label, category and sensitivity describe a new type; a built-in keeps its own. */
  label?: string | null;
  category?: InfoTypeCategory | null;
  /** Required for a new type. */
  sensitivity?: Sensitivity | null;
  /** Searched for anywhere in a column name, ignoring case. */
  namePatterns: readonly string[];
  /** Must match a whole (trimmed) value. */
  valuePatterns: readonly string[];
  /** Whole values, compared trimmed and ignoring case. */
  dictionary: readonly string[];
  /** Share of examined values that must match (0-1); `DEFAULT_MIN_MATCH_RATIO` when absent. */
  minMatchRatio?: number;
  /** Confidence of a proposal (0-1); `DEFAULT_CONFIDENCE` when absent. */
  confidence?: number;
  enabled: boolean;
}

/**
 * Finds a built-in information type by id, e.g. the catalogue's `infoTypeById`.
 *
 * @example
 * const lookup: InfoTypeLookup = (id) => BUILTIN_INFO_TYPES.find((type) => type.id === id);
 */
export type InfoTypeLookup = (id: string) => InfoTypeDefinition | undefined;

/**
 * Size limits of a classifier, checked when it is saved. Values longer than `valueLength`
 * are tested on their first `valueLength` characters only, which keeps a scan's cost bounded
 * by the sample size whatever the data holds.
 *
 * @example
 * if (patterns.length > CLASSIFIER_LIMITS.patternsPerList) reject();
 */
export const CLASSIFIER_LIMITS = {
  patternsPerList: 20,
  patternLength: 500,
  dictionaryEntries: 10_000,
  dictionaryEntryLength: 200,
  valueLength: 1_000,
} as const;

/** @example DEFAULT_MIN_MATCH_RATIO; // 0.6 */
export const DEFAULT_MIN_MATCH_RATIO = 0.6;
/** @example DEFAULT_CONFIDENCE; // 0.9 */
export const DEFAULT_CONFIDENCE = 0.9;

/**
 * The form of a new information type's id: upper snake case, 3 to 64 characters.
 *
 * @example
 * NEW_INFO_TYPE_ID.test('EMPLOYEE_NUMBER'); // true
 */
export const NEW_INFO_TYPE_ID = /^[A-Z][A-Z0-9_]{2,63}$/;

/** Errors past this many per list are summed up, so a huge bad list gives a short answer. */
const ERRORS_PER_LIST = 10;

/** Control characters and line breaks of a pattern, written as escapes to keep one line. */
function oneLine(text: string): string {
  const escaped = text.replace(
    /\p{Cc}/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > 60 ? `${escaped.slice(0, 57)}...` : escaped;
}

/** Says in one line why RE2 refused a pattern, naming Perl features it leaves out. */
function explain(error: unknown): string {
  if (!(error instanceof RE2JSSyntaxException)) {
    return error instanceof RE2JSException ? oneLine(error.message) : 'cannot be compiled';
  }
  const fragment = error.getPattern() ?? '';
  if (/^\\([1-9]|k<)/.test(fragment)) {
    return `backreferences (${oneLine(fragment)}) are not supported: patterns run on a linear-time engine`;
  }
  if (/^\(\?<?[=!]/.test(fragment)) {
    return 'lookarounds ((?=, (?!, (?<=, (?<!) are not supported: patterns run on a linear-time engine';
  }
  return fragment ? `${error.getDescription()}: \`${oneLine(fragment)}\`` : error.getDescription();
}

/**
 * Compiles one pattern on the linear-time engine; an error message when RE2 refuses it.
 *
 * @example
 * const compiled = compilePattern('\\d{3}', 0); // RE2JS, or a string such as 'missing closing )…'
 */
export function compilePattern(pattern: string, flags: number): RE2JS | string {
  try {
    return RE2JS.compile(pattern, flags);
  } catch (error) {
    return explain(error);
  }
}

function capped(errors: string[], list: string): string[] {
  if (errors.length <= ERRORS_PER_LIST) return errors;
  const more = errors.length - ERRORS_PER_LIST;
  return [...errors.slice(0, ERRORS_PER_LIST), `${list}: ${more} more errors`];
}

function patternErrors(list: 'namePatterns' | 'valuePatterns', patterns: readonly string[]) {
  const { patternsPerList, patternLength } = CLASSIFIER_LIMITS;
  if (patterns.length > patternsPerList) {
    return [`${list}: at most ${patternsPerList} patterns (got ${patterns.length})`];
  }
  const errors = patterns.flatMap((pattern, index) => {
    const at = `${list}[${index}]`;
    if (pattern.length === 0) return [`${at}: must not be empty`];
    if (pattern.length > patternLength) {
      return [`${at}: longer than ${patternLength} characters (${pattern.length})`];
    }
    const compiled = compilePattern(pattern, 0);
    return typeof compiled === 'string' ? [`${at}: ${compiled}`] : [];
  });
  return capped(errors, list);
}

function dictionaryErrors(dictionary: readonly string[]): string[] {
  const { dictionaryEntries, dictionaryEntryLength } = CLASSIFIER_LIMITS;
  if (dictionary.length > dictionaryEntries) {
    return [`dictionary: at most ${dictionaryEntries} entries (got ${dictionary.length})`];
  }
  const errors = dictionary.flatMap((entry, index) => {
    const trimmed = entry.trim();
    if (trimmed.length === 0) return [`dictionary[${index}]: must not be blank`];
    if (trimmed.length > dictionaryEntryLength) {
      return [`dictionary[${index}]: longer than ${dictionaryEntryLength} characters`];
    }
    return [];
  });
  return capped(errors, 'dictionary');
}

/**
 * Checks a classifier's patterns and dictionary against RE2 and the size limits; one message
 * per problem, each naming the entry (`valuePatterns[2]: missing closing ): \`(a\``), none
 * when all is well.
 *
 * @example
 * validateClassifierPatterns({ namePatterns: [], valuePatterns: ['(a'], dictionary: [] });
 * // ['valuePatterns[0]: missing closing ): `(a`']
 */
export function validateClassifierPatterns(
  definition: Pick<ClassifierDefinition, 'namePatterns' | 'valuePatterns' | 'dictionary'>,
): string[] {
  return [
    ...patternErrors('namePatterns', definition.namePatterns),
    ...patternErrors('valuePatterns', definition.valuePatterns),
    ...dictionaryErrors(definition.dictionary),
  ];
}

function infoTypeErrors(definition: ClassifierDefinition, builtin: InfoTypeLookup): string[] {
  if (builtin(definition.infoType)) {
    return (['label', 'category', 'sensitivity'] as const)
      .filter((field) => definition[field] != null)
      .map(
        (field) =>
          `${field}: only a new info type has its own ${field}; ${definition.infoType} is built in`,
      );
  }
  if (!NEW_INFO_TYPE_ID.test(definition.infoType)) {
    return [
      `infoType: "${oneLine(definition.infoType)}" is not a built-in info type, nor a new id ` +
        'of 3 to 64 upper-case letters, digits and underscores starting with a letter',
    ];
  }
  const errors =
    definition.sensitivity == null ? ['sensitivity: required for a new info type'] : [];
  const category = definition.category;
  if (category != null && !(INFO_TYPE_CATEGORIES as readonly string[]).includes(category)) {
    errors.push(`category: one of ${INFO_TYPE_CATEGORIES.join(', ')}`);
  }
  return errors;
}

function ratioErrors(definition: ClassifierDefinition): string[] {
  return (['minMatchRatio', 'confidence'] as const)
    .filter((field) => {
      const value = definition[field];
      return value !== undefined && !(value >= 0 && value <= 1);
    })
    .map((field) => `${field}: must be between 0 and 1`);
}

/**
 * Every problem of a classifier definition: its patterns and sizes, its information type
 * (a built-in one, or a well-formed new id with a sensitivity) and its ratios.
 *
 * @example
 * const errors = validateClassifier(definition, infoTypeById);
 * if (errors.length > 0) return unprocessable(errors);
 */
export function validateClassifier(
  definition: ClassifierDefinition,
  builtin: InfoTypeLookup,
): string[] {
  const { namePatterns, valuePatterns, dictionary } = definition;
  const empty = namePatterns.length + valuePatterns.length + dictionary.length === 0;
  return [
    ...(empty ? ['a classifier needs a name pattern, a value pattern or a dictionary entry'] : []),
    ...infoTypeErrors(definition, builtin),
    ...ratioErrors(definition),
    ...validateClassifierPatterns(definition),
  ];
}
