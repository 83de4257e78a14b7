import { Context } from '@temporalio/activity';
import { sql } from 'kysely';
import {
  manifestPosition,
  writeManifestChunk,
  type ManifestInsert,
} from '../db/queries/scan-manifest.js';
import { markDiscovered } from '../db/queries/scan-run-updates.js';
import type { DiscoveredItem } from '../scanners/sdk/contract.js';
import { withSource } from './scan-connection.js';
import type { ScanActivityDeps } from './scan-deps.js';
import { elapsed, withHeartbeat } from './scan-support.js';

/** Items per manifest write: one statement each, and the unit a retry resumes from. */
const CHUNK_ITEMS = 500;
/** A chunk is also written once its JSON grows past this, whatever the item count. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Input of `discover`: ids only.
 *
 * @example
 * await discover({ scanRunId, dataSourceId } satisfies DiscoverInput);
 */
export interface DiscoverInput {
  scanRunId: string;
  dataSourceId: string;
}

/**
 * Counts only: the manifest itself stays in PostgreSQL.
 *
 * @example
 * const { datasets, batches } = await discover({ scanRunId, dataSourceId });
 */
export interface DiscoverResult {
  containers: number;
  datasets: number;
  columns: number;
  /** Datasets discovery already found unreadable (`problem`). */
  failed: number;
  /** Dataset batches, numbered 1…batches; batch 0 holds the containers. */
  batches: number;
  /** Items skipped because an earlier attempt had written them. */
  resumedFrom: number;
  ms: number;
}

/**
 * What `discover` heartbeats: how far the manifest is written.
 *
 * @example
 * const resumed = Context.current().info.heartbeatDetails as DiscoverProgress | undefined;
 */
export interface DiscoverProgress {
  written: number;
  containers: number;
  datasets: number;
}

/**
 * `discover` streams the scanner's discovery into the run's manifest in chunks and
 * heartbeats how many items are written. A retry after a worker died resumes: it streams
 * discovery again but writes only the items the manifest does not hold yet, upserted by
 * (run, fqn), so a chunk written twice is harmless and nothing is written twice. Datasets are numbered into batches of `SCAN_BATCH_SIZE` in discovery
 * order; the batch size is fixed on the run at the first attempt, so a worker with another
 * setting resumes with the same numbering.
 *
 * @example
 * const { discover } = createScanDiscoverActivities(deps);
 */
export function createScanDiscoverActivities(deps: ScanActivityDeps) {
  return {
    async discover(input: DiscoverInput): Promise<DiscoverResult> {
      const started = performance.now();
      const { db } = deps;
      const batchSize = await fixBatchSize(deps, input.scanRunId);
      const position = await manifestPosition(db, input.scanRunId);
      const heartbeatDetails = Context.current().info.heartbeatDetails as
        DiscoverProgress | undefined;
      const resumeFrom = position.containers + position.datasets;
      // What an earlier attempt wrote. Skipped by fqn, not by count: a table dropped or
      // created between the attempts shifts the order, and no item may fall through.
      const written = resumeFrom > 0 ? await manifestFqns(db, input.scanRunId) : new Set<string>();
      const progress: DiscoverProgress = {
        written: resumeFrom,
        containers: position.containers,
        datasets: position.datasets,
      };
      if (heartbeatDetails && heartbeatDetails.written !== resumeFrom) {
        deps.logger.info(
          { scanRunId: input.scanRunId, heartbeat: heartbeatDetails.written, manifest: resumeFrom },
          'discovery resumes from the manifest',
        );
      }

      // New items continue the manifest's numbering: the first attempt's batches keep their
      // members, and no batch grows past the batch size when the source changed meanwhile.
      let seq = resumeFrom;
      let datasetIndex = position.datasets;
      let columns = 0;
      let failed = 0;
      let chunk: ManifestInsert[] = [];
      let chunkBytes = 0;
      const flush = async () => {
        if (chunk.length === 0) return;
        await writeManifestChunk(db, input.scanRunId, chunk);
        progress.written = seq;
        progress.containers = seq - datasetIndex;
        progress.datasets = datasetIndex;
        chunk = [];
        chunkBytes = 0;
      };

      await withHeartbeat(
        () => progress,
        (signal) =>
          withSource(deps, input.dataSourceId, signal, async ({ connection }) => {
            for await (const item of connection.discover()) {
              signal.throwIfAborted();
              if (item.kind === 'dataset') {
                columns += item.columns.length;
                if (item.problem) failed += 1;
              }
              if (written.has(item.fqn)) continue;
              chunk.push(toManifestItem(item, seq, datasetIndex, batchSize));
              seq += 1;
              if (item.kind === 'dataset') datasetIndex += 1;
              chunkBytes += estimateBytes(item);
              if (chunk.length >= CHUNK_ITEMS || chunkBytes >= CHUNK_BYTES) await flush();
            }
            await flush();
          }),
      );

      // Totals from the manifest: an item an earlier attempt wrote and the source has lost
      // since is still scanned (and reported as gone).
      const totals = await manifestPosition(db, input.scanRunId);
      const batches = await lastBatch(deps, input.scanRunId);
      await markDiscovered(db, input.scanRunId, { ...totals, columns, batches });
      return {
        containers: totals.containers,
        datasets: totals.datasets,
        columns,
        failed,
        batches,
        resumedFrom: resumeFrom,
        ms: elapsed(started),
      };
    },
  };
}

function toManifestItem(
  item: DiscoveredItem,
  seq: number,
  datasetIndex: number,
  batchSize: number,
): ManifestInsert {
  const isDataset = item.kind === 'dataset';
  const problem = isDataset ? item.problem : undefined;
  return {
    fqn: item.fqn,
    seq,
    batch: isDataset ? Math.floor(datasetIndex / batchSize) + 1 : 0,
    itemKind: isDataset ? 'dataset' : 'container',
    dataset: item,
    status: problem ? 'failed' : 'pending',
    errorKind: problem?.kind ?? null,
    error: problem?.message ?? null,
  };
}

async function manifestFqns(db: ScanActivityDeps['db'], scanRunId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('scan_datasets')
    .select('fqn')
    .where('scan_run_id', '=', scanRunId)
    .execute();
  return new Set(rows.map((row) => row.fqn));
}

async function lastBatch(deps: ScanActivityDeps, scanRunId: string): Promise<number> {
  const row = await deps.db
    .selectFrom('scan_datasets')
    .select(sql<number>`coalesce(max(batch), 0)::int`.as('batch'))
    .where('scan_run_id', '=', scanRunId)
    .executeTakeFirstOrThrow();
  return row.batch;
}

/**
 * A cheap upper bound of an item's JSON size: its column count dominates (a column is also
 * named again in scanners' sampling hints, such as PostgreSQL's `properties.sampling`).
 */
function estimateBytes(item: DiscoveredItem): number {
  if (item.kind === 'container') return 256;
  return 512 + (item.definition?.length ?? 0) + item.columns.length * 224;
}

/** The batch size of the run: this worker's setting at the first attempt, kept thereafter. */
async function fixBatchSize(deps: ScanActivityDeps, scanRunId: string): Promise<number> {
  const row = await deps.db
    .updateTable('scan_runs')
    .set({
      stats: sql`case when stats ? 'batchSize' then stats
                      else stats || jsonb_build_object('batchSize', ${deps.config.scan.batchSize}::int) end`,
    })
    .where('id', '=', scanRunId)
    .returning(sql<number>`(stats ->> 'batchSize')::int`.as('batchSize'))
    .executeTakeFirst();
  return row?.batchSize ?? deps.config.scan.batchSize;
}
