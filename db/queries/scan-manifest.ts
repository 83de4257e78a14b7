import { sql, type Kysely } from 'kysely';
import type { Database, ScanItemStatus } from '../schema.js';

type Db = Kysely<Database>;

/**
 * One discovered item on its way into the manifest.
 *
 * @example
 * await writeManifestChunk(db, scanRunId, [{ fqn, seq: 0, batch: 0, itemKind: 'container', dataset: item, status: 'pending', errorKind: null, error: null }]);
 */
export interface ManifestInsert {
  fqn: string;
  seq: number;
  batch: number;
  itemKind: 'container' | 'dataset';
  /** The discovered item; stored as JSON. */
  dataset: unknown;
  status: ScanItemStatus;
  errorKind: string | null;
  error: string | null;
}

/**
 * One manifest row as the batch activities read it.
 *
 * @example
 * for (const item of await loadBatch(db, scanRunId, 1)) console.log(item.fqn, item.status);
 */
export interface ManifestItem {
  fqn: string;
  seq: number;
  batch: number;
  itemKind: 'container' | 'dataset';
  dataset: unknown;
  status: ScanItemStatus;
  errorKind: string | null;
  error: string | null;
  sampleRows: number | null;
  classification: unknown;
}

/**
 * How much of the manifest a run has: containers (batch 0) and datasets. Each chunk is
 * written in one statement, so the rows are always a prefix of the discovery order and these
 * counts are where a retried `discover` resumes.
 *
 * @example
 * const { containers, datasets } = await manifestPosition(db, scanRunId);
 */
export async function manifestPosition(
  db: Db,
  scanRunId: string,
): Promise<{ containers: number; datasets: number }> {
  const row = await db
    .selectFrom('scan_datasets')
    .select([
      sql<number>`(count(*) filter (where item_kind = 'container'))::int`.as('containers'),
      sql<number>`(count(*) filter (where item_kind = 'dataset'))::int`.as('datasets'),
    ])
    .where('scan_run_id', '=', scanRunId)
    .executeTakeFirstOrThrow();
  return row;
}

/**
 * Writes one chunk of the manifest in one statement. Keyed by (run, fqn): a chunk written
 * again after a retry replaces itself instead of adding rows.
 *
 * @example
 * await writeManifestChunk(db, scanRunId, items);
 */
export async function writeManifestChunk(
  db: Db,
  scanRunId: string,
  items: readonly ManifestInsert[],
): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((item) => ({
    fqn: item.fqn,
    seq: item.seq,
    batch: item.batch,
    item_kind: item.itemKind,
    dataset: item.dataset,
    status: item.status,
    error_kind: item.errorKind,
    error: item.error,
  }));
  await sql`
    insert into scan_datasets (scan_run_id, fqn, seq, batch, item_kind, dataset, status, error_kind, error)
    select ${scanRunId}::uuid, r.fqn, r.seq, r.batch, r.item_kind, r.dataset, r.status, r.error_kind, r.error
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
             fqn text, seq int, batch int, item_kind text, dataset jsonb, status text,
             error_kind text, error text)
    on conflict (scan_run_id, fqn) do update
       set seq = excluded.seq, batch = excluded.batch, item_kind = excluded.item_kind,
           dataset = excluded.dataset, status = excluded.status,
           error_kind = excluded.error_kind, error = excluded.error, updated_at = now()`.execute(
    db,
  );
}

/**
 * The items of one batch in discovery order (batch 0: the containers).
 *
 * @example
 * const items = await loadBatch(db, scanRunId, 3);
 */
export async function loadBatch(db: Db, scanRunId: string, batch: number): Promise<ManifestItem[]> {
  const rows = await db
    .selectFrom('scan_datasets')
    .select([
      'fqn',
      'seq',
      'batch',
      'item_kind',
      'dataset',
      'status',
      'error_kind',
      'error',
      'sample_rows',
      'classification',
    ])
    .where('scan_run_id', '=', scanRunId)
    .where('batch', '=', batch)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({
    fqn: row.fqn,
    seq: row.seq,
    batch: row.batch,
    itemKind: row.item_kind,
    dataset: row.dataset,
    status: row.status,
    errorKind: row.error_kind,
    error: row.error,
    sampleRows: row.sample_rows,
    classification: row.classification,
  }));
}

