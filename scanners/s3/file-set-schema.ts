import type { FileColumn, FileSchema } from './file-schema.js';
import { finishTally, widen, type InferredType } from './infer-types.js';
import type { FileSetGroup } from './discovery-plan.js';

/** How the columns of two files of one file set differ. */
export interface SchemaDrift {
  comparedFiles: [string, string];
  /** In the later file only. */
  addedColumns: string[];
  /** In the earlier file only. */
  missingColumns: string[];
  typeChanges: { column: string; from: string; to: string }[];
}

const INFERRED: ReadonlySet<string> = new Set<InferredType>([
  'integer',
  'decimal',
  'boolean',
  'date',
  'timestamp',
  'string',
  'json',
]);

/**
 * The columns of a file set from two of its files (the first and the last in key order, which
 * usually means the oldest and the newest partition): the union of both, a column absent from
 * one of them nullable, inferred types widened (`integer` + `decimal` → `decimal`). `drift`
 * says what differed; Parquet types that differ keep the earlier file's type.
 *
 * @example
 * mergeSchemas(['a.csv', a], ['b.csv', b]).drift?.addedColumns; // ['coupon_code']
 */
export function mergeSchemas(
  earlier: [key: string, schema: FileSchema],
  later?: [key: string, schema: FileSchema],
): { columns: FileColumn[]; drift?: SchemaDrift } {
  const [earlierKey, first] = earlier;
  if (!later) return { columns: first.columns };
  const [laterKey, second] = later;
  const byName = new Map(second.columns.map((column) => [column.name, column]));
  const drift: SchemaDrift = {
    comparedFiles: [earlierKey, laterKey],
    addedColumns: [],
    missingColumns: [],
    typeChanges: [],
  };
  const columns = first.columns.map((column): FileColumn => {
    const other = byName.get(column.name);
    if (!other) {
      drift.missingColumns.push(column.name);
      return { ...column, nullable: true };
    }
    const nullable = column.nullable || other.nullable;
    if (other.dataType === column.dataType) return { ...column, nullable };
    drift.typeChanges.push({ column: column.name, from: column.dataType, to: other.dataType });
    const both = INFERRED.has(column.dataType) && INFERRED.has(other.dataType);
    const dataType = both
      ? (widen(column.dataType as InferredType, other.dataType as InferredType) ?? 'string')
      : column.dataType;
    return { ...column, dataType, nullable };
  });
  const known = new Set(first.columns.map((column) => column.name));
  for (const column of second.columns) {
    if (known.has(column.name)) continue;
    drift.addedColumns.push(column.name);
    columns.push({ ...column, nullable: true });
  }
  const drifted =
    drift.addedColumns.length + drift.missingColumns.length + drift.typeChanges.length > 0;
  return drifted ? { columns, drift } : { columns };
}

/**
 * The partition keys as columns, typed from every partition's value (`dt=2024-01-01` →
 * `date`, `year=2024` and `month=01` → `integer`, `region=eu` → `string`). A key
 * that some partitions lack, or whose value is Hive's null partition, is nullable. Keys that
 * are also data columns are left out: the data column is what readers see.
 *
 * @example
 * partitionColumns(group, new Set(['order_id'])); // [{ name: 'dt', dataType: 'date', nullable: false }]
 */
export function partitionColumns(
  group: FileSetGroup,
  dataColumns: ReadonlySet<string>,
): FileColumn[] {
  return group.partitionKeys.flatMap((name) => {
    const tally = group.partitionTallies.get(name);
    if (!tally || dataColumns.has(name)) return [];
    const { dataType, nullable } = finishTally(tally);
    return [
      { name, dataType, nullable: nullable || tally.values + tally.nulls < group.partitionCount },
    ];
  });
}
