import { activityInfo } from '@temporalio/activity';
import type { LifecycleRule } from 'minio';
import {
  loadScanRunContext,
  markScanRunning,
  recordSamplesExpiry,
} from '../db/queries/scan-run-updates.js';
import { withSource } from './scan-connection.js';
import { DEFAULT_SCAN_TUNING, type ScanActivityDeps, type ScanTuning } from './scan-deps.js';
import { elapsed, missing, withHeartbeat } from './scan-support.js';

/**
 * The pacing the workflow reads from the worker before it starts.
 *
 * @example
 * const { concurrency, prepareRetry } = await loadScanSettings();
 */
export interface ScanSettings extends ScanTuning {
  /** Batches in flight at once (`SCAN_CONCURRENCY`). */
  concurrency: number;
}

/**
 * Input of `prepareScan`: ids and the mode, never settings or secrets.
 *
 * @example
 * await prepareScan({ scanRunId, dataSourceId } satisfies PrepareInput);
 */
export interface PrepareInput {
  scanRunId: string;
  dataSourceId: string;
}

/**
 * What `prepareScan` found: the scanner and the server's version, no settings.
 *
 * @example
 * const { serverVersion } = await prepareScan({ scanRunId, dataSourceId }); // 'PostgreSQL 16.4'
 */
export interface PrepareResult {
  scanner: string;
  serverVersion: string | null;
  ms: number;
}

const LIFECYCLE_RULE_ID = 'scan-samples-expiry';

/**
 * Activities that start a scan: the worker's pacing, and `prepareScan`, which moves the run
 * to running, opens the source's secrets, validates its settings, checks the network policy
 * and proves the connection with the scanner's `check()`.
 *
 * @example
 * const { loadScanSettings, prepareScan } = createScanPrepareActivities(deps);
 */
export function createScanPrepareActivities(deps: ScanActivityDeps) {
  const tuning: ScanTuning = { ...DEFAULT_SCAN_TUNING, ...deps.tuning };
  let lifecycle: Promise<void> | undefined;

  /** Once per worker: samples expire after `sampleRetentionDays` through a bucket rule. */
  function ensureSampleLifecycle(): Promise<void> {
    lifecycle ??= applyLifecycle(deps).catch((error: unknown) => {
      lifecycle = undefined;
      // The recorded expiry still tells a clean-up job what to remove.
      deps.logger.warn({ err: error }, 'could not set the expiry rule of scan samples');
    });
    return lifecycle;
  }

  return {
    async loadScanSettings(): Promise<ScanSettings> {
      return { ...tuning, concurrency: deps.config.scan.concurrency };
    },

    async prepareScan(input: PrepareInput): Promise<PrepareResult> {
      const started = performance.now();
      const run = await loadScanRunContext(deps.db, input.scanRunId, input.dataSourceId);
      if (!run) {
        throw missing(
          `scan run ${input.scanRunId} of data source ${input.dataSourceId} does not exist`,
        );
      }
      await markScanRunning(
        deps.db,
        input.scanRunId,
        activityInfo().workflowExecution?.runId ?? null,
      );
      const result = await withHeartbeat(
        () => ({ stage: 'check' }),
        (signal) =>
          withSource(deps, input.dataSourceId, signal, async ({ plugin, connection }) => {
            const checked = await connection.check();
            return { scanner: plugin.id, serverVersion: checked.serverVersion ?? null };
          }),
      );
      await ensureSampleLifecycle();
      await recordSamplesExpiry(deps.db, input.scanRunId, deps.config.scan.sampleRetentionDays);
      return { ...result, ms: elapsed(started) };
    },
  };
}

async function applyLifecycle(deps: ScanActivityDeps): Promise<void> {
  const { objectStore } = deps;
  const bucket = deps.config.s3.bucket;
  const days = deps.config.scan.sampleRetentionDays;
  const current = await objectStore.getBucketLifecycle(bucket).catch(() => null);
  const rules = ([] as LifecycleRule[]).concat(current?.Rule ?? []);
  const ours = rules.find((rule) => rule.ID === LIFECYCLE_RULE_ID);
  if (ours && Number(ours.Expiration?.Days) === days) return;
  const mine: LifecycleRule = {
    ID: LIFECYCLE_RULE_ID,
    Status: 'Enabled',
    Filter: { Prefix: 'samples/' },
    Expiration: { Days: days },
  };
  await objectStore.setBucketLifecycle(bucket, {
    Rule: [...rules.filter((rule) => rule.ID !== LIFECYCLE_RULE_ID), mine],
  });
}
