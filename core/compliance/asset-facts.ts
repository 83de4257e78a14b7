import type { Sensitivity } from '../permissions/vocabulary.js';

/**
 * What rules know about a data source: what its owners said about it.
 *
 * @example
 * const source: SourceFacts = { id, name: 'clinic', scanner: 'postgres', tags: ['hipaa'], region: 'us-east-1' };
 */
export interface SourceFacts {
  id: string;
  name: string;
  scanner: string;
  tags: readonly string[];
  region: string | null;
}

/**
 * What rules know about a column: its catalog entry and the classification it holds.
 *
 * @example
 * const column: ColumnFacts = { id, name: 'pan', dataType: 'text', infoType: 'CREDIT_CARD', … };
 */
export interface ColumnFacts {
  id: string;
  name: string;
  dataType: string | null;
  description: string | null;
  tags: readonly string[];
  /** The accepted (or approved) information type, null when none. */
  infoType: string | null;
  category: string | null;
  /** The information type's sensitivity; null when the column holds nothing sensitive. */
  sensitivity: Sensitivity | null;
  classificationStatus: 'suggested' | 'approved' | null;
  confidence: number | null;
  /** Share of the examined sample values that pass the type's value check; null without one. */
  validRatio: number | null;
  /** Sample values examined by that check. */
  examined: number;
  primaryKey: boolean;
}

/**
 * What rules know about a dataset (table, view, file set) and its columns.
 *
 * @example
 * const dataset: DatasetFacts = { id, fqn: 'shop.sales.payments', kind: 'table', columns: [...], … };
 */
export interface DatasetFacts {
  id: string;
  fqn: string;
  name: string;
  kind: string;
  description: string | null;
  /** User ids of the accountable people (curated). */
  owners: readonly string[];
  tags: readonly string[];
  /** The catalog's sensitivity of the dataset (its most sensitive column, or a steward's). */
  sensitivity: Sensitivity;
  rowEstimate: number | null;
  /** Whether everyone (PostgreSQL's PUBLIC, anonymous S3 readers) may read it; null: unknown. */
  publicRead: boolean | null;
  /** Roles granted read access explicitly. */
  readers: readonly string[];
  columns: readonly ColumnFacts[];
}

/**
 * Categories of information types that are personal data: about an identifiable person.
 * Credentials, organisations and technical ids are not, on their own.
 *
 * @example
 * PERSONAL_CATEGORIES.has('contact'); // true
 */
export const PERSONAL_CATEGORIES: ReadonlySet<string> = new Set([
  'pii',
  'contact',
  'demographic',
  'financial',
  'health',
  'government-id',
  'location',
  'network',
  'device',
]);

/**
 * Information types of GDPR Art. 9 and 10: special categories, and criminal records.
 *
 * @example
 * SPECIAL_CATEGORY_TYPES.has('ETHNIC_GROUP'); // true
 */
export const SPECIAL_CATEGORY_TYPES: ReadonlySet<string> = new Set([
  'ETHNIC_GROUP',
  'RELIGIOUS_GROUP',
  'SEXUAL_ORIENTATION',
  'POLITICAL_OPINION',
  'TRADE_UNION_MEMBERSHIP',
  'CRIMINAL_RECORD',
  'BIOMETRIC_DATA',
  'GENETIC_DATA',
  'ICD10_CODE',
  'ICD9_CODE',
  'MEDICAL_TERM',
  'BLOOD_TYPE',
  'DISABILITY',
  'HEALTH_INSURANCE_NUMBER',
  'UK_NHS',
  'MEDICAL_RECORD_NUMBER',
]);

/**
 * Whether a column holds personal data: a sensitive type of a personal category.
 *
 * @example
 * isPersonal({ category: 'contact', sensitivity: 'confidential' }); // true
 */
export function isPersonal(column: Pick<ColumnFacts, 'category' | 'sensitivity'>): boolean {
  return (
    column.sensitivity !== null &&
    column.sensitivity !== 'public' &&
    column.category !== null &&
    PERSONAL_CATEGORIES.has(column.category)
  );
}

/**
 * The value of a namespaced tag (`retention:P3Y` → `P3Y`), the first one if several.
 *
 * @example
 * tagValue(['legal-basis:contract'], 'legal-basis'); // 'contract'
 */
export function tagValue(tags: readonly string[], namespace: string): string | null {
  const prefix = `${namespace}:`;
  const found = tags.find((tag) => tag.startsWith(prefix));
  return found === undefined ? null : found.slice(prefix.length);
}

const DURATION = /^P(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?$/;

/**
 * Days of an ISO 8601 duration of years, months, weeks and days (`P3Y`, `P18M`, `P30D`);
 * null when the text is not one. Months count 30 days and years 365: retention periods are
 * compared, not scheduled.
 *
 * @example
 * durationDays('P1Y6M'); // 545
 */
export function durationDays(text: string | null): number | null {
  if (text === null || text === 'P') return null;
  const match = DURATION.exec(text);
  if (!match) return null;
  const [, years, months, weeks, days] = match.map((part) => Number(part ?? 0));
  return years! * 365 + months! * 30 + weeks! * 7 + days!;
}
