/**
 * Column types inferred from text (CSV cells, partition values) or from parsed JSON values.
 * `json` is a nested object or array; everything that fits no narrower type is `string`.
 */
export type InferredType =
  'integer' | 'decimal' | 'boolean' | 'date' | 'timestamp' | 'string' | 'json';

/** What one column looked like in a sample; grows one value at a time, never holds values. */
export interface ColumnTally {
  /** The narrowest type every non-null value fits; `undefined` while only nulls were seen. */
  type: InferredType | undefined;
  nulls: number;
  values: number;
}

/** The inferred type and nullability of a column. */
export interface InferredColumnType {
  dataType: InferredType;
  nullable: boolean;
}

// Leading zeros make a code, not a number: postal codes and account numbers must keep them.
// 18 digits always fit a signed 64-bit integer; longer ones are read as decimals.
const INTEGER = /^[+-]?(?:0|[1-9]\d{0,17})$/;
const DECIMAL = /^[+-]?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const BOOLEAN = /^(?:true|false)$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** The value Hive writes as a directory name for a null partition value. */
export const HIVE_NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/**
 * The narrowest type a non-empty text fits. Dates must be real calendar days and times real
 * times, so `2024-02-30` and `12:61` stay strings.
 *
 * @example
 * typeOfText('42'); // 'integer'
 * typeOfText('007'); // 'string' (a code keeps its leading zeros)
 * typeOfText('2024-01-31T08:00:00Z'); // 'timestamp'
 */
export function typeOfText(text: string): InferredType {
  if (INTEGER.test(text)) return 'integer';
  if (DECIMAL.test(text)) return 'decimal';
  if (BOOLEAN.test(text)) return 'boolean';
  const date = DATE.exec(text);
  if (date) return isDay(date[1], date[2], date[3]) ? 'date' : 'string';
  const stamp = TIMESTAMP.exec(text);
  if (stamp && isDay(stamp[1], stamp[2], stamp[3]) && isTime(stamp[4], stamp[5], stamp[6])) {
    return 'timestamp';
  }
  return 'string';
}

/**
 * The type of a partition directory's value. Unlike a cell, a zero-padded number is a number
 * here (`month=01`): partition directories are padded so that they sort, as Spark and Hive
 * read them.
 *
 * @example
 * typeOfPartitionValue('01'); // 'integer'
 * typeOfPartitionValue('2024-01-31'); // 'date'
 */
export function typeOfPartitionValue(text: string): InferredType {
  return /^\d{1,18}$/.test(text) ? 'integer' : typeOfText(text);
}

/**
 * The type of a value parsed from JSON: strings that hold a date or timestamp count as one
 * (JSON has no date type), other strings stay strings even when they look numeric.
 *
 * @example
 * typeOfJson(3); // 'integer'
 * typeOfJson('2024-01-01'); // 'date'
 * typeOfJson({ a: 1 }); // 'json'
 */
export function typeOfJson(value: unknown): InferredType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'decimal';
  if (typeof value === 'string') {
    const type = typeOfText(value);
    return type === 'date' || type === 'timestamp' ? type : 'string';
  }
  return 'json';
}

/**
 * The narrowest type both fit: integers widen to decimals, dates to timestamps, anything mixed
 * with nested JSON to `json`, any other mix to `string`.
 *
 * @example
 * widen('integer', 'decimal'); // 'decimal'
 * widen('integer', 'boolean'); // 'string'
 */
export function widen(
  a: InferredType | undefined,
  b: InferredType | undefined,
): InferredType | undefined {
  if (a === undefined || a === b) return b ?? a;
  if (b === undefined) return a;
  const pair = new Set([a, b]);
  if (pair.has('integer') && pair.has('decimal')) return 'decimal';
  if (pair.has('date') && pair.has('timestamp')) return 'timestamp';
  if (pair.has('json')) return 'json';
  return 'string';
}

/**
 * An empty tally to feed with `observeText` or `observeJson`.
 *
 * @example
 * const tally = newTally();
 * observeText(tally, '1');
 * observeText(tally, '');
 * finishTally(tally); // { dataType: 'integer', nullable: true }
 */
export function newTally(): ColumnTally {
  return { type: undefined, nulls: 0, values: 0 };
}

/**
 * Counts one text cell: empty is null (a CSV cannot tell the two apart). Partition values pass
 * `typeOfPartitionValue` as `typeOf`.
 *
 * @example
 * observeText(tally, '2024-01-01'); // the tally's type becomes (or widens with) 'date'
 */
export function observeText(
  tally: ColumnTally,
  text: string | null | undefined,
  typeOf: (text: string) => InferredType = typeOfText,
): void {
  if (text === null || text === undefined || text === '') {
    tally.nulls++;
    return;
  }
  tally.values++;
  tally.type = widen(tally.type, typeOf(text));
}

/**
 * Counts one parsed JSON value; `null` counts as a null (a missing key is the caller's to count).
 *
 * @example
 * observeJson(tally, { nested: true }); // the tally's type becomes 'json'
 */
export function observeJson(tally: ColumnTally, value: unknown): void {
  const type = typeOfJson(value);
  if (type === undefined) {
    tally.nulls++;
    return;
  }
  tally.values++;
  tally.type = widen(tally.type, type);
}

/**
 * The column's type; a column that only held nulls is a nullable string.
 *
 * @example
 * finishTally(newTally()); // { dataType: 'string', nullable: true }
 */
export function finishTally(tally: ColumnTally): InferredColumnType {
  return {
    dataType: tally.type ?? 'string',
    nullable: tally.nulls > 0 || tally.type === undefined,
  };
}

function isDay(year = '', month = '', day = ''): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function isTime(hours = '', minutes = '', seconds = '0'): boolean {
  return Number(hours) <= 23 && Number(minutes) <= 59 && Number(seconds) <= 60;
}
