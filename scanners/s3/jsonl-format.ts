import type { SampleRow } from '../sdk/contract.js';
import { toSampleValue } from '../sdk/values.js';
import type { FileRef, FileSchema, FormatReader } from './file-schema.js';
import { finishTally, newTally, observeJson, type ColumnTally } from './infer-types.js';
import {
  HEAD_PLAN,
  SAMPLE_PLAN,
  completeLines,
  linesOf,
  objectChunks,
  type ChunkPlan,
  type ChunkState,
} from './ranged-reader.js';
import type { S3Access } from './s3-access.js';
import { shown } from './s3-errors.js';

/** Lines whose objects decide the columns and their types. */
export const JSONL_HEAD_ROWS = 1000;

/** Objects with ever-new keys (ids as keys) would make a column per key: stop counting here. */
const MAX_COLUMNS = 1000;

/**
 * JSON Lines: one JSON object per line. Columns are the top-level keys in order of first
 * appearance across the first `JSONL_HEAD_ROWS` lines (of at most 1 MiB); a key missing from
 * some lines, or `null` in one, is nullable; nested objects and arrays are `json`. A line that
 * is no JSON object makes the file `corrupt` (its line is named), the others still count.
 *
 * @example
 * const schema = await jsonlReader.inspect(s3, { key, size, format, tab: false });
 * for await (const row of jsonlReader.sample(s3, { key, size, format, tab: false }, { rows: 10 })) rows.push(row);
 */
export const jsonlReader: FormatReader = {
  async inspect(s3, file) {
    const state: ChunkState = { truncated: false, bytes: 0 };
    const tallies = new Map<string, ColumnTally>();
    let rows = 0;
    let lastEnd = 0;
    let complete = true;
    let bad = 0;
    let firstBad: { number: number; reason: string } | undefined;
    for await (const { line, number, end } of lines(s3, file, HEAD_PLAN, state)) {
      if (line.trim() === '') continue;
      const parsed = parseObject(line);
      if ('reason' in parsed) {
        bad++;
        firstBad ??= { number, reason: parsed.reason };
        continue;
      }
      rows++;
      lastEnd = end;
      for (const [name, value] of Object.entries(parsed.object)) {
        let tally = tallies.get(name);
        if (!tally) {
          if (tallies.size >= MAX_COLUMNS) continue;
          tally = newTally();
          tallies.set(name, tally);
        }
        observeJson(tally, value);
      }
      if (rows >= JSONL_HEAD_ROWS) {
        complete = false;
        break;
      }
    }
    const schema: FileSchema = {
      columns: [...tallies].map(([name, tally]) => {
        const { dataType, nullable } = finishTally(tally);
        // Lines without the key count as nulls: JSON Lines has no schema forcing it to appear.
        return { name, dataType, nullable: nullable || tally.values + tally.nulls < rows };
      }),
      properties: {
        rowsInspected: rows,
        bytesInspected: state.bytes,
        ...(tallies.size >= MAX_COLUMNS ? { columnsCapped: MAX_COLUMNS } : {}),
      },
    };
    if (complete && !state.truncated) schema.rowEstimate = rows;
    else if (lastEnd > 0) schema.rowEstimate = Math.round((rows * file.size) / lastEnd);
    if (firstBad) {
      schema.problem = {
        kind: 'corrupt',
        message:
          `file ${shown(file.key)}: line ${firstBad.number} ${firstBad.reason} ` +
          `(${bad} unreadable line${bad === 1 ? '' : 's'} among the first ${rows + bad})`,
      };
    }
    return schema;
  },

  async *sample(s3, file, options) {
    if (options.rows <= 0) return;
    const state: ChunkState = { truncated: false, bytes: 0 };
    let count = 0;
    for await (const { line } of lines(s3, file, SAMPLE_PLAN, state)) {
      const parsed = line.trim() === '' ? undefined : parseObject(line);
      // Unreadable lines were reported by discovery; the sample is made of the readable ones.
      if (!parsed || 'reason' in parsed) continue;
      const row: SampleRow = {};
      for (const [name, value] of Object.entries(parsed.object)) {
        if (!options.columns || options.columns.includes(name)) row[name] = toSampleValue(value);
      }
      yield row;
      if (++count >= options.rows) return;
    }
  },
};

function lines(s3: S3Access, file: FileRef, plan: ChunkPlan, state: ChunkState) {
  return linesOf(completeLines(objectChunks(s3, file.key, file.size, plan, state), state));
}

function parseObject(line: string): { object: Record<string, unknown> } | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    // V8's message quotes the line itself, which may hold personal data: keep the offset only.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    return {
      reason: `is not valid JSON${position === undefined ? '' : ` (at character ${position})`}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { reason: 'is not a JSON object' };
  }
  return { object: value as Record<string, unknown> };
}
