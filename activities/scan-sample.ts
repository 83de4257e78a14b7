import { infoTypeById } from '../core/classification/catalogue/index.js';
import { ENGINE_VERSION } from '../core/classification/classification-engine.js';
import { MASKED_VALUE } from '../core/classification/column-statistics.js';
import type { ValueCheck } from '../core/classification/info-type.js';
import {
  countValueCheck,
  type ValueCheckCounts,
} from '../core/classification/value-check-counts.js';
import { staleSuggestionDatasets } from '../db/queries/column-classifications.js';
import { sql } from 'kysely';
import { sensitiveColumns } from '../db/queries/catalog-upsert.js';
import { loadBatch, recordOutcomes, type ItemOutcome } from '../db/queries/scan-manifest.js';
import { loadScanRunContext } from '../db/queries/scan-run-updates.js';
import {
  ScannerError,
  type DiscoveredDataset,
  type SampleRow,
  type SampleValue,
} from '../scanners/sdk/contract.js';
import { formatFqn } from '../scanners/sdk/fqn.js';
import { withSource } from './scan-connection.js';
import {
  sampleObjectKey,
  type BatchInput,
  type ScanActivityDeps,
  type Timed,
} from './scan-deps.js';
import { DATASET_KINDS, elapsed, isLastAttempt, missing, withHeartbeat } from './scan-support.js';
import { currentInfoTypeId } from './scan-column-conclusions.js';

/** Datasets of one batch sampled at once (on the scanner's pooled sessions). */
const SAMPLE_PARALLELISM = 2;

/**
 * Counts of one sampled batch.
 *
 * @example
 * const { sampled, failed } = await sampleBatch({ scanRunId, dataSourceId, batch: 1 });
 */
export interface SampleResult extends Timed {
  datasets: number;
  sampled: number;
  /** Datasets that failed now or at discovery. */
  failed: number;
  /** Unchanged datasets an incremental scan did not sample again. */
  skipped: number;
  rows: number;
}

/**
 * One line of a batch's samples object.
 *
 * @example
 * const line = JSON.parse(text) as SampleLine; // { fqn: 'shop.public.customers', row: { id: 1, … } }
 */
export interface SampleLine {
  fqn: string;
  row: SampleRow;
}

/**
 * The line after a dataset's rows with what the value checks of its masked columns found in
 * the values before they were masked: counts per column, never a value. It has no `fqn` and
 * no `row`, so a reader of rows passes over it.
 *
 * @example
 * // {"dataset":"shop.sales.payments","checks":{"card_number":{"infoType":"CREDIT_CARD","examined":20,"matched":0}}}
 * if ('checks' in line) counts.set(line.dataset, new Map(Object.entries(line.checks)));
 */
export interface SampleChecksLine {
  dataset: string;
  checks: Record<string, ValueCheckCounts>;
}

/**
 * `sampleBatch` reads up to `SCAN_SAMPLE_ROWS` rows of each dataset of a batch and stores
 * them as one JSON Lines object per batch under `samples/<dataSourceId>/<scanRunId>/`,
 * expired by the bucket's lifecycle rule after `SAMPLE_RETENTION_DAYS`. Values of columns
 * the catalog already holds as confidential or restricted are masked before they are
 * stored; for those whose catalog type has a value check, the check runs on the values
 * before masking and only its counts are stored (`SampleChecksLine`), so that a source that
 * masked its data shows it in the evidence. A dataset that has gone, is unreadable or may
 * not be read is recorded as failed and the batch goes on; an unreachable source fails the
 * attempt (and is retried), except on the last attempt, where the datasets it left unsampled
 * are recorded as failed if any dataset of the batch could be read.
 *
 * @example
 * const { sampleBatch } = createScanSampleActivities(deps);
 */
