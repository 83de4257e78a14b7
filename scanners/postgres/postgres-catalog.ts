import type pg from 'pg';
import type { DiscoveredContainer, DiscoveredItem } from '../sdk/contract.js';
import { formatFqn } from '../sdk/fqn.js';
import {
  COLUMNS_SQL,
  DATABASE_SQL,
  KEYS_SQL,
  RELATIONS_SQL,
  SCHEMAS_SQL,
} from './postgres-catalog-sql.js';
import { toDataset, type ColumnRow, type KeyRow, type RelationRow } from './postgres-datasets.js';

export interface CatalogReadOptions {
  database: string;
  schemas: { include: string[] | null; exclude: string[] };
  batchSize: number;
  signal: AbortSignal;
}

/**
 * Reads one database's catalog: the database container, its schemas, then its datasets.
 * Relations come in keyset batches of `batchSize` by oid, each followed by one query for the
 * batch's columns and one for its keys, so memory holds one batch and the number of queries
 * is 2 + 3 × ⌈relations / batchSize⌉ whatever the number of tables. Within a database,
 * datasets come in oid (creation) order, since that order is the cheap one to resume from.
 *
 * @example
 * for await (const item of readCatalog(client, { database: 'shop', schemas, batchSize: 500, signal })) {
 *   console.log(item.kind, item.fqn);
 * }
 */
export async function* readCatalog(
  client: pg.ClientBase,
  options: CatalogReadOptions,
): AsyncGenerator<DiscoveredItem> {
  const { database, schemas, batchSize, signal } = options;
  const filter = [schemas.exclude, schemas.include];

  const { rows: databaseRows } = await client.query<{
    owner: string;
    encoding: string;
    comment: string | null;
  }>(DATABASE_SQL);
  const about = databaseRows[0];
  yield container('database', [database], about?.comment, {
    owner: about?.owner,
    encoding: about?.encoding,
  });

  const { rows: schemaRows } = await client.query<{
    name: string;
    owner: string;
    comment: string | null;
  }>(SCHEMAS_SQL, filter);
  for (const schema of schemaRows) {
    yield container('schema', [database, schema.name], schema.comment, { owner: schema.owner });
  }

  let after = 0;
  for (;;) {
    signal.throwIfAborted();
    const { rows: relations } = await client.query<RelationRow>(RELATIONS_SQL, [
      ...filter,
      after,
      batchSize,
    ]);
    if (relations.length === 0) return;
    const oids = relations.map((relation) => relation.oid);
    const { rows: columns } = await client.query<ColumnRow>(COLUMNS_SQL, [oids]);
    const { rows: keys } = await client.query<KeyRow>(KEYS_SQL, [oids]);

    const columnsOf = groupBy(columns, (column) => column.oid);
    const keysOf = groupBy(keys, (key) => key.oid);
    for (const relation of relations) {
      yield toDataset(
        database,
        relation,
        columnsOf.get(relation.oid) ?? [],
        keysOf.get(relation.oid) ?? [],
      );
    }
    // A short batch is the last one: no need to ask for an empty one.
    if (relations.length < batchSize) return;
    after = relations[relations.length - 1]!.oid;
  }
}

function container(
  containerType: 'database' | 'schema',
  path: string[],
  comment: string | null | undefined,
  properties: Record<string, unknown>,
): DiscoveredContainer {
  const item: DiscoveredContainer = {
    kind: 'container',
    containerType,
    fqn: formatFqn(path),
    path,
    name: path[path.length - 1]!,
    properties,
  };
  if (path.length > 1) item.parentFqn = formatFqn(path.slice(0, -1));
  if (comment) item.comment = comment;
  return item;
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
