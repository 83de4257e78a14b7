import { infoTypeById } from '../../core/classification/catalogue/index.js';
import type { ColumnFacts, DatasetFacts, SourceFacts } from '../../core/compliance/asset-facts.js';
import { SENSITIVITY_LEVELS, type Sensitivity } from '../../core/permissions/vocabulary.js';

/**
 * A column as the catalog query returns it, classified (and approved) as `infoType`, whose
 * category and sensitivity come from the built-in catalogue, so a fixture cannot invent a
 * combination the scanner would never produce.
 *
 * @example
 * columnFacts('pan', 'CREDIT_CARD', { validRatio: 0.98, examined: 200 });
 */
export function columnFacts(
  name: string,
  infoType: string | null,
  over: Partial<ColumnFacts> = {},
): ColumnFacts {
  const type = infoType === null ? undefined : infoTypeById(infoType);
  if (infoType !== null && !type) throw new Error(`no information type ${infoType}`);
  return {
    id: `column:${name}`,
    name,
    dataType: 'text',
    description: null,
    tags: [],
    infoType,
    category: type?.category ?? null,
    sensitivity: type?.sensitivity ?? null,
    classificationStatus: type ? 'approved' : null,
    confidence: type ? 0.95 : null,
    validRatio: null,
    examined: 0,
    primaryKey: false,
    ...over,
  };
}

/**
 * A documented, owned table tagged with a legal basis and a retention period; its sensitivity
 * is its most sensitive column's (at least internal), as the catalog derives it.
 *
 * @example
 * datasetFacts([columnFacts('email', 'EMAIL_ADDRESS')], { publicRead: true });
 */
export function datasetFacts(
  columns: ColumnFacts[],
  over: Partial<DatasetFacts> = {},
): DatasetFacts {
  const ranks = columns.map((c) => (c.sensitivity ? SENSITIVITY_LEVELS.indexOf(c.sensitivity) : 0));
  return {
    id: 'dataset:1',
    fqn: 'shop.public.customers',
    name: 'customers',
    kind: 'table',
    description: 'Customers who ordered in the web shop, for delivery and invoicing.',
    owners: ['user:steward'],
    tags: ['legal-basis:contract', 'retention:P3Y'],
    sensitivity: SENSITIVITY_LEVELS[Math.max(1, ...ranks)] as Sensitivity,
    rowEstimate: 1200,
    publicRead: false,
    readers: ['app_shop'],
    columns,
    ...over,
  };
}

/**
 * A PostgreSQL source in an EU region, without tags unless given.
 *
 * @example
 * sourceFacts({ tags: ['hipaa'], region: 'us-east-1' });
 */
export function sourceFacts(over: Partial<SourceFacts> = {}): SourceFacts {
  return {
    id: 'source:1',
    name: 'shop',
    scanner: 'postgres',
    tags: [],
    region: 'eu-west-1',
    ...over,
  };
}