export function createScanSampleActivities(deps: ScanActivityDeps) {
  return {
    async sampleBatch(input: BatchInput): Promise<SampleResult> {
      const started = performance.now();
      const run = await loadScanRunContext(deps.db, input.scanRunId, input.dataSourceId);
      if (!run) throw missing(`scan run ${input.scanRunId} does not exist`);
      const items = (await loadBatch(deps.db, input.scanRunId, input.batch)).filter(
        (item) => item.itemKind === 'dataset',
      );
      const datasets = items.map((item) => item.dataset as DiscoveredDataset);
      const masked = await sensitiveColumns(
        deps.db,
        input.dataSourceId,
        datasets.flatMap((dataset) =>
          dataset.columns.map((column) => formatFqn([...dataset.path, column.name])),
        ),
      );
      const unchanged =
        run.mode === 'incremental'
          ? await unchangedDatasets(deps, input.dataSourceId, datasets)
          : new Set<string>();

      const outcomes: ItemOutcome[] = [];
      const linesOf = new Map<string, string[]>();
      const result: SampleResult = {
        datasets: datasets.length,
        sampled: 0,
        failed: 0,
        skipped: 0,
        rows: 0,
        ms: 0,
      };
      const todo = datasets.filter((dataset) => {
        if (dataset.problem) result.failed += 1;
        else if (unchanged.has(dataset.fqn)) {
          result.skipped += 1;
          outcomes.push({
            fqn: dataset.fqn,
            status: 'sampled',
            sampleRows: null,
            errorKind: null,
            error: null,
          });
        } else return true;
        return false;
      });
      await withHeartbeat(
        () => ({ batch: input.batch, sampled: result.sampled }),
        (signal) =>
          withSource(deps, input.dataSourceId, signal, async ({ connection }) => {
            const retryable: { fqn: string; error: ScannerError }[] = [];
            const sampleOne = async (dataset: DiscoveredDataset) => {
              const maskedHere = new Map<string, string | null>();
              for (const column of dataset.columns) {
                const fqn = formatFqn([...dataset.path, column.name]);
                if (masked.has(fqn)) maskedHere.set(column.name, masked.get(fqn)!);
              }
              const checked = checkedColumns(maskedHere);
              const lines: string[] = [];
              // The line is assembled around the row's own JSON: the same text as
              // `JSON.stringify({ fqn, row })`, without encoding the name once per row.
              const head = `{"fqn":${JSON.stringify(dataset.fqn)},"row":`;
              try {
                const ref = {
                  fqn: dataset.fqn,
                  path: dataset.path,
                  datasetType: dataset.datasetType,
                  properties: dataset.properties,
                };
                for await (const row of connection.sample(ref, {
                  rows: deps.config.scan.sampleRows,
                })) {
                  for (const [name, column] of checked) column.values.push(row[name] ?? null);
                  lines.push(`${head}${JSON.stringify(mask(row, maskedHere))}}`);
                }
                const checks = checksLine(dataset.fqn, checked);
                linesOf.set(dataset.fqn, checks ? [...lines, checks] : lines);
                result.sampled += 1;
                result.rows += lines.length;
                outcomes.push({
                  fqn: dataset.fqn,
                  status: 'sampled',
                  sampleRows: lines.length,
                  errorKind: null,
                  error: null,
                });
              } catch (error) {
                if (!(error instanceof ScannerError)) throw error;
                if (DATASET_KINDS.has(error.kind)) {
                  result.failed += 1;
                  outcomes.push(failedOutcome(dataset.fqn, error));
                } else if (error.retryable) {
                  retryable.push({ fqn: dataset.fqn, error });
                } else {
                  throw error;
                }
              }
            };
            // A few datasets at a time: round trips overlap, and the source sees at most
            // SAMPLE_PARALLELISM sessions per batch in flight.
            let next = 0;
            const lane = async () => {
              while (next < todo.length) {
                signal.throwIfAborted();
                await sampleOne(todo[next++]!);
              }
            };
            await Promise.all(Array.from({ length: SAMPLE_PARALLELISM }, lane));
            // Retryable failures retry the batch, until the last attempt: then they are the
            // datasets' failures, unless nothing of the batch was readable (a source that is
            // down fails the scan rather than reporting every dataset as failed).
            const first = retryable[0];
            if (first) {
              if (!isLastAttempt() || result.sampled + result.skipped === 0) throw first.error;
              for (const { fqn, error } of retryable) outcomes.push(failedOutcome(fqn, error));
              result.failed += retryable.length;
            }
          }),
      );
      // In discovery order, whatever order the samples arrived in.
      const lines = datasets.flatMap((dataset) => linesOf.get(dataset.fqn) ?? []);

      if (lines.length > 0) {
        const body = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
        await deps.objectStore.putObject(
          deps.config.s3.bucket,
          sampleObjectKey(input.dataSourceId, input.scanRunId, input.batch),
          body,
          body.length,
          { 'Content-Type': 'application/x-ndjson' },
        );
      }
      await recordOutcomes(deps.db, input.scanRunId, outcomes);
      return { ...result, ms: elapsed(started) };
    },
  };
}

