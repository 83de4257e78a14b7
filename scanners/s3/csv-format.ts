import { Readable } from 'node:stream';
import { CsvError, parse, type Info, type Options } from 'csv-parse';
import { parse as parseWhole } from 'csv-parse/sync';
import { ScannerError, type SampleRow } from '../sdk/contract.js';
import { toSampleValue } from '../sdk/values.js';
import { detectDelimiter, delimiterName, type Delimiter } from './csv-dialect.js';
import { uniqueNames, type FileRef, type FileSchema, type FormatReader } from './file-schema.js';
import { finishTally, newTally, observeText } from './infer-types.js';
import {
  HEAD_PLAN,
  SAMPLE_PLAN,
  completeLines,
  objectChunks,
  type ChunkPlan,
  type ChunkState,
} from './ranged-reader.js';
import type { S3Access } from './s3-access.js';
import { shown } from './s3-errors.js';

/** Data rows whose values decide the column types. */
export const CSV_HEAD_ROWS = 1000;

/** One record longer than this is taken for a broken file, not buffered without end. */
const MAX_RECORD_BYTES = 1024 * 1024;

interface CsvRecord {
  fields: string[];
  /** Line where the record ends (1-based), for messages. */
  line: number;
  /** Bytes parsed up to the end of this record. */
  bytes: number;
}

interface OpenCsv {
  delimiter: Delimiter;
  records: AsyncGenerator<CsvRecord>;
  state: ChunkState;
}

/**
 * CSV and other delimited text (`,` `;` tab `|`, detected from the first lines unless the
 * extension says tab). The first record is the header. Types come from the first
 * `CSV_HEAD_ROWS` rows of at most 1 MiB; an empty cell counts as null. A row with more or
 * fewer fields than the header makes the file `corrupt` (its line is named), but it is still
 * described from what could be read.
 *
 * @example
 * const schema = await csvReader.inspect(s3, { key, size, format, tab: false });
 * for await (const row of csvReader.sample(s3, { key, size, format, tab: false }, { rows: 10 })) rows.push(row);
 */
export const csvReader: FormatReader = {
  async inspect(s3, file) {
    const { delimiter, records, state } = await openCsv(s3, file, HEAD_PLAN);
    let header: string[] | undefined;
    let tallies = [newTally()];
    let rows = 0;
    let lastBytes = 0;
    let complete = true;
    let ragged = 0;
    let firstRagged: CsvRecord | undefined;
    for await (const record of records) {
      if (!header) {
        header = uniqueNames(record.fields);
        tallies = header.map(() => newTally());
        continue;
      }
      rows++;
      lastBytes = record.bytes;
      if (record.fields.length !== header.length) {
        ragged++;
        firstRagged ??= record;
      }
      tallies.forEach((tally, index) => observeText(tally, record.fields[index]));
      if (rows >= CSV_HEAD_ROWS) {
        complete = false;
        break;
      }
    }
    const schema: FileSchema = {
      columns: (header ?? []).map((name, index) => ({ name, ...finishTally(tallies[index]!) })),
      properties: {
        delimiter: delimiterName(delimiter),
        header: true,
        rowsInspected: rows,
        bytesInspected: state.bytes,
      },
    };
    if (complete && !state.truncated) schema.rowEstimate = rows;
    else if (lastBytes > 0) schema.rowEstimate = Math.round((rows * file.size) / lastBytes);
    if (firstRagged && header) {
      schema.problem = {
        kind: 'corrupt',
        message:
          `file ${shown(file.key)}: line ${firstRagged.line} has ${firstRagged.fields.length} fields ` +
          `where the header has ${header.length} (${ragged} such row${ragged === 1 ? '' : 's'} ` +
          `among the first ${rows})`,
      };
    }
    return schema;
  },

  async *sample(s3, file, options) {
    if (options.rows <= 0) return;
    const { records } = await openCsv(s3, file, SAMPLE_PLAN);
    let header: string[] | undefined;
    let wanted: number[] = [];
    let count = 0;
    for await (const record of records) {
      if (!header) {
        header = uniqueNames(record.fields);
        const names = header;
        wanted = names.flatMap((name, index) =>
          !options.columns || options.columns.includes(name) ? [index] : [],
        );
        continue;
      }
      const row: SampleRow = {};
      for (const index of wanted) row[header[index]!] = cell(record.fields[index]);
      yield row;
      if (++count >= options.rows) return;
    }
  },
};

