import { randomUUID } from 'node:crypto';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { startScan } from '../../api/scan-starter.js';
import type { Config } from '../../config/load-config.js';
import { splitSecrets } from '../../core/secrets/mask-secrets.js';
import { insertDataSource } from '../../db/queries/data-sources.js';
import type { Database } from '../../db/schema.js';
import { createSecretBox } from '../../infra/secret-box.js';
import { DEMO_DATABASE } from './seed-database.js';
import { DEMO_BUCKET } from './seed-bucket.js';
import { builtinScanners } from '../../scanners/builtins.js';

interface DemoSource {
  name: string;
  scanner: string;
  config: Record<string, unknown>;
  /** What compliance rules read about the source (see `checkSourceFacts`). */
  tags: string[];
  region: string | null;
}

/**
 * The demo database and bucket as a steward would register them, placed in one region so
 * that region rules have something to judge.
 */
function demoSources(config: Config): DemoSource[] {
  const pg = new URL(config.postgres.url);
  const s3 = new URL(config.s3.endpoint);
  return [
    {
      name: 'Retail demo database',
      scanner: 'postgres',
      config: {
        host: pg.hostname,
        port: Number(pg.port || 5432),
        database: DEMO_DATABASE,
        user: decodeURIComponent(pg.username),
        password: decodeURIComponent(pg.password),
      },
      tags: ['demo', 'production'],
      region: 'eu-west-1',
    },
    {
      name: 'Retail demo files',
      scanner: 's3',
      config: {
        endpoint: `${s3.protocol}//${s3.host}`,
        region: config.s3.region,
        bucket: DEMO_BUCKET,
        accessKey: config.s3.accessKey,
        secretKey: config.s3.secretKey,
      },
      tags: [],
      region: 'eu-west-1',
    },
  ];
}

/**
 * Registers the demo database and bucket as data sources of the `default` workspace, owned
 * by the first platform admin, and scans each one the first time it is registered, so a
 * newcomer sees a catalog at once. Later starts leave them (and their catalog) as they are.
 *
 * @example
 * const lines = await registerDemoSources({ config, db, temporal });
 */
export async function registerDemoSources(deps: {
  config: Config;
  db: Kysely<Database>;
  temporal: TemporalClient;
}): Promise<string[]> {
  const { config, db } = deps;
  const owner = await db
    .selectFrom('users')
    .innerJoin('workspace_memberships as m', 'm.user_id', 'users.id')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['users.id as userId', 'w.id as workspaceId'])
    .where('users.is_platform_admin', '=', true)
    .where('w.slug', '=', 'default')
    .orderBy('users.created_at')
    .executeTakeFirst();
  if (!owner) return ['demo sources: no platform admin yet; skipped'];
  const box = createSecretBox({
    currentKey: config.secrets.dataEncryptionKey,
    previousKeys: config.secrets.previousEncryptionKeys,
  });
  const lines: string[] = [];
  for (const source of demoSources(config)) {
    const plugin = builtinScanners.find((candidate) => candidate.id === source.scanner);
    if (!plugin) continue;
    const id = randomUUID();
    const parsed = plugin.configSchema.parse(source.config) as Record<string, unknown>;
    const { settings, secrets } = splitSecrets(parsed, plugin.secretFields);
    const sealed = box.seal(secrets, id);
    const created = await insertDataSource(db, {
      id,
      workspaceId: owner.workspaceId,
      name: source.name,
      scanner: source.scanner,
      settings,
      secretCiphertext: sealed.ciphertext,
      secretKeyId: sealed.keyId,
      tags: source.tags,
      region: source.region,
      createdBy: owner.userId,
    });
    if (!created) continue;
    const scan = await startScan(deps, {
      dataSourceId: id,
      mode: 'full',
      requestedBy: owner.userId,
    });
    lines.push(`demo source "${source.name}" registered; scan ${scan.scanRunId} started`);
  }
  return lines;
}
