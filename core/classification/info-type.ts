import type { Sensitivity } from '../permissions/vocabulary.js';

/**
 * What kinds of data an information type can be. Compliance packs select types by category
 * (GDPR: `pii`, `health`, `demographic`…; PCI DSS: `financial`).
 *
 * @example
 * INFO_TYPE_CATEGORIES.includes('financial'); // true
 */
export const INFO_TYPE_CATEGORIES = [
  'pii',
  'contact',
  'demographic',
  'financial',
  'health',
  'credential',
  'government-id',
  'location',
  'network',
  'device',
  'organization',
  'technical',
] as const;

/** @example const category: InfoTypeCategory = 'government-id'; */
export type InfoTypeCategory = (typeof INFO_TYPE_CATEGORIES)[number];

/**
 * The families a source's column type falls in; an information type lists the families that
 * can hold it, so a boolean or a date column is never a card number whatever its name.
 *
 * @example
 * dataFamily('character varying(40)'); // 'text'
 */
export type DataFamily =
  | 'text'
  | 'integer'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'time'
  | 'uuid'
  | 'json'
  | 'binary'
  | 'network'
  | 'other';

/**
 * How one value is checked, strongest first: a check digit or a full parse (`checksum`,
 * `parser`), a layout (`pattern`), a list of known words (`dictionary`), or a range of
 * numbers (`range`). Weaker methods need more matching values before they count.
 *
 * @example
 * const method: ValueMethod = 'checksum';
 */
export type ValueMethod = 'checksum' | 'parser' | 'pattern' | 'dictionary' | 'range';

/**
 * The value check of an information type.
 *
 * @example
 * const check: ValueCheck = { method: 'checksum', describe: 'Luhn check digit', test: isCardNumber };
 */
export interface ValueCheck {
  method: ValueMethod;
  /** Says what is checked, for the evidence a steward reads: `Luhn check digit`. */
  describe: string;
  /** Whether one trimmed, non-empty value has the type. Linear in the value's length. */
  test(value: string): boolean;
}

/**
 * Figures about one column's sampled values, computed once and shared by every type's
 * guards. Nulls and masked values are counted apart and are not in `examined`.
 *
 * @example
 * if (stats.distinct <= 3 && stats.examined >= 20) return 'three distinct values';
 */
export interface ColumnStatistics {
  /** Values observed, nulls included. */
  observed: number;
  nulls: number;
  /** Values that arrived masked (`********`): their column was known sensitive before. */
  masked: number;
  /** Non-empty values looked at. */
  examined: number;
  /** Distinct examined values (exact; a sample is at most a few thousand values). */
  distinct: number;
  /** `distinct / examined`, 0 when nothing was examined. */
  distinctRatio: number;
  minLength: number;
  maxLength: number;
  meanLength: number;
  /** Examined values that are numbers (`12`, `-3.5`), and of those, integers. */
  numeric: number;
  integers: number;
  /** Smallest and largest numeric value, null when there was none. */
  minNumber: number | null;
  maxNumber: number | null;
}

/**
 * An information type: what it is, how sensitive, and how the engine recognises it.
 * Name phrases are lower-case words separated by single spaces (`date of birth`); a column
 * name matches a phrase when its words contain the phrase's words in a row, or one of its
 * words is the phrase written together (`dateofbirth`). Several languages go in one list.
 *
 * @example
 * const email: InfoTypeDefinition = {
 *   id: 'EMAIL_ADDRESS', label: 'E-mail address', category: 'contact', sensitivity: 'confidential',
 *   description: 'An address for electronic mail.', families: ['text'],
 *   names: ['email', 'e mail', 'courriel', 'correo'],
 *   values: { method: 'parser', describe: 'RFC 5322 address (validator)', test: isEmail },
 *   minMatchRatio: 0.6,
 * };
 */
