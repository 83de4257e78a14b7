import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Client as ObjectStore } from 'minio';
import type { Config } from '../config/load-config.js';
import type { LlmAdjudicator } from '../infra/llm-adjudicator.js';
import type { Database } from '../db/schema.js';
import type { LoadedPacks } from '../infra/compliance-packs.js';
import type { Logger } from '../infra/logger.js';
import type { SecretBox } from '../infra/secret-box.js';
import type { NetworkGuard } from '../scanners/sdk/contract.js';
import type { ScannerRegistry } from '../scanners/sdk/registry.js';

/**
 * How the scan workflow paces itself; read by the workflow through `loadScanSettings`, so
 * that operators (and tests) tune it on the worker without changing workflow code.
 *
 * @example
 * const tuning: ScanTuning = { ...DEFAULT_SCAN_TUNING, prepareRetry: { initialIntervalMs: 100, maximumIntervalMs: 200, maximumAttempts: 3 } };
 */
export interface ScanTuning {
  /** Retries of `prepareScan` when the source is unreachable or busy. */
  prepareRetry: { initialIntervalMs: number; maximumIntervalMs: number; maximumAttempts: number };
  /** History events after which the workflow continues as new between batches. */
  historyEventLimit: number;
}

/**
 * Production pacing: an unreachable source is tried for about two minutes; Temporal warns
 * at 10,240 history events and stops at 51,200, so the workflow renews itself well before.
 *
 * @example
 * createScanActivities({ ...deps, tuning: DEFAULT_SCAN_TUNING });
 */
export const DEFAULT_SCAN_TUNING: ScanTuning = {
  prepareRetry: { initialIntervalMs: 2_000, maximumIntervalMs: 60_000, maximumAttempts: 6 },
  historyEventLimit: 8_000,
};

/**
 * What the scan activities work with, handed in once when the worker starts.
 *
 * @example
 * const activities = createScanActivities({ db, objectStore, redis, config, scanners, secretBox, networkGuard, logger });
 */
export interface ScanActivityDeps {
  db: Kysely<Database>;
  objectStore: ObjectStore;
  redis: Redis;
  config: Pick<Config, 'scan' | 's3'>;
  scanners: ScannerRegistry;
  secretBox: SecretBox;
  networkGuard: NetworkGuard;
  logger: Logger;
  /** Put before every Redis channel and key, so that deployments sharing a Redis stay apart. */
  redisKeyPrefix?: string;
  tuning?: Partial<ScanTuning>;
  /** The compliance rule packs loaded at start-up; the built-in ones when absent. */
  compliancePacks?: LoadedPacks;
  /** LLM adjudication of ambiguous columns; absent when no LLM is configured. */
  adjudication?: { adjudicator: LlmAdjudicator; sendRawValues: boolean };
}

/**
 * The object key of one batch's samples: `samples/<dataSourceId>/<scanRunId>/batch-000001.jsonl`.
 *
 * @example
 * sampleObjectKey(dataSourceId, scanRunId, 1); // 'samples/<dataSourceId>/<scanRunId>/batch-000001.jsonl'
 */
export function sampleObjectKey(dataSourceId: string, scanRunId: string, batch: number): string {
  return `samples/${dataSourceId}/${scanRunId}/batch-${String(batch).padStart(6, '0')}.jsonl`;
}

/**
 * What every batch activity is called with: ids and a number, nothing else.
 *
 * @example
 * await sampleBatch({ scanRunId, dataSourceId, batch: 3 } satisfies BatchInput);
 */
export interface BatchInput {
  scanRunId: string;
  dataSourceId: string;
  batch: number;
}

/**
 * How long an activity worked, for the per-stage busy time.
 *
 * @example
 * busy.sample += (result satisfies Timed).ms;
 */
export interface Timed {
  ms: number;
}
