import type pg from 'pg';
import { ScannerError } from '../sdk/contract.js';
import type { SampledColumn, SampledRelation } from './postgres-sample-plan.js';

/**
 * What `sample` needs to know about a relation: its kind, row estimate and heap pages (to
 * plan the sample) and its columns with their type category and name (to build the select
 * list). Discovery writes it into `properties.sampling`, so a scan samples each table with
 * its data query alone; without it (older manifests, refs built by hand) `lookupHints`
 * reads the same facts from the catalog in one query.
 *
 * @example
 * const hints: SampleHints = { kind: 'r', rows: 200, pages: 5, columns: [{ name: 'id', category: 'N', type: 'int4' }] };
 */
export interface SampleHints extends SampledRelation {
  columns: SampledColumn[];
}

/** The key of `properties` that carries the hints; it stays out of the catalog. */
export const SAMPLING_PROPERTY = 'sampling';

const KINDS: ReadonlySet<string> = new Set(['r', 'p', 'v', 'm', 'f']);

/**
 * The hints of a dataset ref's properties, or `undefined` when they are missing or not of
 * the expected shape (a manifest written before they existed, a ref made by a plugin's
 * caller): the caller then looks the relation up instead. Properties come back from a JSON
 * column, so every field is checked rather than trusted.
 *
 * @example
 * hintsOf({ sampling: { kind: 'v', pages: 0, columns: [{ name: 'id', category: 'N', type: 'int4' }] } });
 * // { kind: 'v', rows: undefined, pages: 0, columns: [{ name: 'id', category: 'N', type: 'int4' }] }
 */
export function hintsOf(properties: Record<string, unknown> | undefined): SampleHints | undefined {
  const raw = properties?.[SAMPLING_PROPERTY] as Record<string, unknown> | null | undefined;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { kind, rows, pages, columns } = raw;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return undefined;
  if (rows !== undefined && rows !== null && !isCount(rows)) return undefined;
  if (!isCount(pages) || !Array.isArray(columns) || columns.length === 0) return undefined;
  const parsed: SampledColumn[] = [];
  for (const column of columns as unknown[]) {
    const { name, category, type } = (column ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || name === '' || name.includes('\0')) return undefined;
    if (typeof category !== 'string' || typeof type !== 'string') return undefined;
    parsed.push({ name, category, type });
  }
  return {
    kind: kind as SampleHints['kind'],
    rows: typeof rows === 'number' ? rows : undefined,
    pages,
    columns: parsed,
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * The relation and its columns as the catalog holds them now, in one query; partitions are
 * summed up through `pg_inherits` (as discovery does), since `pg_partition_tree` would lock
 * every partition. `$1` schema, `$2` relation name.
 */
const LOOKUP_SQL = `
select c.relkind as kind,
       case when c.relkind = 'p' then part.rows
            when c.reltuples >= 0 then c.reltuples::float8 end as rows,
       (case when c.relkind = 'p' then part.pages else greatest(c.relpages, 0) end)::int8 as pages,
       coalesce((
         select json_agg(json_build_object('name', a.attname, 'category', t.typcategory,
                                           'type', t.typname) order by a.attnum)
           from pg_attribute a
           join pg_type t on t.oid = a.atttypid
          where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       ), '[]'::json) as columns
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  left join lateral (
        with recursive tree (oid) as (
          select c.oid
          union all
          select i.inhrelid from pg_inherits i join tree on i.inhparent = tree.oid
        )
        select sum(pc.reltuples) filter (where pc.reltuples >= 0)::float8 as rows,
               coalesce(sum(greatest(pc.relpages, 0)), 0) as pages
          from tree
          join pg_class pc on pc.oid = tree.oid
         where pc.relkind not in ('p', 'I')
       ) part on c.relkind = 'p'
 where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm', 'f')`;

/**
 * Reads the hints of `schema`.`table` from the catalog; a `ScannerError('not-found')` when
 * no such table or view exists any more.
 *
 * @example
 * const hints = await lookupHints(client, 'sales', 'orders', 'shop.sales.orders');
 */
export async function lookupHints(
  client: pg.ClientBase,
  schema: string,
  table: string,
  fqn: string,
): Promise<SampleHints> {
  const { rows } = await client.query<{
    kind: SampleHints['kind'];
    rows: number | null;
    pages: string;
    columns: SampledColumn[];
  }>(LOOKUP_SQL, [schema, table]);
  const found = rows[0];
  if (!found) throw new ScannerError('not-found', `${fqn} no longer exists`);
  return {
    kind: found.kind,
    rows: found.rows ?? undefined,
    pages: Number(found.pages),
    columns: found.columns,
  };
}
