import pg from 'pg';
import { MAX_SAMPLE_VALUE_LENGTH } from '../sdk/values.js';

/** What the catalog says about a relation about to be sampled. */
export interface SampledRelation {
  kind: 'r' | 'p' | 'v' | 'm' | 'f';
  /** Estimated rows; `undefined` when never analysed. */
  rows: number | undefined;
  /** Heap pages on disk (summed over partitions). */
  pages: number;
}

/** How to read a sample: `TABLESAMPLE SYSTEM (percent)` of the pages, or the first rows. */
export type SamplePlan = { method: 'system'; percent: number } | { method: 'scan' };

/** Sample this many times the rows wanted, so that a random `rows` can be drawn from it. */
const OVERSAMPLE = 4;
/** Read at least this many pages, so that rows come from more than one corner of the table. */
const MIN_PAGES = 32;
/** Below this many rows per row wanted, reading the first rows costs about the same. */
const SMALL_FACTOR = 10;

/**
 * Chooses how to sample. Tables, partitioned tables and materialized views large enough to
 * matter are sampled by block (`TABLESAMPLE SYSTEM`), reading only about `OVERSAMPLE × rows`
 * rows' worth of pages (at least `MIN_PAGES` pages) wherever they lie; views, foreign tables,
 * small tables and tables never analysed are read with `LIMIT` instead.
 *
 * @example
 * planSample({ kind: 'r', rows: 1_000_000, pages: 10_000 }, 100); // { method: 'system', percent: 0.32 }
 * planSample({ kind: 'v', rows: undefined, pages: 0 }, 100); // { method: 'scan' }
 */
export function planSample(relation: SampledRelation, rows: number): SamplePlan {
  const samplable = relation.kind === 'r' || relation.kind === 'p' || relation.kind === 'm';
  const estimate = relation.rows;
  if (!samplable || estimate === undefined || relation.pages <= 0) return { method: 'scan' };
  if (estimate <= Math.max(rows * SMALL_FACTOR, 1000)) return { method: 'scan' };
  const byRows = (rows * OVERSAMPLE) / estimate;
  const byPages = Math.min(MIN_PAGES, relation.pages) / relation.pages;
  const percent = Math.min(100, 100 * Math.max(byRows, byPages));
  // Rounded up to 4 decimals: a readable literal that never rounds to 0.
  return { method: 'system', percent: Math.ceil(percent * 10_000) / 10_000 };
}

/** A column about to be sampled: its name and `pg_type.typcategory`, `typname`. */
export interface SampledColumn {
  name: string;
  category: string;
  type: string;
}

/**
 * The select list of a sample. Numbers and booleans come as the driver parses them; bytea is
 * cut to the bytes whose base64 fills `MAX_SAMPLE_VALUE_LENGTH`; every other type is read as
 * its text form cut to that length, in the server, so one huge document cannot fill the
 * worker's memory (and dates keep their own text rather than a time-zone-shifted `Date`).
 *
 * @example
 * selectList([{ name: 'Note "x"', category: 'S', type: 'text' }]); // 'left(("Note ""x""")::text, 2048) as "Note ""x"""'
 */
export function selectList(columns: readonly SampledColumn[]): string {
  return columns
    .map((column) => {
      const name = quoteIdentifier(column.name);
      if (column.category === 'N' || column.category === 'B') return name;
      if (column.type === 'bytea') {
        return `substring(${name} from 1 for ${(MAX_SAMPLE_VALUE_LENGTH / 4) * 3}) as ${name}`;
      }
      return `left((${name})::text, ${MAX_SAMPLE_VALUE_LENGTH}) as ${name}`;
    })
    .join(', ');
}

/**
 * The one way a name gets into SQL text: double-quoted with inner quotes doubled, so any
 * name (`x"; drop table y --`, spaces, unicode, mixed case) stays one identifier.
 *
 * @example
 * quoteIdentifier('MixedCase'); // '"MixedCase"'
 * quoteIdentifier('x"; drop table y --'); // '"x""; drop table y --"'
 */
export function quoteIdentifier(name: string): string {
  // PostgreSQL names cannot hold NUL; refuse rather than let the driver cut the text.
  if (name.includes('\0')) throw new TypeError('an identifier cannot contain NUL');
  return pg.escapeIdentifier(name);
}

/**
 * `"schema"."table"`, for the SQL text of a sample.
 *
 * @example
 * qualifiedName('with space', 'MixedCase'); // '"with space"."MixedCase"'
 */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/**
 * The SQL text of a sample query. Only quoted names and numbers the planner computed reach
 * the text; the numbers are checked to be finite so nothing else can.
 *
 * @example
 * sampleQuery('"public"."orders"', '"id"', { method: 'scan' }, 100); // 'select "id" from "public"."orders" limit 100'
 */
export function sampleQuery(
  relation: string,
  list: string,
  plan: SamplePlan,
  rows: number,
): string {
  if (!Number.isSafeInteger(rows) || rows < 1)
    throw new RangeError(`rows must be a positive integer`);
  if (plan.method === 'scan') return `select ${list} from ${relation} limit ${rows}`;
  if (!Number.isFinite(plan.percent) || plan.percent <= 0 || plan.percent > 100) {
    throw new RangeError(`sample percent out of range: ${plan.percent}`);
  }
  // Random order within the sampled pages: LIMIT alone would favour the first pages read.
  return `select ${list} from ${relation} tablesample system (${plan.percent}) order by random() limit ${rows}`;
}
