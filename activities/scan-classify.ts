import {
  createRuleClassifier,
  type ColumnClassification,
  type ColumnProfile,
} from '../core/classification/column-classifier.js';
import { evaluateDatasetCompliance } from '../core/compliance/dataset-compliance.js';
import { loadBatch, recordOutcomes, type ManifestItem } from '../db/queries/scan-manifest.js';
import { storedClassifications } from '../db/queries/catalog-upsert.js';
import type { DiscoveredDataset } from '../scanners/sdk/contract.js';
import { formatFqn } from '../scanners/sdk/fqn.js';
import {
  sampleObjectKey,
  type BatchInput,
  type ScanActivityDeps,
  type Timed,
} from './scan-deps.js';
import type { SampleLine } from './scan-sample.js';
import { elapsed, withHeartbeat } from './scan-support.js';

/**
 * A dataset's classification as the manifest keeps it: one entry per column, in order.
 *
 * @example
 * const { columns } = item.classification as DatasetClassification;
 */
export interface DatasetClassification {
  columns: ({ name: string } & ColumnClassification)[];
}

/**
 * Counts of one classified batch.
 *
 * @example
 * const { columns, sensitiveColumns } = await classifyBatch({ scanRunId, dataSourceId, batch: 2 });
 */
export interface ClassifyResult extends Timed {
  datasets: number;
  columns: number;
  sensitiveColumns: number;
}

/**
 * Counts of one batch checked for compliance.
 *
 * @example
 * const { findings } = await evaluateCompliance({ scanRunId, dataSourceId, batch: 2 });
 */
export interface ComplianceResult extends Timed {
  datasets: number;
  findings: number;
}

type ColumnConclusion = { name: string } & ColumnClassification;

/**
 * Columns seen masked only were known sensitive; their values say nothing now, so the
 * conclusion the catalog holds from an earlier scan stands (masking must not erase it).
 */
async function keepMaskedConclusions(
  deps: ScanActivityDeps,
  dataSourceId: string,
  concluded: readonly { item: ManifestItem; columns: ColumnConclusion[] }[],
): Promise<Map<string, ColumnConclusion>> {
  const masked = concluded.flatMap(({ item, columns }) =>
    columns
      .filter((column) => column.examined === 0 && column.masked > 0)
      .map((column) => ({
        fqn: formatFqn([...(item.dataset as DiscoveredDataset).path, column.name]),
        column,
      })),
  );
  const stored = await storedClassifications(
    deps.db,
    dataSourceId,
    masked.map((entry) => entry.fqn),
  );
  const kept = new Map<string, ColumnConclusion>();
  for (const { fqn, column } of masked) {
    const previous = stored.get(fqn) as
      | {
          infoTypes?: ColumnClassification['infoTypes'];
          suggestedSensitivity?: ColumnClassification['sensitivity'];
          examined?: number;
        }
      | undefined;
    if (!previous) continue;
    kept.set(fqn, {
      ...column,
      infoTypes: previous.infoTypes ?? [],
      sensitivity: previous.suggestedSensitivity ?? null,
      examined: previous.examined ?? 0,
    });
  }
  return kept;
}

/**
 * Whether a batch item gets classified: not when it has gone (nothing to describe) nor when
 * an incremental scan skipped it (the catalog keeps what the last sampling found).
 */
function classifiable(item: ManifestItem): boolean {
  if (item.itemKind !== 'dataset') return false;
  if (item.status === 'failed') return item.errorKind !== 'not-found';
  return !(item.status === 'sampled' && item.sampleRows === null);
}

/**
 * `classifyBatch` runs the column classifier over a batch: every column by its name and
 * type, and sampled columns by their values, read back from the batch's samples object as a
 * stream (masked values count as unseen). `evaluateCompliance` applies the compliance rules
 * to each classified dataset. Both write their results to the manifest, for `updateCatalog`.
 *
 * @example
 * const { classifyBatch, evaluateCompliance } = createScanClassifyActivities(deps);
 */
