import type pg from 'pg';
import {
  ScannerError,
  type DatasetRef,
  type SampleOptions,
  type SampleRow,
} from '../sdk/contract.js';
import { toSampleValue } from '../sdk/values.js';
import {
  planSample,
  qualifiedName,
  sampleQuery,
  selectList,
  type SampledColumn,
  type SampledRelation,
} from './postgres-sample-plan.js';
import type { PostgresSessions } from './postgres-session.js';

const RELATION_SQL = `
select c.oid,
       c.relkind as kind,
       case when c.relkind = 'p' then part.rows
            when c.reltuples >= 0 then c.reltuples::float8 end as rows,
       (case when c.relkind = 'p' then part.pages else c.relpages end)::int8 as pages
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  left join lateral (
        select sum(pc.reltuples) filter (where pc.reltuples >= 0)::float8 as rows,
               coalesce(sum(pc.relpages), 0) as pages
          from pg_partition_tree(c.oid) t
          join pg_class pc on pc.oid = t.relid
         where t.isleaf and c.relkind = 'p'
       ) part on c.relkind = 'p'
 where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm', 'f')`;

const COLUMNS_SQL = `
select a.attname as name, t.typcategory as category, t.typname as type
  from pg_attribute a
  join pg_type t on t.oid = a.atttypid
 where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
 order by a.attnum`;

const CURSOR = 'governance_sample';
/** Rows per FETCH when reading the first rows: bounded memory whatever `rows` is. */
const FETCH_SIZE = 500;

/**
 * Streams at most `options.rows` rows of one dataset inside a read-only transaction, through
 * a cursor, never loading the dataset: a block sample of about `4 × rows` rows drawn at
 * random (see `planSample`), or, for views, small or never-analysed tables, and whenever the
 * block sample came back short, the first `rows` rows. A dataset dropped since discovery is a
 * `ScannerError('not-found')`.
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

  const client = await sessions.client(database);
  let failed: Error | undefined;
  let open = false;
  try {
    await client.query('begin transaction read only');
    open = true;
    const relation = await findRelation(client, schema, table, dataset.fqn);
    const columns = await findColumns(client, relation.oid, options.columns, dataset.fqn);
    const from = qualifiedName(schema, table);
    const list = selectList(columns);
    const names = columns.map((column) => column.name);

    const plan = planSample(relation, rows);
    if (plan.method === 'system') {
      // At most `rows` rows by construction; read them whole to know whether to fall back.
      const sampled = await fetchAll(client, sampleQuery(from, list, plan, rows), rows);
      if (sampled.length === rows) {
        for (const values of sampled) yield toRow(names, values);
        return;
      }
    }
    await client.query(
      `declare ${CURSOR} no scroll cursor for ${sampleQuery(from, list, { method: 'scan' }, rows)}`,
    );
    for (;;) {
      signal.throwIfAborted();
      const batch = await fetch(client, FETCH_SIZE);
      for (const values of batch) yield toRow(names, values);
      if (batch.length < FETCH_SIZE) break;
    }
  } catch (error) {
    const mapped = sessions.fail(error, database);
    // A relation or column that vanished between our catalog read and the query (42P01,
    // 42703) is the dataset having gone; say which one.
    failed =
      !(error instanceof ScannerError) &&
      mapped instanceof ScannerError &&
      mapped.kind === 'not-found'
        ? new ScannerError('not-found', `${dataset.fqn} no longer exists`, { cause: error })
        : mapped;
    throw failed;
  } finally {
    if (open && !failed) {
      // The caller may stop early: end the transaction before the session goes back.
      await client.query('rollback').catch((error: unknown) => {
        failed = error instanceof Error ? error : new Error(String(error));
      });
    }
    // A session that failed is closed rather than pooled; the server rolls it back.
    client.release(failed);
  }
}

async function findRelation(
  client: pg.ClientBase,
  schema: string,
  table: string,
  fqn: string,
): Promise<SampledRelation & { oid: number }> {
  const { rows } = await client.query<{
    oid: number;
    kind: SampledRelation['kind'];
    rows: number | null;
    pages: string;
  }>(RELATION_SQL, [schema, table]);
  const found = rows[0];
  if (!found) throw new ScannerError('not-found', `${fqn} no longer exists`);
  return {
    oid: found.oid,
    kind: found.kind,
    rows: found.rows ?? undefined,
    pages: Number(found.pages),
  };
}

async function findColumns(
  client: pg.ClientBase,
  oid: number,
  wanted: readonly string[] | undefined,
  fqn: string,
): Promise<SampledColumn[]> {
  const { rows } = await client.query<SampledColumn>(COLUMNS_SQL, [oid]);
  // Columns dropped since discovery are skipped; the others are still worth a sample.
  const columns = wanted ? rows.filter((column) => wanted.includes(column.name)) : rows;
  if (columns.length === 0) {
    throw new ScannerError('not-found', `${fqn} has none of the columns to sample any more`);
  }
  return columns;
}

async function fetchAll(client: pg.ClientBase, query: string, rows: number): Promise<unknown[][]> {
  await client.query(`declare ${CURSOR} no scroll cursor for ${query}`);
  const values = await fetch(client, rows);
  await client.query(`close ${CURSOR}`);
  return values;
}

async function fetch(client: pg.ClientBase, count: number): Promise<unknown[][]> {
  const result = await client.query<unknown[]>({
    text: `fetch forward ${count} from ${CURSOR}`,
    // Arrays, not objects: a column called `__proto__` or `constructor` must stay a column.
    rowMode: 'array',
  });
  return result.rows;
}

function toRow(names: readonly string[], values: readonly unknown[]): SampleRow {
  const row = Object.create(null) as SampleRow;
  names.forEach((name, index) => {
    row[name] = toSampleValue(values[index]);
  });
  return row;
}
