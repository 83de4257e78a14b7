import {
  ScannerError,
  type SampleOptions,
  type SampleRow,
  type ScannerErrorKind,
} from '../sdk/contract.js';
import type { S3Access } from './s3-access.js';
import type { FileFormat } from './file-formats.js';
import { shown } from './s3-errors.js';

/** An object to read and how: its format comes from the extension. */
export interface FileRef {
  key: string;
  size: number;
  format: FileFormat;
  /** A `.tsv` / `.tab` file: CSV with a tab delimiter, whatever detection would say. */
  tab: boolean;
}

export interface FileColumn {
  name: string;
  dataType: string;
  nullable: boolean;
}

/** What reading one file's head (or footer) told about its structure. */
export interface FileSchema {
  columns: FileColumn[];
  rowEstimate?: number;
  /** Format facts worth keeping: delimiter, rows inspected, Parquet row groups… */
  properties: Record<string, unknown>;
  /** The file exists but could not be read whole; the message names the file and where. */
  problem?: { kind: ScannerErrorKind; message: string };
}

/** How one file format is inspected and sampled. */
export interface FormatReader {
  /** Reads a bounded head (or the footer); throws `ScannerError('corrupt')` on bad content. */
  inspect(s3: S3Access, file: FileRef): Promise<FileSchema>;
  /** At most `options.rows` rows, values already JSON-safe, reading no more than needed. */
  sample(s3: S3Access, file: FileRef, options: SampleOptions): AsyncGenerator<SampleRow>;
}

/** Kinds of failure that concern one file only: it is reported and discovery goes on. */
const FILE_PROBLEMS: ReadonlySet<ScannerErrorKind> = new Set([
  'corrupt',
  'permission',
  'unsupported',
]);

/**
 * Inspects a file, turning a failure that concerns only this file into a `problem` (with the
 * key in the message). `undefined` means the object vanished since it was listed. Anything
 * else (network, credentials) is thrown: the whole discovery must be retried.
 *
 * @example
 * const schema = await inspectSafely(csvReader, s3, file);
 * if (schema?.problem) log('warn', schema.problem.message);
 */
export async function inspectSafely(
  reader: FormatReader,
  s3: S3Access,
  file: FileRef,
): Promise<FileSchema | undefined> {
  try {
    return await reader.inspect(s3, file);
  } catch (error) {
    const failure = asScannerError(error);
    if (failure.kind === 'not-found') return undefined;
    if (!FILE_PROBLEMS.has(failure.kind)) throw failure;
    const message = failure.message.startsWith('file ')
      ? failure.message
      : `file ${shown(file.key)}: ${failure.message}`;
    return { columns: [], properties: {}, problem: { kind: failure.kind, message } };
  }
}

/**
 * A `ScannerError` as it is, anything else thrown by a parser as `corrupt`.
 *
 * @example
 * asScannerError(new RangeError('offset out of bounds')).kind; // 'corrupt'
 */
export function asScannerError(error: unknown): ScannerError {
  if (error instanceof ScannerError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ScannerError('corrupt', message.split('\n')[0] ?? 'unreadable', { cause: error });
}

/**
 * Column names as a file's header gives them, made unique and non-empty: a blank name
 * becomes `column_<position>`, a repeated one gets `_2`, `_3`…
 *
 * @example
 * uniqueNames(['id', '', 'id']); // ['id', 'column_2', 'id_2']
 */
export function uniqueNames(raw: readonly string[]): string[] {
  const used = new Set<string>();
  return raw.map((name, index) => {
    const base = name.trim() === '' ? `column_${index + 1}` : name;
    let candidate = base;
    for (let count = 2; used.has(candidate); count++) candidate = `${base}_${count}`;
    used.add(candidate);
    return candidate;
  });
}
