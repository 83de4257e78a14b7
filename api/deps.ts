import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Client as ObjectStore } from 'minio';
import type { Config } from '../config/load-config.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../infra/logger.js';

/** Everything a route may use, handed in once when the app is built (never from globals). */
export interface ApiDeps {
  config: Config;
  logger: Logger;
  db: Kysely<Database>;
  redis: Redis;
  temporal: TemporalClient;
  objectStore: ObjectStore;
}

export interface AppEnv {
  Variables: { requestId: string };
}
