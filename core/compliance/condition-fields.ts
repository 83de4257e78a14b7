import { INFO_TYPE_CATEGORIES } from '../classification/info-type.js';
import { SENSITIVITY_LEVELS } from '../permissions/vocabulary.js';
import {
  SPECIAL_CATEGORY_TYPES,
  durationDays,
  isPersonal,
  tagValue,
  type ColumnFacts,
  type DatasetFacts,
  type SourceFacts,
} from './asset-facts.js';

/**
 * The type of a field, which decides the operators and literals a condition may use on it.
 * `level` is ordered (sensitivity): `gt`/`lt` compare positions, not text.
 */
export type FieldType = 'string' | 'enum' | 'level' | 'number' | 'boolean' | 'list';

/** A value a field can have: scalars, lists of strings, or unknown (null). */
export type FieldValue = string | number | boolean | null | readonly string[];

/**
 * Where a condition is evaluated: the source, the dataset and, inside a column quantifier or
 * for a column rule, one column.
 */
export interface FactScope {
  source: SourceFacts;
  dataset: DatasetView;
  column?: ColumnView;
}

/** A column as conditions see it: its facts (what rules derive from them is computed on read). */
export type ColumnView = ColumnFacts;

/** A dataset with what rules derive from it, computed once per evaluation. */
export interface DatasetView extends DatasetFacts {
  infoTypes: readonly string[];
  categories: readonly string[];
  legalBasis: string | null;
  retentionDays: number | null;
  personalData: boolean;
  specialCategoryData: boolean;
  sensitiveColumns: number;
  hasPrimaryKey: boolean;
}

/**
 * One field conditions may name. The list is closed: a condition cannot reach anything a
 * field's getter does not return.
 */
export interface FieldSpec {
  type: FieldType;
  /** `column` fields need a column in scope (a column rule, or inside `anyColumn`/`allColumns`). */
  scope: 'source' | 'dataset' | 'column';
  description: string;
  /** The allowed values of an `enum` or `level` field. */
  values?: readonly string[];
  get(scope: FactScope): FieldValue;
}

/**
 * The legal bases of GDPR Art. 6(1), as the `legal-basis:` tag spells them.
 *
 * @example
 * LEGAL_BASES.includes('contract'); // true
 */
export const LEGAL_BASES = [
  'consent',
  'contract',
  'legal-obligation',
  'vital-interests',
  'public-task',
  'legitimate-interests',
] as const;

const DATASET_KINDS = ['table', 'view', 'materialized-view', 'foreign-table', 'file', 'file-set'];

const column = (
  type: FieldType,
  description: string,
  get: (column: ColumnView) => FieldValue,
  values?: readonly string[],
): FieldSpec => ({
  type,
  scope: 'column',
  description,
  values,
  get: (scope) => (scope.column ? get(scope.column) : null),
});
const dataset = (
  type: FieldType,
  description: string,
  get: (dataset: DatasetView) => FieldValue,
  values?: readonly string[],
): FieldSpec => ({ type, scope: 'dataset', description, values, get: (s) => get(s.dataset) });
const source = (
  type: FieldType,
  description: string,
  get: (source: SourceFacts) => FieldValue,
): FieldSpec => ({ type, scope: 'source', description, get: (s) => get(s.source) });

/**
 * Every field a condition may name, by name. A `Map`, so that no name (`__proto__`,
 * `constructor`) can reach anything but these entries.
 *
 * @example
 * CONDITION_FIELDS.get('dataset.owners')?.type; // 'list'
 */
