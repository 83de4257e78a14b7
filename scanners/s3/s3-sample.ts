import {
  ScannerError,
  type DatasetRef,
  type SampleOptions,
  type SampleRow,
} from '../sdk/contract.js';
import { toSampleValue } from '../sdk/values.js';
import { asScannerError, type FileRef } from './file-schema.js';
import { FORMAT_READERS, fileRefOf } from './file-formats.js';
import type { KeyClassifier } from './object-classes.js';
import type { S3Access } from './s3-access.js';
import { shown } from './s3-errors.js';
import { listObjects } from './s3-listing.js';

/** What sampling needs besides the dataset: the store and the configured key filter. */
export interface SampleScope {
  s3: S3Access;
  classifier: KeyClassifier;
  signal: AbortSignal;
}

/**
 * The first rows of a discovered file or file set. A file is found again by its key (path
 * `[bucket, key]`), a file set by the prefix and partition keys recorded at discovery; its
 * rows come from its members in key order, each row with its partition values. A dataset that
 * has gone is a `ScannerError('not-found')`.
 *
 * @example
 * for await (const row of sampleDataset(scope, dataset, { rows: 100 })) rows.push(row);
 */
export async function* sampleDataset(
  scope: SampleScope,
  dataset: DatasetRef,
  options: SampleOptions,
): AsyncGenerator<SampleRow> {
  if (dataset.path[0] !== scope.s3.bucket || dataset.path.length !== 2) {
    throw new ScannerError(
      'not-found',
      `dataset ${dataset.fqn} is not in bucket ${JSON.stringify(scope.s3.bucket)}`,
    );
  }
  if (dataset.datasetType === 'file')
    yield* sampleFile(scope, dataset.path[1]!, dataset.properties, options);
  else if (dataset.datasetType === 'file-set') yield* sampleFileSet(scope, dataset, options);
  else throw new ScannerError('unsupported', `an S3 bucket holds no ${dataset.datasetType}`);
}

async function* sampleFile(
  scope: SampleScope,
  key: string,
  properties: Record<string, unknown> | undefined,
  options: SampleOptions,
): AsyncGenerator<SampleRow> {
  const { size } = await scope.s3.stat(key);
  const file = fileRefOf(key, size, properties?.format);
  if (!file)
    throw new ScannerError('unsupported', `file ${shown(key)} is in no format the scanner reads`);
  yield* readRows(scope, file, options);
}

async function* sampleFileSet(
  scope: SampleScope,
  dataset: DatasetRef,
  options: SampleOptions,
): AsyncGenerator<SampleRow> {
  if (options.rows <= 0) return;
  const properties = dataset.properties ?? {};
  const prefix = typeof properties.prefix === 'string' ? properties.prefix : dataset.path[1]!;
  const keys = Array.isArray(properties.partitionKeys)
    ? (properties.partitionKeys as string[])
    : [];
  const format = properties.format;
  const wanted = (name: string) => !options.columns || options.columns.includes(name);
  const dataColumns = options.columns?.filter((name) => !keys.includes(name));
  let count = 0;
  let members = 0;
  for await (const entry of listObjects(scope.s3, prefix, scope.signal)) {
    if (count >= options.rows) return;
    const kind = scope.classifier.classify(entry.key);
    if (kind.kind !== 'data' || kind.format !== format || !kind.partitioned) continue;
    const { root, partitions } = kind.partitioned;
    if (root !== prefix || partitions[0]?.name !== keys[0]) continue;
    members++;
    const file: FileRef = { key: entry.key, size: entry.size, format: kind.format, tab: kind.tab };
    const values = partitions.filter(({ name }) => wanted(name));
    const remaining = {
      rows: options.rows - count,
      ...(dataColumns ? { columns: dataColumns } : {}),
    };
    try {
      for await (const row of readRows(scope, file, remaining)) {
        for (const { name, value } of values) if (!(name in row)) row[name] = toSampleValue(value);
        yield row;
        count++;
      }
    } catch (error) {
      // A member deleted since the listing: the others still make a sample.
      if (error instanceof ScannerError && error.kind === 'not-found') continue;
      throw error;
    }
  }
  if (members === 0) {
    throw new ScannerError(
      'not-found',
      `file set ${shown(prefix)} has no ${String(format)} files any more`,
    );
  }
}

async function* readRows(
  scope: SampleScope,
  file: FileRef,
  options: SampleOptions,
): AsyncGenerator<SampleRow> {
  try {
    yield* FORMAT_READERS[file.format].sample(scope.s3, file, options);
  } catch (error) {
    const failure = asScannerError(error);
    if (failure.kind !== 'corrupt' || failure.message.startsWith('file ')) throw failure;
    throw new ScannerError('corrupt', `file ${shown(file.key)}: ${failure.message}`, {
      cause: error,
    });
  }
}
