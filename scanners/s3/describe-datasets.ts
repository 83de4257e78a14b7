import type {
  DiscoveredColumn,
  DiscoveredContainer,
  DiscoveredDataset,
  DiscoveredItem,
} from '../sdk/contract.js';
import { fingerprintOf } from '../sdk/fingerprint.js';
import { formatFqn } from '../sdk/fqn.js';
import type { DiscoveryUnit, FileSetGroup, FormatMembers } from './discovery-plan.js';
import { inspectSafely, type FileColumn, type FileRef, type FileSchema } from './file-schema.js';
import { mergeSchemas, partitionColumns } from './file-set-schema.js';
import { FORMAT_READERS } from './file-formats.js';
import { baseName } from './partitions.js';
import { datasetAccess, type BucketPolicy, type PolicyTarget } from './bucket-policy.js';
import type { ObjectEntry, S3Access } from './s3-access.js';

/**
 * What describing needs: the store, the file-set names given so far (to keep them unique)
 * and the bucket policy, when it could be read, which says who may read each dataset.
 */
export interface DescribeScope {
  s3: S3Access;
  bucket: string;
  fileSetFqns: Set<string>;
  policy?: BucketPolicy;
}

// Per-file counters say how a file was read, not what the file set is.
const PER_FILE = new Set([
  'rowsInspected',
  'bytesInspected',
  'rowCount',
  'rowGroups',
  'footerBytes',
]);

/** Files whose heads are read at once: one request's latency no longer adds up per file. */
export const INSPECT_CONCURRENCY = 8;

/**
 * Turns the discovery plan into catalog items in the plan's order, reading up to
 * `INSPECT_CONCURRENCY` files at once. Reading ahead stops there, so memory stays bounded
 * however long the listing is. Objects that vanished since the listing are left out.
 *
 * @example
 * for await (const item of describeUnits(scope, planDiscovery(listing, classifier))) yield item;
 */
export async function* describeUnits(
  scope: DescribeScope,
  units: AsyncIterable<DiscoveryUnit>,
): AsyncGenerator<DiscoveredItem> {
  const iterator = units[Symbol.asyncIterator]();
  const pending: Promise<DiscoveredItem | undefined>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && pending.length < INSPECT_CONCURRENCY) {
        const next = await iterator.next();
        if (next.done) exhausted = true;
        else pending.push(settleLater(describeUnit(scope, next.value)));
      }
      const head = pending.shift();
      if (head === undefined) return;
      const item = await head;
      if (item) yield item;
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}

function describeUnit(
  scope: DescribeScope,
  unit: DiscoveryUnit,
): Promise<DiscoveredItem | undefined> {
  switch (unit.kind) {
    case 'container':
      return Promise.resolve(prefixContainer(scope.bucket, unit.directories));
    case 'file':
      return describeFile(scope, unit.entry, unit.file, unit.directories);
    case 'file-set':
      return describeFileSet(scope, unit.group, unit.directories);
  }
}

/** A rejection surfaces when its turn comes; until then it must not count as unhandled. */
function settleLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * The container of a directory: path `[bucket, ...directories]`, one segment per directory.
 *
 * @example
 * prefixContainer('landing', ['sales', '2024']).fqn; // 'landing.sales.2024'
 */
export function prefixContainer(bucket: string, directories: string[]): DiscoveredContainer {
  const path = [bucket, ...directories];
  return {
    kind: 'container',
    containerType: 'prefix',
    fqn: formatFqn(path),
    path,
    name: directories.at(-1) ?? bucket,
    parentFqn: formatFqn(path.slice(0, -1)),
    properties: { prefix: directories.map((directory) => `${directory}/`).join('') },
  };
}

/**
 * One data file as a dataset: path `[bucket, key]`, columns from its head or footer.
 * `undefined` when the object vanished since it was listed.
 *
 * @example
 * await describeFile(scope, entry, file, ['exports']); // { datasetType: 'file', fqn: 'landing."exports/a.csv"', … }
 */
export async function describeFile(
  scope: DescribeScope,
  entry: ObjectEntry,
  file: FileRef,
  directories: string[],
): Promise<DiscoveredDataset | undefined> {
  const schema = await inspectSafely(FORMAT_READERS[file.format], scope.s3, file);
  if (!schema) return undefined;
  const path = [scope.bucket, entry.key];
  return dataset({
    datasetType: 'file',
    path,
    name: baseName(entry.key),
    parentFqn: formatFqn([scope.bucket, ...directories]),
    columns: schema.columns,
    format: file.format,
    rowEstimate: schema.rowEstimate,
    problem: schema.problem,
    properties: {
      format: file.format,
      key: entry.key,
      size: entry.size,
      lastModified: entry.lastModified.toISOString(),
      etag: entry.etag,
      ...schema.properties,
      ...accessOf(scope, { key: entry.key }),
    },
  });
}

/**
 * A partitioned prefix as one `file-set` dataset: path `[bucket, prefix]`, columns from its
 * first and last member plus the partition keys, facts about all members in `properties`.
 *
 * @example
 * await describeFileSet(scope, group, []); // { datasetType: 'file-set', fqn: 'landing."sales/"', … }
 */
