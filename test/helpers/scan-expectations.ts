import { sql, type Kysely } from 'kysely';
import type { Client as ObjectStore } from 'minio';
import type { Database } from '../../db/schema.js';
import { formatFqn } from '../../scanners/sdk/fqn.js';

/** A catalog row reduced to what a scan decides: kind, fqn, parent, type, liveness. */
export interface CatalogLine {
  kind: string;
  fqn: string;
  parent: string | null;
  dataType: string | null;
  deleted: boolean;
}

/** One dataset of a source database as the test defines it. */
export interface ExpectedDataset {
  schema: string;
  name: string;
  kind: 'table' | 'view' | 'materialized-view';
  columns: [name: string, dataType: string][];
}

/**
 * The catalog lines a scan of `database` should produce: the database and schema
 * containers, each dataset, each column, sorted by fqn.
 *
 * @example
 * expect(await catalogLines(db, sourceId)).toEqual(expectedLines(name, ['public'], datasets));
 */
export function expectedLines(
  database: string,
  schemas: readonly string[],
  datasets: readonly ExpectedDataset[],
): CatalogLine[] {
  const lines: CatalogLine[] = [
    { kind: 'container', fqn: formatFqn([database]), parent: null, dataType: null, deleted: false },
  ];
  for (const schema of schemas) {
    lines.push({
      kind: 'container',
      fqn: formatFqn([database, schema]),
      parent: formatFqn([database]),
      dataType: null,
      deleted: false,
    });
  }
  for (const dataset of datasets) {
    const path = [database, dataset.schema, dataset.name];
    lines.push({
      kind: dataset.kind,
      fqn: formatFqn(path),
      parent: formatFqn(path.slice(0, 2)),
      dataType: null,
      deleted: false,
    });
    for (const [column, dataType] of dataset.columns) {
      lines.push({
        kind: 'column',
        fqn: formatFqn([...path, column]),
        parent: formatFqn(path),
        dataType,
        deleted: false,
      });
    }
  }
  return lines.sort((a, b) => (a.fqn < b.fqn ? -1 : a.fqn > b.fqn ? 1 : 0));
}

/**
 * The catalog of one data source as `CatalogLine`s in fqn order (byte order, like
 * `expectedLines`).
 *
 * @example
 * const lines = await catalogLines(db, dataSourceId);
 */
export async function catalogLines(
  db: Kysely<Database>,
  dataSourceId: string,
): Promise<CatalogLine[]> {
  const { rows } = await sql<{
    kind: string;
    fqn: string;
    parent: string | null;
    data_type: string | null;
    deleted: boolean;
  }>`
    select a.kind, a.fqn, p.fqn as parent, a.data_type, a.deleted_at is not null as deleted
      from catalog_assets a
      left join catalog_assets p on p.id = a.parent_id
     where a.data_source_id = ${dataSourceId}::uuid
     order by a.fqn collate "C"`.execute(db);
  return rows.map((row) => ({
    kind: row.kind,
    fqn: row.fqn,
    parent: row.parent,
    dataType: row.data_type,
    deleted: row.deleted,
  }));
}

/**
 * Every line of the sample objects of one run, parsed.
 *
 * @example
 * const lines = await sampleLines(objectStore, bucket, dataSourceId, scanRunId);
 */
export async function sampleLines(
  store: ObjectStore,
  bucket: string,
  dataSourceId: string,
  scanRunId: string,
): Promise<{ key: string; fqn: string; row: Record<string, unknown> }[]> {
  const prefix = `samples/${dataSourceId}/${scanRunId}/`;
  const keys: string[] = [];
  for await (const item of store.listObjectsV2(bucket, prefix, true)) {
    if (item.name) keys.push(item.name);
  }
  const lines: { key: string; fqn: string; row: Record<string, unknown> }[] = [];
  for (const key of keys.sort()) {
    const stream = await store.getObject(bucket, key);
    let text = '';
    for await (const chunk of stream) text += (chunk as Buffer).toString('utf8');
    for (const line of text.split('\n').filter(Boolean)) {
      const parsed = JSON.parse(line) as { fqn: string; row: Record<string, unknown> };
      lines.push({ key, ...parsed });
    }
  }
  return lines;
}