export interface InfoTypeDefinition {
  /** Stable id: Presidio's entity name where there is one, else upper snake case. */
  id: string;
  label: string;
  category: InfoTypeCategory;
  sensitivity: Sensitivity;
  description: string;
  /** Families of column types that can hold the type. */
  families: readonly DataFamily[];
  /** Phrases whose presence in a column name is strong evidence. */
  names: readonly string[];
  /** Phrases that hint at the type but need values to agree (`name` for PERSON). */
  weakNames?: readonly string[];
  /**
   * A looser check (the layout without check digits) that counts only when the column name
   * says the type: a `card_number` column of test numbers that fail Luhn.
   */
  layout?: ValueCheck;
  /** Absent when only a name can tell (e.g. `PASSWORD` columns are hashed or masked). */
  values?: ValueCheck;
  /** Reasons the column's shape rules the type out (e.g. AGE: numbers above 130). */
  shape?(stats: ColumnStatistics): string | null;
  /**
   * Values alone cannot tell this type from a look-alike (a fax number is a phone number,
   * a ZIP code five digits): without the name's agreement it is never accepted.
   */
  valuesNeedName?: boolean;
  /**
   * Like `valuesNeedName`, but only for columns of plain numbers: `7316814884` may be a phone
   * number or a row id, `0.5135` a latitude or a weight; `+1 731 681 4884` is a phone number.
   */
  numbersNeedName?: boolean;
  /** Share of examined values that must match for value evidence on its own (0-1). */
  minMatchRatio: number;
  /** Ids of more general types this one refines (US_SSN refines NATIONAL_ID). */
  refines?: readonly string[];
}

/**
 * The family of a source's type name, from the names PostgreSQL, MySQL/MariaDB and the file
 * scanners use. Unknown names are `other`, which no guard rules out.
 *
 * @example
 * dataFamily('bigint'); // 'integer'
 * dataFamily('timestamp with time zone'); // 'datetime'
 * dataFamily('tinyint(1)'); // 'boolean'
 */
export function dataFamily(dataType: string): DataFamily {
  const type = dataType.trim().toLowerCase();
  if (/^(bool|boolean|bit(\(1\))?|tinyint\(1\))$/.test(type)) return 'boolean';
  if (
    /^(smallint|integer|int|bigint|tinyint|mediumint|int[248]|serial|bigserial|smallserial|u?int(8|16|32|64))\b/.test(
      type,
    )
  ) {
    return 'integer';
  }
  if (/^(numeric|decimal|money|dec)\b/.test(type)) return 'decimal';
  if (/^(real|double|float|float[48])\b/.test(type)) return 'float';
  if (/^(timestamp|datetime)\b/.test(type)) return 'datetime';
  if (/^date\b/.test(type)) return 'date';
  if (/^(time|interval|year)\b/.test(type)) return 'time';
  if (type === 'uuid') return 'uuid';
  if (/^(json|jsonb)\b/.test(type)) return 'json';
  if (/^(bytea|blob|longblob|mediumblob|tinyblob|binary|varbinary)\b/.test(type)) return 'binary';
  if (/^(inet|cidr|macaddr|macaddr8)\b/.test(type)) return 'network';
  if (
    /^(text|varchar|char|character|string|utf8|citext|nvarchar|nchar|tinytext|mediumtext|longtext|enum|set|name|bpchar)\b/.test(
      type,
    )
  ) {
    return 'text';
  }
  return 'other';
}

/**
 * A steward's own classifier, compiled from its stored definition: name and value tests that
 * run on a linear-time regex engine, for a built-in information type or one of its own.
 *
 * @example
 * const detector: CustomDetector = compileClassifier(storedDefinition);
 */
export interface CustomDetector {
  classifierId: string;
  /** The classifier's name, shown in evidence. */
  classifier: string;
  /** The type it finds: a built-in's definition, or the classifier's own. */
  infoType: InfoTypeDefinition;
  /** Whether a column name matches one of its name patterns; absent without any. */
  nameTest?(columnName: string): boolean;
  /** Whether one value matches a value pattern or the dictionary; absent without any. */
  valueTest?(value: string): boolean;
  /** Share of examined values that must match. */
  minMatchRatio: number;
  /** Confidence the engine gives when the type is proposed (0-1). */
  confidence?: number;
}