/**
 * What one stage concluded about one item; undefined fields are left as they are.
 *
 * @example
 * const outcome: ItemOutcome = { fqn, status: 'failed', errorKind: 'not-found', error: 'gone' };
 */
export interface ItemOutcome {
  fqn: string;
  status?: ScanItemStatus;
  errorKind?: string | null;
  error?: string | null;
  sampleRows?: number | null;
  classification?: unknown;
}

/**
 * Records the outcomes of one stage for many items in one statement.
 *
 * @example
 * await recordOutcomes(db, scanRunId, [{ fqn, status: 'sampled', sampleRows: 100 }]);
 */
export async function recordOutcomes(
  db: Db,
  scanRunId: string,
  outcomes: readonly ItemOutcome[],
): Promise<void> {
  if (outcomes.length === 0) return;
  // `has_*` flags tell "leave as is" from "set to null", which JSON alone cannot.
  const rows = outcomes.map((outcome) => ({
    fqn: outcome.fqn,
    status: outcome.status ?? null,
    has_error: 'error' in outcome || 'errorKind' in outcome,
    error_kind: outcome.errorKind ?? null,
    error: outcome.error ?? null,
    has_rows: 'sampleRows' in outcome,
    sample_rows: outcome.sampleRows ?? null,
    has_classification: 'classification' in outcome,
    classification: outcome.classification ?? null,
  }));
  await sql`
    update scan_datasets d
       set status = coalesce(r.status, d.status),
           error_kind = case when r.has_error then r.error_kind else d.error_kind end,
           error = case when r.has_error then r.error else d.error end,
           sample_rows = case when r.has_rows then r.sample_rows else d.sample_rows end,
           classification = case when r.has_classification then r.classification else d.classification end,
           updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
             fqn text, status text, has_error boolean, error_kind text, error text,
             has_rows boolean, sample_rows int, has_classification boolean, classification jsonb)
     where d.scan_run_id = ${scanRunId}::uuid and d.fqn = r.fqn`.execute(db);
}

/**
 * Run-wide progress after a batch settled.
 *
 * @example
 * const { datasetsDone, datasetsTotal } = await settleBatch(trx, scanRunId, 4);
 */
export interface SettledBatch {
  /** Items of this batch settled now (0 when a retry finds them settled already). */
  settled: number;
  failed: number;
  datasetsDone: number;
  datasetsFailed: number;
  datasetsTotal: number;
}

/**
 * Marks the items of a batch settled (done, or failed as they were) and adds them to the
 * run's progress, both at most once: a retried batch finds them settled and adds nothing.
 * Call inside the transaction that wrote the batch to the catalog.
 *
 * @example
 * const progress = await settleBatch(trx, scanRunId, 4);
 */
export async function settleBatch(db: Db, scanRunId: string, batch: number): Promise<SettledBatch> {
  const { rows } = await sql<{ settled: number; failed: number; datasets: number }>`
    with settled as (
      update scan_datasets
         set settled_at = now(), updated_at = now(),
             status = case when status = 'failed' then 'failed' else 'done' end
       where scan_run_id = ${scanRunId}::uuid and batch = ${batch} and settled_at is null
      returning status, item_kind
    )
    select count(*)::int as settled,
           (count(*) filter (where status = 'failed'))::int as failed,
           (count(*) filter (where item_kind = 'dataset'))::int as datasets
      from settled`.execute(db);
  const { settled = 0, failed = 0, datasets = 0 } = rows[0] ?? {};
  const run = await db
    .updateTable('scan_runs')
    .set((eb) => ({
      tables_done: eb('tables_done', '+', datasets),
      datasets_failed: eb('datasets_failed', '+', failed),
    }))
    .where('id', '=', scanRunId)
    .returning(['tables_done', 'datasets_failed', 'tables_total'])
    .executeTakeFirstOrThrow();
  return {
    settled,
    failed,
    datasetsDone: run.tables_done,
    datasetsFailed: run.datasets_failed,
    datasetsTotal: run.tables_total,
  };
}
