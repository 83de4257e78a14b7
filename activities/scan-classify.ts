import { infoTypeById } from '../core/classification/catalogue/index.js';
import type { ValueCheckCounts } from '../core/classification/value-check-counts.js';
import { loadColumnDecisions, type ColumnDecisions } from '../db/queries/column-classifications.js';
import { loadBatch, recordOutcomes, type ManifestItem } from '../db/queries/scan-manifest.js';
import { loadScanRunContext } from '../db/queries/scan-run-updates.js';
import { storedClassifications } from '../db/queries/catalog-upsert.js';
import type { DiscoveredDataset } from '../scanners/sdk/contract.js';
import { formatFqn } from '../scanners/sdk/fqn.js';
import { adjudicateBatch } from './scan-adjudicate.js';
import {
  concludeColumn,
  keptConclusion,
  withCheckedValues,
  type ColumnConclusion,
  type DatasetClassification,
} from './scan-column-conclusions.js';
import {
  sampleObjectKey,
  type BatchInput,
  type ScanActivityDeps,
  type Timed,
} from './scan-deps.js';
import { workspaceEngine } from './workspace-engine.js';
import type { SampleChecksLine, SampleLine } from './scan-sample.js';
import { elapsed, missing, withHeartbeat } from './scan-support.js';

/**
 * Counts of one classified batch.
 *
 * @example
 * const { columns, sensitiveColumns, adjudicated } = await classifyBatch({ scanRunId, dataSourceId, batch: 2 });
 */
export interface ClassifyResult extends Timed {
  datasets: number;
  columns: number;
  sensitiveColumns: number;
  /** Columns an LLM was asked about and answered. */
  adjudicated: number;
}

type SampledValue = string | number | boolean | null;

/** Per dataset fqn, per column name: what the sampler's checks found before masking. */
type MaskedChecks = Map<string, Map<string, ValueCheckCounts>>;

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
 * Reads the batch's samples object back as a stream into values per dataset and column, and
 * the counts of the checks run before masking (`SampleChecksLine`, not a row) into `checks`.
 * Split per chunk, not per line through `readline`: one await per 64 KiB, not per row.
 */
