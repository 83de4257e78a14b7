import type { Config } from '../config/load-config.js';
import { createDb } from '../db/connection.js';
import { startupRulePacks } from '../infra/compliance-packs.js';
import type { Logger } from '../infra/logger.js';
import { createObjectStore } from '../infra/object-store.js';
import { createRedis } from '../infra/redis.js';
import { createTemporalClient } from '../infra/temporal.js';
import type { ApiDeps } from './deps.js';

/**
 * Opens the API's clients from the configuration. None of them needs its server to be up
 * yet: `/ready` reports what is missing, and each reconnects on its own.
 */
export function createApiDeps(
  config: Config,
  logger: Logger,
): ApiDeps & { close(): Promise<void> } {
  const db = createDb(config.postgres.url);
  const redis = createRedis(config.redis.url);
  const temporal = createTemporalClient(config.temporal);
  return {
    config,
    logger,
    db,
    redis,
    temporal,
    objectStore: createObjectStore(config.s3),
    compliancePacks: startupRulePacks(config, logger),
    redisKeyPrefix: config.redis.keyPrefix,
    async close() {
      redis.disconnect();
      await Promise.allSettled([db.destroy(), temporal.connection.close()]);
    },
  };
}