export const CONDITION_FIELDS: ReadonlyMap<string, FieldSpec> = new Map<string, FieldSpec>([
  ['source.name', source('string', 'The data source’s name', (s) => s.name)],
  [
    'source.scanner',
    source('string', 'The scanner plugin (`postgres`, `mysql`, `s3`)', (s) => s.scanner),
  ],
  [
    'source.tags',
    source('list', 'The data source’s tags (`hipaa`, `pci`, `production`)', (s) => s.tags),
  ],
  [
    'source.region',
    source(
      'string',
      'Where the source keeps its data (`eu-west-1`); null if not said',
      (s) => s.region,
    ),
  ],
  [
    'dataset.kind',
    dataset(
      'enum',
      'table, view, materialized-view, foreign-table, file or file-set',
      (d) => d.kind,
      DATASET_KINDS,
    ),
  ],
  ['dataset.name', dataset('string', 'The dataset’s name', (d) => d.name)],
  ['dataset.fqn', dataset('string', 'The dataset’s fully qualified name', (d) => d.fqn)],
  [
    'dataset.description',
    dataset('string', 'Its description; null when it has none', (d) => blankToNull(d.description)),
  ],
  ['dataset.owners', dataset('list', 'User ids of its owners', (d) => d.owners)],
  ['dataset.tags', dataset('list', 'Its curated tags', (d) => d.tags)],
  [
    'dataset.legalBasis',
    dataset(
      'enum',
      'The GDPR Art. 6 basis of its `legal-basis:` tag',
      (d) => d.legalBasis,
      LEGAL_BASES,
    ),
  ],
  [
    'dataset.retentionDays',
    dataset('number', 'Days of its `retention:` tag (ISO 8601 duration)', (d) => d.retentionDays),
  ],
  [
    'dataset.sensitivity',
    dataset('level', 'Its sensitivity in the catalog', (d) => d.sensitivity, SENSITIVITY_LEVELS),
  ],
  [
    'dataset.rowEstimate',
    dataset('number', 'Rows, as estimated by the source', (d) => d.rowEstimate),
  ],
  [
    'dataset.publicRead',
    dataset(
      'boolean',
      'Everyone may read it (PUBLIC grant, anonymous bucket policy)',
      (d) => d.publicRead,
    ),
  ],
  ['dataset.readers', dataset('list', 'Roles granted read access explicitly', (d) => d.readers)],
  ['dataset.hasPrimaryKey', dataset('boolean', 'It has a primary key', (d) => d.hasPrimaryKey)],
  [
    'dataset.infoTypes',
    dataset('list', 'Sensitive information types of its columns', (d) => d.infoTypes),
  ],
  [
    'dataset.categories',
    dataset('list', 'Categories of its sensitive columns’ types', (d) => d.categories),
  ],
  [
    'dataset.personalData',
    dataset('boolean', 'A column holds personal data', (d) => d.personalData),
  ],
  [
    'dataset.specialCategoryData',
    dataset('boolean', 'A column holds GDPR Art. 9/10 data', (d) => d.specialCategoryData),
  ],
  [
    'dataset.sensitiveColumns',
    dataset('number', 'Columns holding a sensitive type', (d) => d.sensitiveColumns),
  ],
  ['column.name', column('string', 'The column’s name', (c) => c.name)],
  ['column.dataType', column('string', 'Its type in the source', (c) => c.dataType)],
  [
    'column.description',
    column('string', 'Its description; null when it has none', (c) => blankToNull(c.description)),
  ],
  ['column.tags', column('list', 'Its curated tags', (c) => c.tags)],
  ['column.infoType', column('string', 'Its accepted information type', (c) => c.infoType)],
  [
    'column.category',
    column('enum', 'The category of that type', (c) => c.category, INFO_TYPE_CATEGORIES),
  ],
  [
    'column.sensitivity',
    column('level', 'The sensitivity of that type', (c) => c.sensitivity, SENSITIVITY_LEVELS),
  ],
  [
    'column.classificationStatus',
    column(
      'enum',
      'suggested (by the engine) or approved (by a steward)',
      (c) => c.classificationStatus,
      ['suggested', 'approved'],
    ),
  ],
  [
    'column.confidence',
    column('number', 'Confidence of the classification, 0-1', (c) => c.confidence),
  ],
  [
    'column.validRatio',
    column(
      'number',
      'Share of sampled values passing the type’s value check, 0-1',
      (c) => c.validRatio,
    ),
  ],
  ['column.examined', column('number', 'Sampled values that check examined', (c) => c.examined)],
  ['column.personal', column('boolean', 'It holds personal data', (c) => isPersonal(c))],
  [
    'column.specialCategory',
    column('boolean', 'It holds GDPR Art. 9/10 data', (c) => isSpecialCategory(c)),
  ],
  ['column.primaryKey', column('boolean', 'It is (part of) the primary key', (c) => c.primaryKey)],
]);

function blankToNull(text: string | null): string | null {
  return text === null || text.trim() === '' ? null : text;
}

function isSpecialCategory(column: ColumnFacts): boolean {
  return column.infoType !== null && SPECIAL_CATEGORY_TYPES.has(column.infoType);
}

/**
 * Derives once what rules read of a dataset (its types, categories, tags' values). Built
 * field by field, without copying the columns: it runs for every dataset of a source.
 *
 * @example
 * const view = datasetView(facts);
 * view.personalData; // true when a column holds personal data
 */
export function datasetView(facts: DatasetFacts): DatasetView {
  const infoTypes = new Set<string>();
  const categories = new Set<string>();
  let personalData = false;
  let specialCategoryData = false;
  let sensitiveColumns = 0;
  let hasPrimaryKey = false;
  for (const column of facts.columns) {
    hasPrimaryKey ||= column.primaryKey;
    personalData ||= isPersonal(column);
    specialCategoryData ||= isSpecialCategory(column);
    if (column.sensitivity === null || column.sensitivity === 'public') continue;
    sensitiveColumns += 1;
    if (column.infoType !== null) infoTypes.add(column.infoType);
    if (column.category !== null) categories.add(column.category);
  }
  return {
    id: facts.id,
    fqn: facts.fqn,
    name: facts.name,
    kind: facts.kind,
    description: facts.description,
    owners: facts.owners,
    tags: facts.tags,
    sensitivity: facts.sensitivity,
    rowEstimate: facts.rowEstimate,
    publicRead: facts.publicRead,
    readers: facts.readers,
    columns: facts.columns,
    infoTypes: [...infoTypes].sort(),
    categories: [...categories].sort(),
    legalBasis: tagValue(facts.tags, 'legal-basis'),
    retentionDays: durationDays(tagValue(facts.tags, 'retention')),
    personalData,
    specialCategoryData,
    sensitiveColumns,
    hasPrimaryKey,
  };
}