export async function describeFileSet(
  scope: DescribeScope,
  group: FileSetGroup,
  directories: string[],
): Promise<DiscoveredDataset | undefined> {
  // Named before the first await, so that names follow the listing's order, not the reads'.
  // Two partition layouts under one prefix (rare) would share a name: the second is told apart.
  let path = [scope.bucket, group.root];
  if (scope.fileSetFqns.has(formatFqn(path))) {
    path = [scope.bucket, `${group.root}${group.firstKey}=*/`];
  }
  scope.fileSetFqns.add(formatFqn(path));
  const [format, members] = majority(group.formats);
  const reader = FORMAT_READERS[format];
  const files =
    members.first.key === members.last.key ? [members.first] : [members.first, members.last];
  const inspected: [string, FileSchema][] = [];
  for (const file of files) {
    const schema = await inspectSafely(reader, scope.s3, file);
    if (schema) inspected.push([file.key, schema]);
  }
  if (inspected.length === 0) return undefined;
  const healthy = inspected.filter(([, schema]) => !schema.problem);
  const merged = healthy.length > 0 ? mergeSchemas(healthy[0]!, healthy[1]) : { columns: [] };
  const dataColumns = new Set(merged.columns.map((column) => column.name));
  const base = (healthy[0] ?? inspected[0]!)[1];
  const rates = healthy.map(([key, schema]) => ({
    rows: schema.rowEstimate,
    size: sizeOf(files, key),
  }));
  const rows = rates.reduce((sum, rate) => sum + (rate.rows ?? 0), 0);
  const bytes = rates.reduce((sum, rate) => sum + rate.size, 0);

  const others = [...group.formats].filter(([name]) => name !== format);
  return dataset({
    datasetType: 'file-set',
    path,
    name: group.root === '' ? scope.bucket : baseName(group.root),
    parentFqn: formatFqn([scope.bucket, ...directories]),
    columns: [...merged.columns, ...partitionColumns(group, dataColumns)],
    format,
    partitionKeys: group.partitionKeys,
    rowEstimate:
      rates.every((rate) => rate.rows !== undefined) && bytes > 0
        ? Math.round((rows / bytes) * members.bytes)
        : undefined,
    problem: inspected.find(([, schema]) => schema.problem)?.[1].problem,
    properties: {
      ...Object.fromEntries(Object.entries(base.properties).filter(([key]) => !PER_FILE.has(key))),
      format,
      prefix: group.root,
      objectCount: group.objectCount,
      totalBytes: group.totalBytes,
      partitionKeys: group.partitionKeys,
      partitionCount: group.partitionCount,
      lastModified: group.lastModified.toISOString(),
      inspectedFiles: inspected.map(([key]) => key),
      ...(group.inconsistentKeys ? { inconsistentPartitionKeys: true } : {}),
      ...(others.length > 0
        ? { otherFormats: Object.fromEntries(others.map(([name, m]) => [name, m.count])) }
        : {}),
      ...(merged.drift ? { schemaDrift: merged.drift } : {}),
      ...accessOf(scope, { prefix: group.root }),
    },
  });
}

/** `access` when the policy is known; left out when it could not be read (unknown). */
function accessOf(scope: DescribeScope, target: PolicyTarget): Record<string, unknown> {
  return scope.policy ? { access: datasetAccess(scope.policy, target) } : {};
}

interface DatasetParts {
  datasetType: 'file' | 'file-set';
  path: string[];
  name: string;
  parentFqn: string;
  columns: FileColumn[];
  format: string;
  partitionKeys?: string[];
  rowEstimate: number | undefined;
  problem: FileSchema['problem'];
  properties: Record<string, unknown>;
}

function dataset(parts: DatasetParts): DiscoveredDataset {
  const columns: DiscoveredColumn[] = parts.columns.map((column, index) => ({
    name: column.name,
    position: index + 1,
    dataType: column.dataType,
    nullable: column.nullable,
  }));
  return {
    kind: 'dataset',
    datasetType: parts.datasetType,
    fqn: formatFqn(parts.path),
    path: parts.path,
    name: parts.name,
    parentFqn: parts.parentFqn,
    columns,
    // Structure only: sizes, dates and row counts change without the schema changing.
    fingerprint: fingerprintOf({
      datasetType: parts.datasetType,
      format: parts.format,
      partitionKeys: parts.partitionKeys ?? [],
      columns: columns.map(({ name, dataType, nullable }) => ({ name, dataType, nullable })),
    }),
    ...(parts.rowEstimate === undefined ? {} : { rowEstimate: parts.rowEstimate }),
    ...(parts.problem ? { problem: parts.problem } : {}),
    properties: parts.properties,
  };
}

/** The format most members have; the others are counted but not read. */
function majority(formats: FileSetGroup['formats']): [FileRef['format'], FormatMembers] {
  return [...formats].sort((a, b) => b[1].count - a[1].count)[0]!;
}

function sizeOf(files: FileRef[], key: string): number {
  return files.find((file) => file.key === key)?.size ?? 0;
}
