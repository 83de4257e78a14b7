import { csvReader } from './csv-format.js';
import type { FileRef, FormatReader } from './file-schema.js';
import { jsonlReader } from './jsonl-format.js';
import { parquetReader } from './parquet-format.js';

/** File formats the scanner reads. Tab-separated files are CSV with a tab delimiter. */
export type FileFormat = 'csv' | 'jsonl' | 'parquet';

const EXTENSIONS: Readonly<Record<string, { format: FileFormat; tab: boolean }>> = {
  '.csv': { format: 'csv', tab: false },
  '.tsv': { format: 'csv', tab: true },
  '.tab': { format: 'csv', tab: true },
  '.jsonl': { format: 'jsonl', tab: false },
  '.ndjson': { format: 'jsonl', tab: false },
  '.parquet': { format: 'parquet', tab: false },
  '.parq': { format: 'parquet', tab: false },
  '.pq': { format: 'parquet', tab: false },
};

/**
 * The reader of each supported format.
 *
 * @example
 * await FORMAT_READERS.parquet.inspect(s3, { key: 'a.parquet', size, format: 'parquet', tab: false });
 */
export const FORMAT_READERS: Readonly<Record<FileFormat, FormatReader>> = {
  csv: csvReader,
  jsonl: jsonlReader,
  parquet: parquetReader,
};

/**
 * The lower-cased extension of a key's file name, with its dot; empty when there is none.
 *
 * @example
 * extensionOf('exports/Customers.CSV'); // '.csv'
 * extensionOf('README'); // ''
 */
export function extensionOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/**
 * The format an extension names (`.csv`, `.tsv`, `.tab`, `.jsonl`, `.ndjson`, `.parquet`,
 * `.parq`, `.pq`), or `undefined`.
 *
 * @example
 * formatOfExtension('.tsv'); // { format: 'csv', tab: true }
 */
export function formatOfExtension(
  extension: string,
): { format: FileFormat; tab: boolean } | undefined {
  return Object.hasOwn(EXTENSIONS, extension) ? EXTENSIONS[extension] : undefined;
}

/**
 * How to read an object found again at sampling time: the format its extension names, or
 * the one discovery recorded when the extension says nothing.
 *
 * @example
 * fileRefOf('exports/a.tsv', 120, undefined); // { key, size: 120, format: 'csv', tab: true }
 */
export function fileRefOf(key: string, size: number, recorded: unknown): FileRef | undefined {
  const known = formatOfExtension(extensionOf(key));
  if (known) return { key, size, ...known };
  if (recorded === 'csv' || recorded === 'jsonl' || recorded === 'parquet') {
    return { key, size, format: recorded, tab: false };
  }
  return undefined;
}
