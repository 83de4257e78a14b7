import { sql, type Kysely } from 'kysely';
import { keysetPage, type Page, type PageRequest } from '../keyset-page.js';
import type { Database, ScanChangeKind } from '../schema.js';

type Db = Kysely<Database>;

/**
 * One change a scan made to the catalog.
 *
 * @example
 * const { items } = await listScanDiff(db, scanRunId, { limit: 50, after: null }); items[0]?.change; // 'added'
 */
export interface ScanChange {
  fqn: string;
  change: ScanChangeKind;
  /** `container`, the dataset type (`table`, `view`, …) or `column`. */
  assetKind: string;
  assetId: string | null;
  /** For columns: the dataset they belong to, and their own name. */
  datasetFqn: string | null;
  columnName: string | null;
  /** For type changes (and removals): the type before; for additions and type changes: after. */
  oldType: string | null;
  newType: string | null;
}

/**
 * Counts of a run's diff, by what changed.
 *
 * @example
 * const { datasetsAdded, typesChanged } = await scanDiffSummary(db, scanRunId);
 */
export interface ScanDiffSummary {
  containersAdded: number;
  containersRemoved: number;
  datasetsAdded: number;
  datasetsRemoved: number;
  columnsAdded: number;
  columnsRemoved: number;
  typesChanged: number;
  total: number;
}

/**
 * The keyset of `listScanDiff`: changes in fqn order, then by kind of change.
 *
 * @example
 * const after = decodeCursor(query.cursor, z.strictObject({ fqn: z.string(), change: z.string() })) as ScanDiffCursor | null;
 */
export type ScanDiffCursor = { fqn: string; change: string };

/**
 * Records changes at most once per (run, fqn, change): a retried batch adds nothing.
 *
 * @example
 * await recordChanges(trx, scanRunId, [{ fqn: 'shop.public.orders', change: 'added', assetKind: 'table', … }]);
 */
export async function recordChanges(
  db: Db,
  scanRunId: string,
  changes: readonly ScanChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await db
    .insertInto('scan_changes')
    .values(
      changes.map((change) => ({
        scan_run_id: scanRunId,
        fqn: change.fqn,
        change: change.change,
        asset_kind: change.assetKind,
        asset_id: change.assetId,
        dataset_fqn: change.datasetFqn,
        column_name: change.columnName,
        old_type: change.oldType,
        new_type: change.newType,
      })),
    )
    .onConflict((oc) => oc.columns(['scan_run_id', 'fqn', 'change']).doNothing())
    .execute();
}

/**
 * Marks deleted every live asset of the source that this run did not see, and records them
 * as removed: containers and datasets each, columns only where their dataset stays (a
 * dropped table's columns go with it). Call only for a run that discovered the whole source.
 *
 * @example
 * const removed = await removeUnseenAssets(trx, { dataSourceId, scanRunId });
 */
export async function removeUnseenAssets(
  db: Db,
  scope: { dataSourceId: string; scanRunId: string },
): Promise<number> {
  const { rows } = await sql<{ removed: number }>`
    with gone as (
      update catalog_assets
         set deleted_at = now(), deleted_by_scan_id = ${scope.scanRunId}::uuid,
             version = version + 1, updated_at = now()
       where data_source_id = ${scope.dataSourceId}::uuid
         and deleted_at is null
         and last_seen_scan_id is distinct from ${scope.scanRunId}::uuid
      returning id, fqn, kind, name, data_type, parent_id
    ),
    recorded as (
      insert into scan_changes (scan_run_id, fqn, change, asset_kind, asset_id, dataset_fqn,
                                column_name, old_type)
      select ${scope.scanRunId}::uuid, g.fqn, 'removed', g.kind, g.id,
             case when g.kind = 'column' then p.fqn end,
             case when g.kind = 'column' then g.name end,
             g.data_type
        from gone g
        left join catalog_assets p on p.id = g.parent_id
       where g.kind <> 'column' or not exists (select 1 from gone d where d.id = g.parent_id)
      on conflict (scan_run_id, fqn, change) do nothing
      returning 1
    )
    select (select count(*) from gone)::int as removed`.execute(db);
  return rows[0]?.removed ?? 0;
}

/**
 * One page of a run's diff: datasets and columns added, removed and type-changed, in fqn
 * order (served by the primary key).
 *
 * @example
 * const page = await listScanDiff(db, scanRunId, { limit: 50, after: decodeCursor(cursor) });
 */
export async function listScanDiff(
  db: Db,
  scanRunId: string,
  page: PageRequest<ScanDiffCursor>,
): Promise<Page<ScanChange>> {
  return keysetPage({
    ...page,
    fetch: async ({ limit, after }) => {
      let query = db
        .selectFrom('scan_changes')
        .select([
          'fqn',
          'change',
          'asset_kind',
          'asset_id',
          'dataset_fqn',
          'column_name',
          'old_type',
          'new_type',
        ])
        .where('scan_run_id', '=', scanRunId)
        .orderBy('fqn')
        .orderBy('change')
        .limit(limit);
      if (after) query = query.where(sql<boolean>`(fqn, change) > (${after.fqn}, ${after.change})`);
      const rows = await query.execute();
      return rows.map((row): ScanChange => ({
        fqn: row.fqn,
        change: row.change,
        assetKind: row.asset_kind,
        assetId: row.asset_id,
        datasetFqn: row.dataset_fqn,
        columnName: row.column_name,
        oldType: row.old_type,
        newType: row.new_type,
      }));
    },
    cursorOf: (change) => ({ fqn: change.fqn, change: change.change }),
  });
}

/**
 * The counts of a run's diff.
 *
 * @example
 * const { datasetsAdded, columnsRemoved } = await scanDiffSummary(db, scanRunId);
 */
export async function scanDiffSummary(db: Db, scanRunId: string): Promise<ScanDiffSummary> {
  const rows = await db
    .selectFrom('scan_changes')
    .select([
      'change',
      sql<string>`case asset_kind when 'container' then 'container' when 'column' then 'column' else 'dataset' end`.as(
        'level',
      ),
      sql<number>`count(*)::int`.as('n'),
    ])
    .where('scan_run_id', '=', scanRunId)
    .groupBy(['change', 'level'])
    .execute();
  const summary: ScanDiffSummary = {
    containersAdded: 0,
    containersRemoved: 0,
    datasetsAdded: 0,
    datasetsRemoved: 0,
    columnsAdded: 0,
    columnsRemoved: 0,
    typesChanged: 0,
    total: 0,
  };
  for (const row of rows) {
    summary.total += row.n;
    if (row.change === 'type-changed') summary.typesChanged += row.n;
    else {
      const key =
        `${row.level}s${row.change === 'added' ? 'Added' : 'Removed'}` as keyof ScanDiffSummary;
      summary[key] += row.n;
    }
  }
  return summary;
}
