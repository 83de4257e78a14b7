import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { insertDataSource } from '../../db/queries/data-sources.js';
import type { Database } from '../../db/schema.js';
import type { SecretBox } from '../../infra/secret-box.js';
import type { PostgresConfig } from '../../scanners/postgres/postgres-config.js';

/**
 * A workspace and a user to own data sources, written straight to the database.
 *
 * @example
 * const owner = await insertOwner(db, 'crash');
 */
export async function insertOwner(
  db: Kysely<Database>,
  label: string,
): Promise<{ workspaceId: string; userId: string }> {
  const workspace = await db
    .insertInto('workspaces')
    .values({ slug: `${label}-${randomUUID()}`, name: label })
    .returning('id')
    .executeTakeFirstOrThrow();
  const user = await db
    .insertInto('users')
    .values({ email: `${label}-${randomUUID()}@example.test`, display_name: label })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { workspaceId: workspace.id, userId: user.id };
}

/**
 * A `postgres` data source as the API registers it: settings in clear, the password sealed
 * to the source's id. Returns the id.
 *
 * @example
 * const id = await insertPostgresSource(db, secretBox, source.config, owner, 'warehouse');
 */
export async function insertPostgresSource(
  db: Kysely<Database>,
  secretBox: SecretBox,
  config: PostgresConfig,
  owner: { workspaceId: string; userId: string },
  name = `source-${randomUUID()}`,
): Promise<string> {
  const id = randomUUID();
  const { password, ...settings } = config;
  const sealed = secretBox.seal({ password }, id);
  await insertDataSource(db, {
    id,
    workspaceId: owner.workspaceId,
    scanner: 'postgres',
    createdBy: owner.userId,
    name,
    settings,
    secretCiphertext: sealed.ciphertext,
    secretKeyId: sealed.keyId,
  });
  return id;
}

/**
 * A queued scan run of a source, as `POST /datasources/:id/scans` writes it. Returns its id.
 *
 * @example
 * const scanRunId = await insertQueuedRun(db, dataSourceId, 'incremental');
 */
export async function insertQueuedRun(
  db: Kysely<Database>,
  dataSourceId: string,
  mode: 'full' | 'incremental' = 'full',
): Promise<string> {
  const run = await db
    .insertInto('scan_runs')
    .values({ data_source_id: dataSourceId, workflow_id: `scan:${dataSourceId}`, mode })
    .returning('id')
    .executeTakeFirstOrThrow();
  return run.id;
}
