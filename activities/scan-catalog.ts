import {
  findAssets,
  findDroppedColumns,
  markAssetsDeleted,
  upsertAssets,
  type AssetWrite,
  type CatalogScope,
} from '../db/queries/catalog-upsert.js';
import { recordChanges, type ScanChange } from '../db/queries/scan-changes.js';
import {
  loadBatch,
  settleBatch,
  type ManifestItem,
  type SettledBatch,
} from '../db/queries/scan-manifest.js';
import { loadScanRunContext } from '../db/queries/scan-run-updates.js';
import type { DiscoveredContainer, DiscoveredDataset } from '../scanners/sdk/contract.js';
import {
  columnFqn,
  containerAsset,
  datasetAssets,
  diffAssets,
  type DatasetFindings,
} from './scan-catalog-assets.js';
import { ENGINE_VERSION } from '../core/classification/classification-engine.js';
import { replaceSuggestions } from '../db/queries/column-classifications.js';
import { suggestionsOf, type DatasetClassification } from './scan-column-conclusions.js';
import type { BatchInput, ScanActivityDeps, Timed } from './scan-deps.js';
import { publishScanEvent } from './scan-events.js';
import { elapsed, missing, withHeartbeat } from './scan-support.js';

/** Rows per upsert statement: well below PostgreSQL's limits, few round trips. */
const UPSERT_ROWS = 2_000;

/**
 * Counts of one batch written to the catalog, and the run's progress after it.
 *
 * @example
 * const { datasetsDone, datasetsTotal } = await updateCatalog({ scanRunId, dataSourceId, batch: 4 });
 */
export interface CatalogResult extends Timed, SettledBatch {
  assets: number;
  changes: number;
}

/**
 * `updateCatalog` writes one batch to the catalog in one transaction: batch 0 the
 * containers (parents first), any other batch its datasets and their columns, upserted by
 * (data source, fqn), with the changes against what the catalog held recorded for the diff
 * and columns dropped from a dataset marked deleted. The same transaction settles the
 * batch's manifest rows and adds them to the run's progress, so a retry after a lost
 * completion finds everything written and changes nothing. Progress is then published.
 *
 * @example
 * const { updateCatalog } = createScanCatalogActivities(deps);
 */
export function createScanCatalogActivities(deps: ScanActivityDeps) {
  return {
    async updateCatalog(input: BatchInput): Promise<CatalogResult> {
      const started = performance.now();
      const run = await loadScanRunContext(deps.db, input.scanRunId, input.dataSourceId);
      if (!run) throw missing(`scan run ${input.scanRunId} does not exist`);
      const scope: CatalogScope = {
        workspaceId: run.workspaceId,
        dataSourceId: run.dataSourceId,
        scanRunId: run.scanRunId,
      };
      const items = await loadBatch(deps.db, input.scanRunId, input.batch);
      const levels = input.batch === 0 ? containerLevels(items) : datasetLevels(items);
      const assets = levels.flat();

      const outcome = await withHeartbeat(
        () => ({ batch: input.batch }),
        () =>
          deps.db.transaction().execute(async (trx) => {
            const existing = await findAssets(
              trx,
              run.dataSourceId,
              assets.map((asset) => asset.fqn),
            );
            const ids = new Map<string, string>();
            for (const level of levels) {
              for (let at = 0; at < level.length; at += UPSERT_ROWS) {
                const written = await upsertAssets(trx, scope, level.slice(at, at + UPSERT_ROWS));
                for (const [fqn, id] of written) ids.set(fqn, id);
              }
            }
            const changes: ScanChange[] = diffAssets(assets, existing).map((change) => ({
              ...change,
              assetId: ids.get(change.fqn) ?? null,
            }));
            if (input.batch > 0)
              changes.push(...(await dropColumns(trx, scope, levels[0] ?? [], assets, ids)));
            await recordChanges(trx, run.scanRunId, changes);
            if (input.batch > 0) {
              await replaceSuggestions(trx, scope, suggestedColumns(items, ids), ENGINE_VERSION);
            }
            const settled = await settleBatch(trx, run.scanRunId, input.batch);
            return { ...settled, assets: assets.length, changes: changes.length };
          }),
      );
      if (input.batch > 0 && outcome.settled > 0) {
        await publishScanEvent(deps, input, {
          type: 'progress',
          batch: input.batch,
          datasetsDone: outcome.datasetsDone,
          datasetsTotal: outcome.datasetsTotal,
          datasetsFailed: outcome.datasetsFailed,
        });
      }
      return { ...outcome, ms: elapsed(started) };
    },
  };
}

