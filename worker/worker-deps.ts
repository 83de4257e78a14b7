import { startupRulePacks } from '../infra/compliance-packs.js';
import type { Kysely } from 'kysely';
import type { ActivityDeps } from '../activities/index.js';
import type { ScanTuning } from '../activities/scan-deps.js';
import type { Config } from '../config/load-config.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../infra/logger.js';
import { BUILTIN_INFO_TYPES } from '../core/classification/catalogue/index.js';
import { adjudicatorFromConfig } from '../infra/llm-adjudicator.js';
import { createNetworkGuard } from '../infra/network-policy.js';
import { createObjectStore } from '../infra/object-store.js';
import { createRedis } from '../infra/redis.js';
import { createSecretBox } from '../infra/secret-box.js';
import { builtinScanners } from '../scanners/builtins.js';
import { createScannerRegistry } from '../scanners/sdk/registry.js';

/**
 * Options of `createWorkerDeps` beyond the configuration.
 *
 * @example
 * await createWorkerDeps(config, logger, db, { redisKeyPrefix: 'test:1:', tuning: { historyEventLimit: 100 } });
 */
export interface WorkerDepsOptions {
  /** Put before Redis channels (tests share one Redis). */
  redisKeyPrefix?: string;
  /** Pacing of the scan workflow; production defaults otherwise. */
  tuning?: Partial<ScanTuning>;
}

/**
 * Opens what the worker's activities need from the configuration: Redis for scan events,
 * the object store for samples, the scanner registry (built-ins plus `SCANNER_PLUGINS`, a
 * bad plugin stops the start), the secret box, the network guard and, when `LLM_API_KEY` is
 * set, the LLM adjudicator. The database is the
 * caller's (it also migrates with it). `close()` ends what was opened here.
 *
 * @example
 * const deps = await createWorkerDeps(config, logger, db);
 * const worker = await createWorker({ config, connection, deps });
 * try { await worker.run(); } finally { await deps.close(); }
 */
export async function createWorkerDeps(
  config: Config,
  logger: Logger,
  db: Kysely<Database>,
  options: WorkerDepsOptions = {},
): Promise<ActivityDeps & { close(): Promise<void> }> {
  const scanners = await createScannerRegistry({
    builtins: builtinScanners,
    packages: config.scan.plugins,
  });
  const redis = createRedis(config.redis.url);
  // Verdicts are cached and budgets counted under the same prefix as every other key.
  const keyPrefix = options.redisKeyPrefix ?? config.redis.keyPrefix;
  const adjudicator = adjudicatorFromConfig(
    { ...config, redis: { ...config.redis, keyPrefix } },
    redis,
    BUILTIN_INFO_TYPES,
    logger,
  );
  return {
    db,
    redis,
    objectStore: createObjectStore(config.s3),
    config,
    scanners,
    secretBox: createSecretBox({
      currentKey: config.secrets.dataEncryptionKey,
      previousKeys: config.secrets.previousEncryptionKeys,
    }),
    networkGuard: createNetworkGuard({
      allowCidrs: config.scan.allowCidrs,
      denyCidrs: config.scan.denyCidrs,
    }),
    logger,
    compliancePacks: startupRulePacks(config, logger),
    ...(adjudicator
      ? { adjudication: { adjudicator, sendRawValues: config.llm.sendRawValues } }
      : {}),
    ...(options.redisKeyPrefix !== undefined ? { redisKeyPrefix: options.redisKeyPrefix } : {}),
    ...(options.tuning ? { tuning: options.tuning } : {}),
    async close() {
      redis.disconnect();
    },
  };
}
