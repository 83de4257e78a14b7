import { sql, type Kysely } from 'kysely';
import type { ColumnFacts, DatasetFacts, SourceFacts } from '../../core/compliance/asset-facts.js';
import { infoTypeById } from '../../core/classification/catalogue/index.js';
import { isSensitivity } from '../../core/permissions/vocabulary.js';
import type { Database, Sensitivity } from '../schema.js';

type Db = Kysely<Database>;

/**
 * What compliance rules judge in one data source: the source, its live datasets with their
 * columns, and the workspace the results belong to.
 *
 * @example
 * const facts = await loadComplianceFacts(db, dataSourceId, categoryOf);
 */
export interface ComplianceFacts {
  workspaceId: string;
  source: SourceFacts;
  datasets: DatasetFacts[];
}

interface ColumnRow {
  id: string;
  parent_id: string;
  name: string;
  data_type: string | null;
  description: string | null;
  tags: string[];
  info_type: string | null;
  status: string | null;
  sensitive: boolean | null;
  type_sensitivity: string | null;
  confidence: number | null;
  evidence: unknown;
  primary_key: boolean | null;
}

/**
 * Reads the facts of a data source from the catalog, as the last scan and the stewards left
 * them: datasets that are not deleted, their owners and tags, the access the scanner found,
 * and each column's accepted classification with its value-check ratio. Three queries
 * whatever the size. `categoryOf` names an information type's category (built-in or custom);
 * `seenBy` keeps the datasets a scan run saw. Null when the source does not exist.
 *
 * @example
 * const facts = await loadComplianceFacts(db, dataSourceId, (id) => infoTypeById(id)?.category ?? null);
 */
export async function loadComplianceFacts(
  db: Db,
  dataSourceId: string,
  categoryOf: (infoType: string) => string | null,
  seenBy?: string,
): Promise<ComplianceFacts | null> {
  const source = await db
    .selectFrom('data_sources')
    .select(['id', 'workspace_id', 'name', 'scanner', 'tags', 'region'])
    .where('id', '=', dataSourceId)
    .executeTakeFirst();
  if (!source) return null;

  const [datasets, columns] = await Promise.all([
    db
      .selectFrom('catalog_assets as a')
      .select([
        'a.id',
        'a.fqn',
        'a.name',
        'a.kind',
        'a.description',
        'a.tags',
        'a.sensitivity',
        sql<number | null>`(a.properties ->> 'rowEstimate')::float8`.as('row_estimate'),
        sql<boolean | null>`(a.properties -> 'access' ->> 'publicRead')::boolean`.as('public_read'),
        sql<unknown>`a.properties -> 'access' -> 'readers'`.as('readers'),
        sql<string[]>`coalesce((select array_agg(o.user_id::text order by o.user_id)
                          from asset_owners o where o.asset_id = a.id), '{}')`.as('owners'),
      ])
      .where('a.data_source_id', '=', dataSourceId)
      .where('a.kind', 'not in', ['container', 'column'])
      .where('a.deleted_at', 'is', null)
      // After a scan, what it saw: datasets gone from the source are deleted when it ends.
      .$if(seenBy !== undefined, (q) => q.where('a.last_seen_scan_id', '=', seenBy!))
      .orderBy('a.fqn')
      .execute(),
    db
      .selectFrom('catalog_assets as c')
      .select([
        'c.id',
        'c.parent_id',
        'c.name',
        'c.data_type',
        'c.description',
        'c.tags',
        sql<string | null>`c.properties -> 'classification' ->> 'infoType'`.as('info_type'),
        sql<string | null>`c.properties -> 'classification' ->> 'status'`.as('status'),
        sql<boolean | null>`(c.properties -> 'classification' ->> 'sensitive')::boolean`.as(
          'sensitive',
        ),
        sql<string | null>`c.properties -> 'classification' ->> 'sensitivity'`.as(
          'type_sensitivity',
        ),
        sql<number | null>`(c.properties -> 'classification' ->> 'confidence')::float8`.as(
          'confidence',
        ),
        sql<unknown>`c.properties -> 'classification' -> 'evidence'`.as('evidence'),
        sql<boolean | null>`(c.properties ->> 'primaryKey')::boolean`.as('primary_key'),
      ])
      .where('c.data_source_id', '=', dataSourceId)
      .where('c.kind', '=', 'column')
      .where('c.deleted_at', 'is', null)
      .orderBy('c.parent_id')
      .orderBy(sql`(c.properties ->> 'position')::int`)
      .execute() as Promise<ColumnRow[]>,
  ]);

  const byDataset = new Map<string, ColumnFacts[]>();
  for (const row of columns) {
    const list = byDataset.get(row.parent_id) ?? [];
    list.push(columnFacts(row, categoryOf));
    byDataset.set(row.parent_id, list);
  }
  return {
    workspaceId: source.workspace_id,
    source: {
      id: source.id,
      name: source.name,
      scanner: source.scanner,
      tags: source.tags,
      region: source.region,
    },
    datasets: datasets.map((row) => ({
      id: row.id,
      fqn: row.fqn,
      name: row.name,
      kind: row.kind,
      description: row.description,
      owners: row.owners,
      tags: row.tags,
      sensitivity: row.sensitivity,
      rowEstimate: row.row_estimate,
      publicRead: row.public_read,
      readers: Array.isArray(row.readers) ? row.readers.filter((r) => typeof r === 'string') : [],
      columns: byDataset.get(row.id) ?? [],
    })),
  };
}

function columnFacts(row: ColumnRow, categoryOf: (infoType: string) => string | null): ColumnFacts {
  const sensitivity: Sensitivity | null =
    row.sensitive && isSensitivity(row.type_sensitivity) ? row.type_sensitivity : null;
  return {
    id: row.id,
    name: row.name,
    dataType: row.data_type,
    description: row.description,
    tags: row.tags,
    infoType: row.info_type,
    category: row.info_type === null ? null : categoryOf(row.info_type),
    sensitivity,
    classificationStatus:
      row.status === 'approved' || row.status === 'suggested' ? row.status : null,
    confidence: row.confidence,
    ...valueCheck(row.info_type, row.evidence),
    primaryKey: row.primary_key === true,
  };
}

interface ValuesEvidence {
  detector: string;
  describe?: string;
  ratio?: number;
  examined?: number;
}

/**
 * The share of sampled values that passed the accepted type's value check. A type with a
 * looser layout check (card numbers that fail Luhn) may have only that on record: its
 * entries are told apart by their description, and a layout alone means no value passed
 * the real check.
 */
function valueCheck(
  infoType: string | null,
  evidence: unknown,
): { validRatio: number | null; examined: number } {
  if (infoType === null || !Array.isArray(evidence)) return { validRatio: null, examined: 0 };
  const layout = infoTypeById(infoType)?.layout?.describe;
  const values = (evidence as ValuesEvidence[]).filter((entry) => entry?.detector === 'values');
  const full = values.find((entry) => entry.describe !== layout);
  if (full) return { validRatio: full.ratio ?? null, examined: full.examined ?? 0 };
  const loose = values.find((entry) => entry.describe === layout);
  return loose
    ? { validRatio: 0, examined: loose.examined ?? 0 }
    : { validRatio: null, examined: 0 };
}
