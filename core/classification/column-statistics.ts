import type { ColumnStatistics } from './info-type.js';

/**
 * What masked sample values are replaced with.
 *
 * @example
 * row.email = MASKED_VALUE; // '********'
 */
export const MASKED_VALUE = '********';

// Placeholders people store instead of leaving a cell empty: they say nothing about the
// column, so they count as nulls and a sparse column is judged on its real values.
const PLACEHOLDERS = new Set([
  'null',
  'none',
  'nil',
  'nan',
  'n/a',
  'na',
  '#n/a',
  '-',
  '--',
  '?',
  'unknown',
  'undefined',
  '(null)',
  '[null]',
]);

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)$/;
const UNICODE_SPACES = /[\u00a0\u2000-\u200b\u202f\u205f\u3000]/g;

/** No-break and other Unicode spaces as plain spaces: spreadsheets are full of them. */
function normalizeSpaces(value: string): string {
  return /^[\x00-\x7f]*$/.test(value) ? value : value.replace(UNICODE_SPACES, ' ');
}

/**
 * A column's values reduced to what the engine reads: each distinct trimmed value with how
 * often it occurred, and the statistics. Checks run once per distinct value, so a column
 * of a million `F`/`M` costs two checks.
 *
 * @example
 * const { distinct, statistics } = summarizeValues(['ada@example.com', null, 'n/a']);
 * statistics.examined; // 1
 */
export function summarizeValues(values: Iterable<string | number | boolean | null>): {
  distinct: Map<string, number>;
  statistics: ColumnStatistics;
} {
  const distinct = new Map<string, number>();
  let observed = 0;
  let nulls = 0;
  let masked = 0;
  for (const value of values) {
    observed += 1;
    if (value === null || value === undefined) {
      nulls += 1;
      continue;
    }
    const text = typeof value === 'string' ? normalizeSpaces(value).trim() : String(value);
    if (text === '' || (text.length <= 9 && PLACEHOLDERS.has(text.toLowerCase()))) {
      nulls += 1;
      continue;
    }
    if (text === MASKED_VALUE) {
      masked += 1;
      continue;
    }
    distinct.set(text, (distinct.get(text) ?? 0) + 1);
  }
  let examined = 0;
  let lengths = 0;
  let minLength = Infinity;
  let maxLength = 0;
  let numeric = 0;
  let integers = 0;
  let minNumber = Infinity;
  let maxNumber = -Infinity;
  for (const [text, count] of distinct) {
    examined += count;
    lengths += text.length * count;
    minLength = Math.min(minLength, text.length);
    maxLength = Math.max(maxLength, text.length);
    if (text.length <= 24 && NUMBER.test(text)) {
      const number = Number(text);
      numeric += count;
      // `32.0` is a whole number too: spreadsheets and pandas write integers that way.
      if (Number.isInteger(number)) integers += count;
      minNumber = Math.min(minNumber, number);
      maxNumber = Math.max(maxNumber, number);
    }
  }
  return {
    distinct,
    statistics: {
      observed,
      nulls,
      masked,
      examined,
      distinct: distinct.size,
      distinctRatio: examined > 0 ? round(distinct.size / examined) : 0,
      minLength: examined > 0 ? minLength : 0,
      maxLength,
      meanLength: examined > 0 ? round(lengths / examined) : 0,
      numeric,
      integers,
      minNumber: numeric > 0 ? minNumber : null,
      maxNumber: numeric > 0 ? maxNumber : null,
    },
  };
}

/**
 * Rounds to three decimals, so figures stored and compared are stable.
 *
 * @example
 * round(2 / 3); // 0.667
 */
export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
