import type pg from 'pg';
import {
  ScannerError,
  type DatasetRef,
  type SampleOptions,
  type SampleRow,
} from '../sdk/contract.js';
import { toSampleValue } from '../sdk/values.js';
import { hintsOf, lookupHints, type SampleHints } from './postgres-sample-hints.js';
import {
  planSample,
  qualifiedName,
  sampleQuery,
  selectList,
  type SampledColumn,
} from './postgres-sample-plan.js';
import type { PostgresSessions } from './postgres-session.js';

const CURSOR = 'governance_sample';
/**
 * Rows per FETCH when reading more first rows than this: bounded memory whatever `rows` is.
 * Up to this many, one plain `SELECT … LIMIT` holds no more than one FETCH would.
 */
const FETCH_SIZE = 500;

/**
 * Streams at most `options.rows` rows of one dataset, never loading the dataset: a block
 * sample of about `4 × rows` rows drawn at random (see `planSample`), or, for views, small
 * or never-analysed tables, and whenever the block sample came back short, the first `rows`
 * rows. A dataset dropped since discovery is a `ScannerError('not-found')`.
 *
 * What to read comes from the hints discovery left in `properties.sampling`, so a small
 * table costs one statement: `SELECT … LIMIT n` in the session's implicit transaction, which
 * is read-only by default (`default_transaction_read_only`) and bounded by the statement
 * timeout. Without hints the relation is looked up first (one more statement). The data
 * query names the table, not its oid: a table dropped and created again under the same name
 * since discovery is the same dataset to the catalog (keyed by fqn) and is sampled. When
 * the hints no longer fit it (a column dropped, renamed or retyped: SQLSTATE class 42
 * other than a missing table or privilege), the relation is looked up and sampled again.
 * A column retyped in a way the select list still reads (text to integer, say) is read as
 * discovery saw it until the next scan; `toSampleValue` cuts every value to size anyway.
 * Only more than `FETCH_SIZE` first rows go through a cursor, in a read-only transaction.
 *
 * @example
 * for await (const row of sampleDataset(sessions, databases, dataset, { rows: 100 }, signal)) {
 *   console.log(row);
 * }
 */
export async function* sampleDataset(
  sessions: PostgresSessions,
  databases: readonly string[],
  dataset: DatasetRef,
  options: SampleOptions,
  signal: AbortSignal,
): AsyncGenerator<SampleRow> {
  const [database, schema, table, ...rest] = dataset.path;
  if (database === undefined || schema === undefined || table === undefined || rest.length > 0) {
    throw new ScannerError('not-found', `${dataset.fqn} is not a PostgreSQL table or view`);
  }
  if (!databases.includes(database)) {
    throw new ScannerError(
      'not-found',
      `database "${database}" of ${dataset.fqn} is not configured`,
    );
  }
  const rows = Math.floor(options.rows);
  if (!(rows >= 1)) return;

  const from = qualifiedName(schema, table);
  const client = await sessions.client(database);
  let failed: Error | undefined;
  try {
    let hints = hintsOf(dataset.properties);
    let looked = false;
    for (;;) {
      if (!hints) {
        signal.throwIfAborted();
        hints = await lookupHints(client, schema, table, dataset.fqn);
        looked = true;
      }
      const columns = pick(hints.columns, options.columns);
      if (columns.length === 0) {
        // Hints may predate a column added since; only the catalog can say there is none.
        if (!looked) {
          hints = undefined;
          continue;
        }
        throw new ScannerError(
          'not-found',
          `${dataset.fqn} has none of the columns to sample any more`,
        );
      }
      const names = columns.map((column) => column.name);
      let yielded = false;
      try {
        // Batches of value arrays, turned into rows here: one generator step per row.
        for await (const batch of read(client, from, hints, columns, rows, signal)) {
          yielded = true;
          for (const values of batch) yield toRow(names, values);
        }
        return;
      } catch (error) {
        if (looked || yielded || !outdated(error)) throw error;
        hints = undefined;
      }
    }
  } catch (error) {
    const mapped = sessions.fail(error, database);
    // A relation that vanished between discovery and the query (42P01, 3F000) is the
    // dataset having gone; say which one.
    failed =
      !(error instanceof ScannerError) &&
      mapped instanceof ScannerError &&
      mapped.kind === 'not-found'
        ? new ScannerError('not-found', `${dataset.fqn} no longer exists`, { cause: error })
        : mapped;
    throw failed;
  } finally {
    // A session that failed is closed rather than pooled.
    client.release(failed);
  }
}

/**
 * The sample's rows as value arrays, a batch at a time: the planned query, then the first
 * rows if a block sample fell short.
 */
async function* read(
  client: pg.ClientBase,
  from: string,
  hints: SampleHints,
  columns: readonly SampledColumn[],
  rows: number,
  signal: AbortSignal,
): AsyncGenerator<unknown[][]> {
  const list = selectList(columns);
  const plan = planSample(hints, rows);
  if (plan.method === 'system') {
    signal.throwIfAborted();
    // At most `rows` rows by construction; read whole to know whether to fall back.
    const sampled = await select(client, sampleQuery(from, list, plan, rows));
    if (sampled.length === rows) {
      yield sampled;
      return;
    }
  }
  const first = sampleQuery(from, list, { method: 'scan' }, rows);
  if (rows <= FETCH_SIZE) {
    signal.throwIfAborted();
    yield await select(client, first);
    return;
  }
  yield* readByCursor(client, first, signal);
}

/** More rows than one FETCH: a cursor in a read-only transaction, ended whatever happens. */
async function* readByCursor(
  client: pg.ClientBase,
  query: string,
  signal: AbortSignal,
): AsyncGenerator<unknown[][]> {
  signal.throwIfAborted();
  await client.query('begin transaction read only');
  try {
    await client.query(`declare ${CURSOR} no scroll cursor for ${query}`);
    for (;;) {
      signal.throwIfAborted();
      const batch = await select(client, `fetch forward ${FETCH_SIZE} from ${CURSOR}`);
      yield batch;
      if (batch.length < FETCH_SIZE) break;
    }
  } finally {
    // Also when the caller stops early or a statement failed: the session goes back clean.
    await client.query('rollback');
  }
}

async function select(client: pg.ClientBase, text: string): Promise<unknown[][]> {
  // Arrays, not objects: a column called `__proto__` or `constructor` must stay a column.
  const result = await client.query<unknown[]>({ text, rowMode: 'array' });
  return result.rows;
}

/** The wanted columns in table order; all when none are named. Dropped ones are skipped. */
function pick(columns: SampledColumn[], wanted: readonly string[] | undefined): SampledColumn[] {
  return wanted ? columns.filter((column) => wanted.includes(column.name)) : columns;
}

/**
 * Whether the data query failed because the hints no longer describe the relation: a
 * column gone or renamed (42703), retyped so that the select list no longer applies (42883,
 * 42804), or a table turned view (42601 for TABLESAMPLE). A missing relation (42P01) or
 * privilege (42501) is the answer itself, and looking up would not change it.
 */
function outdated(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  return code.startsWith('42') && code !== '42P01' && code !== '42501';
}

function toRow(names: readonly string[], values: readonly unknown[]): SampleRow {
  const row = Object.create(null) as SampleRow;
  for (let index = 0; index < names.length; index++) {
    row[names[index]!] = toSampleValue(values[index]);
  }
  return row;
}
