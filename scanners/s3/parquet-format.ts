import {
  parquetMetadata,
  parquetReadObjects,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
  type SchemaElement,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { ScannerError, type SampleRow } from '../sdk/contract.js';
import { toSampleValue } from '../sdk/values.js';
import type { FileRef, FormatReader } from './file-schema.js';
import { parquetColumns } from './parquet-types.js';
import type { S3Access } from './s3-access.js';
import { shown } from './s3-errors.js';

/** Read from the end of a file first: in almost every file, the whole footer fits. */
const FOOTER_FETCH_BYTES = 64 * 1024;

/** Footers beyond this (thousands of row groups × columns) are refused rather than held. */
const MAX_FOOTER_BYTES = 64 * 1024 * 1024;

const MAGIC = 0x31524150; // "PAR1", little-endian

/**
 * Parquet: the schema and row count come from the footer alone, read with one ranged request
 * of the file's last 64 KiB (a second one when the footer is larger); the data pages are
 * never touched during discovery. Sampling reads the footer, then only the pages of the
 * requested columns that hold the first rows (through the offset index when there is one).
 *
 * @example
 * const schema = await parquetReader.inspect(s3, { key, size, format, tab: false });
 * for await (const row of parquetReader.sample(s3, { key, size, format, tab: false }, { rows: 10 })) rows.push(row);
 */
export const parquetReader: FormatReader = {
  async inspect(s3, file) {
    const { metadata, footerBytes } = await readMetadata(s3, file);
    const rows = Number(metadata.num_rows);
    const codecs = new Set(
      metadata.row_groups.flatMap((group) => group.columns.map((c) => c.meta_data?.codec)),
    );
    codecs.delete(undefined);
    return {
      columns: parquetColumns(parquetSchema(metadata)),
      rowEstimate: rows,
      properties: {
        rowCount: rows,
        rowGroups: metadata.row_groups.length,
        footerBytes,
        ...(metadata.created_by ? { createdBy: metadata.created_by } : {}),
        ...(codecs.size > 0 ? { compression: [...codecs].sort() } : {}),
      },
    };
  },

  async *sample(s3, file, options) {
    if (options.rows <= 0) return;
    const { metadata } = await readMetadata(s3, file);
    const fields = parquetSchema(metadata).children.map((child) => child.element);
    const names = fields.map((field) => field.name);
    // hyparquet gives a DATE as a Date at midnight UTC; the calendar day is the value.
    const dates = new Set(fields.filter(isDate).map((field) => field.name));
    const columns = options.columns
      ? names.filter((name) => options.columns!.includes(name))
      : names;
    const rowEnd = Math.min(options.rows, Number(metadata.num_rows));
    if (columns.length === 0) {
      // None of the wanted columns is stored here (a file set's partition columns only).
      for (let index = 0; index < rowEnd; index++) yield {};
      return;
    }
    if (rowEnd === 0) return;
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({
        file: rangedBuffer(s3, file),
        metadata,
        columns,
        rowStart: 0,
        rowEnd,
        compressors,
        useOffsetIndex: true,
      });
    } catch (error) {
      if (error instanceof ScannerError) throw error;
      throw corrupt(file, `data pages are unreadable (${firstLine(error)})`, error);
    }
    for (const row of rows) {
      const sampled: SampleRow = {};
      for (const name of columns) {
        const value = row[name];
        const sampledValue = toSampleValue(value);
        sampled[name] =
          dates.has(name) && typeof sampledValue === 'string'
            ? sampledValue.slice(0, 10)
            : sampledValue;
      }
      yield sampled;
    }
  },
};

/**
 * The file's metadata from its footer: `PAR1` magic, a 4-byte length, the Thrift-encoded
 * metadata before them. Anything off (a truncated upload, another format with a `.parquet`
 * name) is `corrupt`, naming the offset where the footer was expected.
 */
async function readMetadata(
  s3: S3Access,
  file: FileRef,
): Promise<{ metadata: FileMetaData; footerBytes: number }> {
  if (file.size < 12) throw corrupt(file, `${file.size} bytes is too short for a Parquet file`);
  const tailStart = Math.max(0, file.size - FOOTER_FETCH_BYTES);
  const tail = await s3.read(file.key, tailStart, file.size);
  if (tail.length < 8 || tail.readUInt32LE(tail.length - 4) !== MAGIC) {
    throw corrupt(
      file,
      `no Parquet footer: the last 4 bytes (offset ${file.size - 4}) are not "PAR1"`,
    );
  }
  const length = tail.readUInt32LE(tail.length - 8);
  const start = file.size - 8 - length;
  if (start < 4 || length > MAX_FOOTER_BYTES) {
    throw corrupt(
      file,
      `the footer claims ${length} bytes of metadata, which the file cannot hold`,
    );
  }
  let footer: Buffer;
  if (start >= tailStart) footer = tail.subarray(start - tailStart);
  else footer = Buffer.concat([await s3.read(file.key, start, tailStart), tail]);
  try {
    return { metadata: parquetMetadata(footer), footerBytes: length };
  } catch (error) {
    throw corrupt(file, `the footer at offset ${start} is unreadable (${firstLine(error)})`, error);
  }
}

/** hyparquet's view of a file: every slice is a ranged GET, so only what it asks is read. */
function rangedBuffer(s3: S3Access, file: FileRef): AsyncBuffer {
  return {
    byteLength: file.size,
    async slice(start, end) {
      const body = await s3.read(file.key, start, end ?? file.size);
      return body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer;
    },
  };
}

function isDate(field: SchemaElement): boolean {
  return field.logical_type?.type === 'DATE' || field.converted_type === 'DATE';
}

function corrupt(file: FileRef, detail: string, cause?: unknown): ScannerError {
  return new ScannerError('corrupt', `file ${shown(file.key)}: ${detail}`, { cause });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