function cell(text: string | undefined): SampleRow[string] {
  return text === undefined || text === '' ? null : toSampleValue(text);
}

const PARSE_OPTIONS: Options = {
  bom: true,
  info: true,
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  max_record_size: MAX_RECORD_BYTES,
};

/**
 * Starts parsing an object: reads the first chunk, picks the delimiter, streams the rest. A
 * file that fits in one request is parsed at once, without the stream machinery: small
 * files are most of many buckets, and their cost is then the request alone.
 */
async function openCsv(s3: S3Access, file: FileRef, plan: ChunkPlan): Promise<OpenCsv> {
  const state: ChunkState = { truncated: false, bytes: 0 };
  if (file.size <= plan.firstChunk) {
    const body = await s3.read(file.key, 0, file.size);
    state.bytes = body.length;
    const delimiter = file.tab ? '\t' : detectDelimiter(body.toString('utf8', 0, 64 * 1024));
    return { delimiter, records: parsedAtOnce(body, delimiter, file.key), state };
  }
  const lines = completeLines(objectChunks(s3, file.key, file.size, plan, state), state);
  const first = await lines.next();
  const detected: Delimiter = file.tab ? '\t' : ',';
  if (first.done) return { delimiter: detected, records: noRecords(), state };
  const delimiter = file.tab ? '\t' : detectDelimiter(first.value.toString('utf8'));
  const source = lazySource(prepend(first.value, lines));
  const parser = parse({ ...PARSE_OPTIONS, delimiter });
  source.once('error', (error) => parser.destroy(error));
  source.pipe(parser);
  return { delimiter, records: recordsOf(parser, source, state, file.key), state };
}

async function* parsedAtOnce(
  body: Buffer,
  delimiter: Delimiter,
  key: string,
): AsyncGenerator<CsvRecord> {
  let parsed: { record: string[]; info: Info }[];
  try {
    parsed = parseWhole(body, { ...PARSE_OPTIONS, delimiter }) as unknown as typeof parsed;
  } catch (error) {
    throw csvFailure(error, key);
  }
  for (const { record, info } of parsed)
    yield { fields: record, line: info.lines, bytes: info.bytes };
}

function csvFailure(error: unknown, key: string): unknown {
  if (!(error instanceof CsvError)) return error;
  return new ScannerError('corrupt', `file ${shown(key)}: ${error.message}`, { cause: error });
}

async function* recordsOf(
  parser: AsyncIterable<unknown> & { destroy(): void },
  source: Readable,
  state: ChunkState,
  key: string,
): AsyncGenerator<CsvRecord> {
  try {
    for await (const item of parser) {
      const { record, info } = item as { record: string[]; info: Info };
      yield { fields: record, line: info.lines, bytes: info.bytes };
    }
  } catch (error) {
    // A quoted field spanning lines can be cut by the read limit: that is the limit, not a fault.
    if (error instanceof CsvError && error.code === 'CSV_QUOTE_NOT_CLOSED' && state.truncated)
      return;
    throw csvFailure(error, key);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/**
 * A byte stream that asks its source for the next chunk only when the parser has taken the
 * last one (`Readable.from` reads one ahead): the next ranged GET waits until it is needed.
 */
function lazySource(chunks: AsyncGenerator<Buffer>): Readable {
  return new Readable({
    highWaterMark: 0,
    read() {
      chunks.next().then(
        ({ value, done }) => this.push(done ? null : value),
        (error: unknown) => this.destroy(error as Error),
      );
    },
    destroy(error, callback) {
      chunks.return(undefined).then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
}

async function* prepend(first: Buffer, rest: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield first;
    yield* rest;
  } finally {
    await rest.return(undefined);
  }
}

async function* noRecords(): AsyncGenerator<CsvRecord> {
  yield* [];
}