export function createScanClassifyActivities(deps: ScanActivityDeps) {
  const classifier = deps.classifier ?? createRuleClassifier();

  return {
    async classifyBatch(input: BatchInput): Promise<ClassifyResult> {
      const started = performance.now();
      const items = (await loadBatch(deps.db, input.scanRunId, input.batch)).filter(classifiable);
      const profiles = new Map<string, Map<string, ColumnProfile>>();
      for (const item of items) {
        const dataset = item.dataset as DiscoveredDataset;
        const columns = new Map<string, ColumnProfile>();
        for (const column of dataset.columns) {
          columns.set(
            column.name,
            classifier.profile({ name: column.name, dataType: column.dataType }),
          );
        }
        profiles.set(item.fqn, columns);
      }
      let lines = 0;
      if (items.some((item) => (item.sampleRows ?? 0) > 0)) {
        await withHeartbeat(
          () => ({ batch: input.batch, lines }),
          async (signal) => {
            const key = sampleObjectKey(input.dataSourceId, input.scanRunId, input.batch);
            const stream = await deps.objectStore.getObject(deps.config.s3.bucket, key);
            const stop = () => stream.destroy();
            signal.addEventListener('abort', stop, { once: true });
            const take = (text: string) => {
              if (text === '' || text === '\r') return;
              const line = JSON.parse(text) as SampleLine;
              const columns = profiles.get(line.fqn);
              lines += 1;
              if (!columns) return;
              for (const name in line.row) columns.get(name)?.observe(line.row[name] ?? null);
            };
            try {
              // Split per chunk, not per line through `readline`: one await per 64 KiB
              // rather than one per sampled row.
              stream.setEncoding('utf8');
              let rest = '';
              for await (const chunk of stream as AsyncIterable<string>) {
                const texts = (rest + chunk).split('\n');
                rest = texts.pop() ?? '';
                for (const text of texts) take(text);
              }
              take(rest);
            } finally {
              signal.removeEventListener('abort', stop);
            }
          },
        );
      }
      const result: ClassifyResult = {
        datasets: items.length,
        columns: 0,
        sensitiveColumns: 0,
        ms: 0,
      };
      const concluded = items.map((item) => ({
        item,
        columns: [...(profiles.get(item.fqn) ?? new Map<string, ColumnProfile>())].map(
          ([name, profile]) => ({ name, ...profile.result() }),
        ),
      }));
      const previous = await keepMaskedConclusions(deps, input.dataSourceId, concluded);
      const outcomes = concluded.map(({ item, columns: found }) => {
        const dataset = item.dataset as DiscoveredDataset;
        const columns = found.map(
          (column) => previous.get(formatFqn([...dataset.path, column.name])) ?? column,
        );
        result.columns += columns.length;
        result.sensitiveColumns += columns.filter((column) => column.sensitivity !== null).length;
        const classification: DatasetClassification = { columns };
        return { fqn: item.fqn, classification };
      });
      await recordOutcomes(deps.db, input.scanRunId, outcomes);
      return { ...result, ms: elapsed(started) };
    },

    async evaluateCompliance(input: BatchInput): Promise<ComplianceResult> {
      const started = performance.now();
      const items = (await loadBatch(deps.db, input.scanRunId, input.batch)).filter(
        (item) => classifiable(item) && item.classification !== null,
      );
      let findings = 0;
      const outcomes = items.map((item) => {
        const dataset = item.dataset as DiscoveredDataset;
        const classification = item.classification as DatasetClassification;
        const byName = new Map(classification.columns.map((column) => [column.name, column]));
        const compliance = evaluateDatasetCompliance({
          fqn: dataset.fqn,
          datasetType: dataset.datasetType,
          columns: dataset.columns.map((column) => {
            const found = byName.get(column.name);
            return {
              name: column.name,
              primaryKey: column.primaryKey === true,
              infoTypes: found?.infoTypes.map((match) => match.id) ?? [],
              sensitivity: found?.sensitivity ?? null,
            };
          }),
        });
        findings += compliance.findings.length;
        return { fqn: item.fqn, compliance };
      });
      await recordOutcomes(deps.db, input.scanRunId, outcomes);
      return { datasets: items.length, findings, ms: elapsed(started) };
    },
  };
}
