import type { DiscoveredColumn, DiscoveredDataset } from '../sdk/contract.js';
import { fingerprintOf } from '../sdk/fingerprint.js';
import { formatFqn } from '../sdk/fqn.js';
import { accessOf, type SelectGrantees } from './postgres-access.js';
import { SAMPLING_PROPERTY, type SampleHints } from './postgres-sample-hints.js';

/** A row of `RELATIONS_SQL`; `int8` values arrive as strings from `pg`. */
export interface RelationRow {
  oid: number;
  schema: string;
  name: string;
  kind: 'r' | 'p' | 'v' | 'm' | 'f';
  reltuples: number;
  persistence: 'p' | 'u' | 't';
  owner: string;
  comment: string | null;
  size_bytes: string | null;
  definition: string | null;
  partition_key: string | null;
  /** Heap pages; `partition_pages` sums them over the leaves of a partitioned table. */
  pages: number;
  partition_count: number | null;
  partition_rows: number | null;
  partition_bytes: string | null;
  partition_pages: string | null;
  partition_names: string[] | null;
  foreign_server: string | null;
  select_grantees: SelectGrantees;
}

export interface ColumnRow {
  oid: number;
  name: string;
  data_type: string;
  not_null: boolean;
  comment: string | null;
  /** `pg_type.typcategory` and `typname`: how a sample reads the column. */
  category: string;
  type: string;
  /** Grantees of SELECT on this column alone (column privileges). */
  select_grantees: SelectGrantees;
}

export interface KeyRow {
  oid: number;
  name: string;
  type: 'p' | 'f';
  column: string;
  ref_schema: string | null;
  ref_table: string | null;
  ref_column: string | null;
}

const DATASET_TYPES = {
  r: 'table',
  p: 'table',
  v: 'view',
  m: 'materialized-view',
  f: 'foreign-table',
} as const satisfies Record<RelationRow['kind'], DiscoveredDataset['datasetType']>;

interface ForeignKey {
  name: string;
  columns: string[];
  references: { datasetFqn: string; columns: string[] };
}

/**
 * Builds one discovered dataset from its catalog rows. Every foreign key is kept whole in
 * `properties.foreignKeys` (composite keys included); each column also names the first key
 * it belongs to in `references`. The fingerprint covers structure only (type, columns, keys,
 * definition, partition key), not comments, sizes, row estimates or grants
 * (`properties.access`), which change without the dataset changing shape.
 *
 * @example
 * toDataset('shop', relationRow, columnRows, keyRows).fqn; // 'shop.public.orders'
 */
export function toDataset(
  database: string,
  relation: RelationRow,
  columnRows: readonly ColumnRow[],
  keyRows: readonly KeyRow[],
): DiscoveredDataset {
  const path = [database, relation.schema, relation.name];
  const primaryKey = new Set(keyRows.filter((key) => key.type === 'p').map((key) => key.column));
  const foreignKeys = foreignKeysOf(database, keyRows);

  const columns = columnRows.map((row, index): DiscoveredColumn => {
    const column: DiscoveredColumn = {
      name: row.name,
      position: index + 1,
      dataType: row.data_type,
      nullable: !row.not_null,
    };
    if (primaryKey.has(row.name)) column.primaryKey = true;
    const key = foreignKeys.find((candidate) => candidate.columns.includes(row.name));
    if (key) {
      const at = key.columns.indexOf(row.name);
      column.references = {
        datasetFqn: key.references.datasetFqn,
        column: key.references.columns[at]!,
      };
    }
    if (row.comment) column.comment = row.comment;
    return column;
  });

  const datasetType = DATASET_TYPES[relation.kind];
  const definition = relation.definition?.trim();
  const dataset: DiscoveredDataset = {
    kind: 'dataset',
    datasetType,
    fqn: formatFqn(path),
    path,
    name: relation.name,
    parentFqn: formatFqn(path.slice(0, 2)),
    columns,
    properties: {
      ...propertiesOf(relation, foreignKeys),
      access: accessOf(
        relation.owner,
        relation.select_grantees,
        columnRows.map((row) => row.select_grantees),
      ),
      [SAMPLING_PROPERTY]: sampleHintsOf(relation, columnRows),
    },
    fingerprint: fingerprintOf({
      datasetType,
      definition,
      partitionKey: relation.partition_key,
      columns: columns.map(({ comment: _comment, ...structure }) => structure),
      foreignKeys,
    }),
  };
  if (definition) dataset.definition = definition;
  const rowEstimate = estimateOf(relation);
  if (rowEstimate !== undefined) dataset.rowEstimate = rowEstimate;
  if (relation.comment) dataset.comment = relation.comment;
  return dataset;
}

/** `reltuples` is -1 until the first VACUUM or ANALYZE: unknown, not empty. */
function estimateOf(relation: RelationRow): number | undefined {
  if (relation.kind === 'p') {
    return relation.partition_rows === null ? undefined : Math.round(relation.partition_rows);
  }
  if (relation.kind === 'v' || relation.kind === 'f' || relation.reltuples < 0) return undefined;
  return Math.round(relation.reltuples);
}

/**
 * What `sample` would otherwise look up in the catalog for every table: carried with the
 * dataset through the manifest, so that sampling sends the data query alone.
 */
function sampleHintsOf(relation: RelationRow, columnRows: readonly ColumnRow[]): SampleHints {
  // An unknown estimate stays `undefined`, which the manifest's JSON leaves out.
  return {
    kind: relation.kind,
    rows: estimateOf(relation),
    pages: relation.kind === 'p' ? Number(relation.partition_pages ?? 0) : relation.pages,
    columns: columnRows.map(({ name, category, type }) => ({ name, category, type })),
  };
}

function propertiesOf(relation: RelationRow, foreignKeys: ForeignKey[]): Record<string, unknown> {
  const properties: Record<string, unknown> = { owner: relation.owner };
  const size = relation.kind === 'p' ? relation.partition_bytes : relation.size_bytes;
  if (size !== null) properties.sizeBytes = Number(size);
  if (relation.persistence === 'u') properties.unlogged = true;
  if (relation.kind === 'p') {
    properties.partitioned = true;
    properties.partitionKey = relation.partition_key;
    properties.partitionCount = relation.partition_count ?? 0;
    // The first 100 by name: enough to show the scheme without a list of 10,000 names.
    properties.partitions = relation.partition_names ?? [];
  }
  if (relation.foreign_server !== null) properties.foreignServer = relation.foreign_server;
  if (foreignKeys.length > 0) properties.foreignKeys = foreignKeys;
  return properties;
}

function foreignKeysOf(database: string, keyRows: readonly KeyRow[]): ForeignKey[] {
  const byName = new Map<string, ForeignKey>();
  for (const row of keyRows) {
    if (row.type !== 'f' || row.ref_schema === null || row.ref_table === null) continue;
    let key = byName.get(row.name);
    if (!key) {
      const datasetFqn = formatFqn([database, row.ref_schema, row.ref_table]);
      key = { name: row.name, columns: [], references: { datasetFqn, columns: [] } };
      byName.set(row.name, key);
    }
    key.columns.push(row.column);
    key.references.columns.push(row.ref_column ?? '');
  }
  return [...byName.values()];
}
