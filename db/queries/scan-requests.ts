import { sql, type Kysely } from 'kysely';
import { keysetPage, type PageRequest } from '../keyset-page.js';
import type { Database } from '../schema.js';

/** The scan of a data source that is queued or running, if any: at most one by design. */
export async function findActiveScan(
  db: Kysely<Database>,
  dataSourceId: string,
): Promise<{ id: string; workflowId: string; status: string } | undefined> {
  const row = await db
    .selectFrom('scan_runs')
    .select(['id', 'workflow_id', 'status'])
    .where('data_source_id', '=', dataSourceId)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row && { id: row.id, workflowId: row.workflow_id, status: row.status };
}

/**
 * Records a requested scan before its workflow starts, so that the run has an id to hand to
 * the workflow and a row the API can show at once.
 *
 * @example
 * const id = await insertQueuedScan(db, { dataSourceId, mode: 'full', requestedBy: userId });
 */
export async function insertQueuedScan(
  db: Kysely<Database>,
  input: { dataSourceId: string; mode: 'full' | 'incremental'; requestedBy: string | null },
): Promise<string> {
  const row = await db
    .insertInto('scan_runs')
    .values({
      data_source_id: input.dataSourceId,
      workflow_id: `scan:${input.dataSourceId}`,
      mode: input.mode,
      status: 'queued',
      requested_by: input.requestedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Notes the Temporal run of a queued scan. */
export async function setScanRunId(db: Kysely<Database>, id: string, runId: string): Promise<void> {
  await db.updateTable('scan_runs').set({ run_id: runId }).where('id', '=', id).execute();
}

/** Drops a queued scan whose workflow never started (another request won the race). */
export async function deleteQueuedScan(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('scan_runs').where('id', '=', id).where('status', '=', 'queued').execute();
}

/**
 * Closes a scan row whose workflow is gone (e.g. Temporal's history was reset), so that it
 * does not block new scans forever.
 */
export async function failLostScan(
  db: Kysely<Database>,
  id: string,
  message: string,
): Promise<void> {
  await db
    .updateTable('scan_runs')
    .set({ status: 'failed', finished_at: new Date(), error: JSON.stringify({ message }) })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

/** Scans of one data source, newest first, one page. */
export async function listScansOfSource(
  db: Kysely<Database>,
  dataSourceId: string,
  page: PageRequest<{ at: string; id: string }>,
) {
  return keysetPage({
    ...page,
    fetch: async ({ limit, after }) => {
      let query = db
        .selectFrom('scan_runs')
        .select([
          'id',
          'status',
          'mode',
          'stage',
          'tables_total',
          'tables_done',
          'requested_by',
          'created_at',
          'finished_at',
          sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
            'created_key',
          ),
        ])
        .where('data_source_id', '=', dataSourceId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit);
      if (after) {
        query = query.where(
          sql<boolean>`(created_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)`,
        );
      }
      const rows = await query.execute();
      return rows.map((row) => ({
        id: row.id,
        status: row.status,
        mode: row.mode,
        stage: row.stage,
        datasets: { total: row.tables_total, done: row.tables_done },
        requestedBy: row.requested_by,
        createdAt: row.created_key,
        finishedAt: row.finished_at?.toISOString() ?? null,
      }));
    },
    cursorOf: (run) => ({ at: run.createdAt, id: run.id }),
  });
}