/** Containers grouped by depth, shallowest first, so every parent is written before its children. */
function containerLevels(items: readonly ManifestItem[]): AssetWrite[][] {
  const byDepth = new Map<number, AssetWrite[]>();
  for (const item of items) {
    if (item.itemKind !== 'container') continue;
    const container = item.dataset as DiscoveredContainer;
    const level = byDepth.get(container.path.length) ?? [];
    level.push(containerAsset(container));
    byDepth.set(container.path.length, level);
  }
  return [...byDepth.entries()].sort(([a], [b]) => a - b).map(([, level]) => level);
}

/** Datasets, then their columns; a dataset that has gone since discovery is left out. */
function datasetLevels(items: readonly ManifestItem[]): AssetWrite[][] {
  const datasets: AssetWrite[] = [];
  const columns: AssetWrite[] = [];
  for (const item of items) {
    if (item.itemKind !== 'dataset') continue;
    if (item.status === 'failed' && item.errorKind === 'not-found') continue;
    const findings: DatasetFindings = {
      dataset: item.dataset as DiscoveredDataset,
      classification: item.classification as DatasetClassification | null,
      problem:
        item.status === 'failed' && item.errorKind !== null
          ? { kind: item.errorKind, message: item.error ?? '' }
          : null,
    };
    const [dataset, ...own] = datasetAssets(findings);
    datasets.push(dataset!);
    columns.push(...own);
  }
  return [datasets, columns];
}

/**
 * The proposals to store for review, per column asset: every classified column of the batch
 * but those seen masked only, whose earlier suggestions stand.
 */
function suggestedColumns(
  items: readonly ManifestItem[],
  ids: ReadonlyMap<string, string>,
): { assetId: string; suggestions: ReturnType<typeof suggestionsOf> }[] {
  return items.flatMap((item) => {
    const classification = item.classification as DatasetClassification | null;
    if (item.itemKind !== 'dataset' || !classification) return [];
    const dataset = item.dataset as DiscoveredDataset;
    return classification.columns.flatMap((column) => {
      const assetId = ids.get(columnFqn(dataset, column.name));
      // Seen masked only (known sensitive): values could not be judged, so what earlier
      // scans proposed stands.
      const masked = column.statistics.examined === 0 && column.statistics.masked > 0;
      if (!assetId || column.kept || masked) return [];
      return [{ assetId, suggestions: suggestionsOf(column) }];
    });
  });
}

/** Marks deleted the columns each dataset no longer has, and lists them as removed. */
async function dropColumns(
  trx: ScanActivityDeps['db'],
  scope: CatalogScope,
  datasets: readonly AssetWrite[],
  assets: readonly AssetWrite[],
  ids: ReadonlyMap<string, string>,
): Promise<ScanChange[]> {
  const datasetIds = datasets.flatMap((dataset) => ids.get(dataset.fqn) ?? []);
  const current = assets.filter((asset) => asset.kind === 'column').map((asset) => asset.fqn);
  const dropped = await findDroppedColumns(trx, datasetIds, current);
  await markAssetsDeleted(
    trx,
    scope.scanRunId,
    dropped.map((column) => column.id),
  );
  const fqnOf = new Map(datasets.map((dataset) => [ids.get(dataset.fqn), dataset.fqn]));
  return dropped.map((column) => ({
    fqn: column.fqn,
    change: 'removed',
    assetKind: 'column',
    assetId: column.id,
    datasetFqn: (column.parentId && fqnOf.get(column.parentId)) || null,
    columnName: column.name,
    oldType: column.dataType,
    newType: null,
  }));
}
