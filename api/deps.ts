import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Client as ObjectStore } from 'minio';
import type { Config } from '../config/load-config.js';
import type { AppAbility } from '../core/permissions/ability-types.js';
import type { ActorRecord } from '../db/queries/actors.js';
import type { Database } from '../db/schema.js';
import type { LoadedPacks } from '../infra/compliance-packs.js';
import type { Logger } from '../infra/logger.js';
import type { ScannerRegistry } from '../scanners/sdk/registry.js';

/** Everything a route may use, handed in once when the app is built (never from globals). */
export interface ApiDeps {
  config: Config;
  logger: Logger;
  db: Kysely<Database>;
  redis: Redis;
  temporal: TemporalClient;
  objectStore: ObjectStore;
  /**
   * The scanner plugins (built once at start-up, since loading `SCANNER_PLUGINS` is
   * asynchronous); the built-ins alone when not given.
   */
  scanners?: Promise<ScannerRegistry>;
  /**
   * The compliance rule packs loaded at start-up (a bad pack is listed in `problems`, and
   * in `/ready`); read from `packFolders(config)` when not given.
   */
  compliancePacks?: LoadedPacks;
  /** Put before every Redis key the API writes, so that test runs sharing a Redis stay apart. */
  redisKeyPrefix?: string;
}

/** The signed-in user of a request, and the session their token belongs to. */
export interface RequestActor extends ActorRecord {
  sessionId: string;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by `authenticate` on every non-public route; never read from request headers. */
    actor: RequestActor;
    ability: AppAbility;
    /** Set by `audit()`; `auditGuard` refuses a successful write without it. */
    audited: boolean;
  };
}
