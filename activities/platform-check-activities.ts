import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { readDatabaseReport, type DatabaseReport } from '../db/queries/database-report.js';

export interface PlatformCheckDeps {
  db: Kysely<Database>;
}

/** Activities of the platform check: a round trip from a worker to the platform database. */
export function createPlatformCheckActivities({ db }: PlatformCheckDeps) {
  return {
    async inspectPlatformDatabase(): Promise<DatabaseReport> {
      return readDatabaseReport(db);
    },
  };
}

export type PlatformCheckActivities = ReturnType<typeof createPlatformCheckActivities>;