async function readSamples(
  deps: ScanActivityDeps,
  input: BatchInput,
  values: Map<string, Map<string, SampledValue[]>>,
  checks: MaskedChecks,
): Promise<void> {
  let lines = 0;
  await withHeartbeat(
    () => ({ batch: input.batch, lines }),
    async (signal) => {
      const key = sampleObjectKey(input.dataSourceId, input.scanRunId, input.batch);
      const stream = await deps.objectStore.getObject(deps.config.s3.bucket, key);
      const stop = () => stream.destroy();
      signal.addEventListener('abort', stop, { once: true });
      const take = (text: string) => {
        if (text === '' || text === '\r') return;
        const line = JSON.parse(text) as SampleLine | SampleChecksLine;
        lines += 1;
        if ('checks' in line) {
          checks.set(line.dataset, new Map(Object.entries(line.checks)));
          return;
        }
        const columns = values.get(line.fqn);
        if (!columns) return;
        for (const name in line.row) columns.get(name)?.push(line.row[name] ?? null);
      };
      try {
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

/**
 * `classifyBatch` runs the classification engine (built-in types, the workspace's custom
 * classifiers and threshold overrides) over every column of a batch, by name and type and
 * by the sampled values. Types a steward rejected for a column are not proposed again and
 * an approved type stays the column's type. Ambiguous columns go to the LLM adjudicator
 * when one is configured. Columns seen masked only keep what the catalog concluded before,
 * with the figures of their value check refreshed from the counts the sampler took before
 * masking (a source that masked its card numbers shows it). The conclusions go to the
 * manifest, for `updateCatalog`.
 *
 * @example
 * const { classifyBatch } = createScanClassifyActivities(deps);
 */
export function createScanClassifyActivities(deps: ScanActivityDeps) {
  return {
    async classifyBatch(input: BatchInput): Promise<ClassifyResult> {
      const started = performance.now();
      const run = await loadScanRunContext(deps.db, input.scanRunId, input.dataSourceId);
      if (!run) throw missing(`scan run ${input.scanRunId} does not exist`);
      const engine = await workspaceEngine(deps, run.workspaceId);
      const items = (await loadBatch(deps.db, input.scanRunId, input.batch)).filter(classifiable);
      const values = new Map<string, Map<string, SampledValue[]>>();
      for (const item of items) {
        const dataset = item.dataset as DiscoveredDataset;
        values.set(item.fqn, new Map(dataset.columns.map((column) => [column.name, []])));
      }
      const checks: MaskedChecks = new Map();
      if (items.some((item) => (item.sampleRows ?? 0) > 0)) {
        await readSamples(deps, input, values, checks);
      }

      const columnFqns = items.flatMap((item) => {
        const dataset = item.dataset as DiscoveredDataset;
        return dataset.columns.map((column) => formatFqn([...dataset.path, column.name]));
      });
      const decided = await loadColumnDecisions(deps.db, input.dataSourceId, columnFqns);
      const pending = items.flatMap((item) => {
        const dataset = item.dataset as DiscoveredDataset;
        return dataset.columns.map((column) => {
          const fqn = formatFqn([...dataset.path, column.name]);
          const columnValues = values.get(item.fqn)?.get(column.name) ?? [];
          const input = { name: column.name, dataType: column.dataType, values: columnValues };
          const rejected = decided.get(fqn)?.rejected;
          return {
            item,
            fqn,
            input,
            decision: engine.classify(input, rejected ? { suppressed: rejected } : {}),
          };
        });
      });
      const adjudicated = await adjudicateBatch(deps, engine, input.scanRunId, pending);

      const conclusions = pending.map((column, index) =>
        concludeColumn(
          column.input.name,
          adjudicated.decisions[index]!,
          decided.get(column.fqn),
          (infoType) =>
            (infoTypeById(infoType) ?? engine.infoTypes.find((type) => type.id === infoType))
              ?.sensitivity,
          adjudicated.answered.has(index),
        ),
      );
      const kept = await keepMaskedConclusions(
        deps,
        input.dataSourceId,
        pending,
        conclusions,
        decided,
        checks,
      );
      const byDataset = new Map<string, ColumnConclusion[]>();
      pending.forEach((column, index) => {
        const list = byDataset.get(column.item.fqn) ?? [];
        list.push(kept.get(column.fqn) ?? conclusions[index]!);
        byDataset.set(column.item.fqn, list);
      });
      const result: ClassifyResult = {
        datasets: items.length,
        columns: pending.length,
        sensitiveColumns: 0,
        adjudicated: adjudicated.answered.size,
        ms: 0,
      };
      const outcomes = items.map((item) => {
        const columns = byDataset.get(item.fqn) ?? [];
        result.sensitiveColumns += columns.filter((column) => column.sensitive).length;
        const classification: DatasetClassification = { columns };
        return { fqn: item.fqn, classification };
      });
      await recordOutcomes(deps.db, input.scanRunId, outcomes);
      return { ...result, ms: elapsed(started) };
    },
  };
}

/**
 * Columns seen masked only were known sensitive; their values say nothing now, so the
 * conclusion the catalog holds from an earlier scan stands (masking must not erase it). Only
 * its value check's figures follow the source, from the counts taken before masking.
 */
async function keepMaskedConclusions(
  deps: ScanActivityDeps,
  dataSourceId: string,
  pending: readonly { fqn: string; item: { fqn: string }; input: { name: string } }[],
  conclusions: readonly ColumnConclusion[],
  decided: ReadonlyMap<string, ColumnDecisions>,
  checks: MaskedChecks,
): Promise<Map<string, ColumnConclusion>> {
  const masked = pending
    .map((column, index) => ({
      fqn: column.fqn,
      counts: checks.get(column.item.fqn)?.get(column.input.name),
      conclusion: conclusions[index]!,
    }))
    .filter(
      ({ conclusion }) =>
        conclusion.status !== 'approved' &&
        conclusion.statistics.examined === 0 &&
        conclusion.statistics.masked > 0,
    );
  const stored = await storedClassifications(
    deps.db,
    dataSourceId,
    masked.map((entry) => entry.fqn),
  );
  const kept = new Map<string, ColumnConclusion>();
  for (const { fqn, counts, conclusion } of masked) {
    const previous = stored.get(fqn);
    if (previous && typeof previous === 'object') {
      const stands = keptConclusion(
        conclusion,
        previous as Record<string, unknown>,
        decided.get(fqn),
      );
      kept.set(
        fqn,
        counts ? withCheckedValues(stands, counts, infoTypeById(counts.infoType)) : stands,
      );
    }
  }
  return kept;
}