function failedOutcome(fqn: string, error: ScannerError): ItemOutcome {
  return { fqn, status: 'failed', errorKind: error.kind, error: error.message, sampleRows: null };
}

function mask(row: SampleRow, masked: ReadonlyMap<string, unknown>): SampleRow {
  if (masked.size === 0) return row;
  const out = Object.create(null) as SampleRow;
  // Keys rather than `Object.entries`: no pair array per value, on every sampled row.
  for (const name of Object.keys(row)) {
    const value = row[name]!;
    out[name] = value !== null && masked.has(name) ? MASKED_VALUE : value;
  }
  return out;
}

interface CheckedColumn {
  infoType: string;
  check: ValueCheck;
  /** The raw values, in memory only until they are counted. */
  values: SampleValue[];
}

/**
 * The masked columns whose catalog type is a built-in one with a value check. A custom
 * classifier's test is compiled from its workspace's definitions, which the sampler does
 * not load: its columns keep their evidence as it was.
 */
function checkedColumns(masked: ReadonlyMap<string, string | null>): Map<string, CheckedColumn> {
  const checked = new Map<string, CheckedColumn>();
  for (const [name, stored] of masked) {
    const infoType = stored === null ? null : currentInfoTypeId(stored);
    const check = infoType === null ? undefined : infoTypeById(infoType)?.values;
    if (infoType !== null && check) checked.set(name, { infoType, check, values: [] });
  }
  return checked;
}

/** The dataset's `SampleChecksLine`, or null when no checked column had a value to look at. */
function checksLine(fqn: string, checked: ReadonlyMap<string, CheckedColumn>): string | null {
  const checks: [string, ValueCheckCounts][] = [];
  for (const [name, { infoType, check, values }] of checked) {
    const counts = countValueCheck(check, values);
    if (counts.examined > 0) checks.push([name, { infoType, ...counts }]);
  }
  if (checks.length === 0) return null;
  const line: SampleChecksLine = { dataset: fqn, checks: Object.fromEntries(checks) };
  return JSON.stringify(line);
}

/**
 * Datasets whose structure the catalog already holds unchanged and live, and whose
 * suggestions come from the current classification engine.
 */
async function unchangedDatasets(
  deps: ScanActivityDeps,
  dataSourceId: string,
  datasets: readonly DiscoveredDataset[],
): Promise<Set<string>> {
  if (datasets.length === 0) return new Set();
  const rows = await deps.db
    .selectFrom('catalog_assets')
    .select(['fqn', 'fingerprint'])
    .where('data_source_id', '=', dataSourceId)
    .where(sql<boolean>`fqn = any(${datasets.map((dataset) => dataset.fqn)}::text[])`)
    .where('deleted_at', 'is', null)
    .execute();
  const fingerprints = new Map(rows.map((row) => [row.fqn, row.fingerprint]));
  const same = datasets
    .filter((dataset) => fingerprints.get(dataset.fqn) === dataset.fingerprint)
    .map((dataset) => dataset.fqn);
  // Suggestions of an older engine are worth a new look: those datasets are sampled again
  // (their known sensitive columns stay masked).
  const stale = await staleSuggestionDatasets(deps.db, dataSourceId, same, ENGINE_VERSION);
  return new Set(same.filter((fqn) => !stale.has(fqn)));
}
