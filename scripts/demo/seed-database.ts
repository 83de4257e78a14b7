import pg from 'pg';
import type { Config } from '../../config/load-config.js';
import { loadRetailTables } from './load-retail-tables.js';
import { retailCommentsSql } from './retail-comments-sql.js';
import type { RetailDataset } from './retail-model.js';
import { DEMO_SCHEMAS, RETAIL_TABLES_SQL } from './retail-tables-sql.js';
import { RETAIL_VIEWS_SQL } from './retail-views-sql.js';

export const DEMO_DATABASE = 'retail_demo';

export interface DatabaseSummary {
  name: string;
  tables: number;
  views: number;
  rows: number;
  /** False when a matching demo database was already there and left untouched. */
  created: boolean;
}

export interface SeedDatabaseOptions {
  /** Database to fill; the platform's own database is never a valid target. */
  database: string;
  seed: number;
  generatorVersion: string;
  /** Called only when the data must be (re)loaded, so a skip costs no generation time. */
  dataset: () => RetailDataset;
  force?: boolean;
  log?: (line: string) => void;
}

const MARKER_TABLE = 'public.demo_metadata';

/** The platform URL pointed at another database on the same server, same credentials. */
export function databaseUrl(platformUrl: string, database: string): string {
  const url = new URL(platformUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'demo-seeder' });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

type DemoState = 'absent' | 'current' | 'stale' | 'empty' | 'foreign';

async function inspect(client: pg.Client, seed: number, version: string): Promise<DemoState> {
  const marker = await client.query<{ present: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS present`,
    [MARKER_TABLE],
  );
  if (marker.rows[0]?.present) {
    const found = await client.query(
      `SELECT 1 FROM ${MARKER_TABLE} WHERE seed = $1 AND generator_version = $2`,
      [seed, version],
    );
    return found.rowCount ? 'current' : 'stale';
  }
  const objects = await client.query(
    `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' LIMIT 1`,
  );
  return objects.rowCount ? 'foreign' : 'empty';
}

async function summarize(
  client: pg.Client,
  name: string,
  created: boolean,
): Promise<DatabaseSummary> {
  const relations = await client.query<{ schema: string; name: string; kind: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'v', 'm') ORDER BY 1, 2`,
    [[...DEMO_SCHEMAS]],
  );
  const tables = relations.rows.filter((r) => r.kind === 'r');
  const counts = tables.length
    ? await client.query<{ rows: string }>(
        `SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t.schema}"."${t.name}")`).join(' + ')} AS rows`,
      )
    : undefined;
  return {
    name,
    tables: tables.length,
    views: relations.rows.length - tables.length,
    rows: Number(counts?.rows[0]?.rows ?? 0),
    created,
  };
}

async function load(client: pg.Client, options: SeedDatabaseOptions): Promise<void> {
  const data = options.dataset();
  // One transaction: a failed load leaves an empty database, which the next run refills.
  await client.query('BEGIN');
  try {
    await client.query(RETAIL_TABLES_SQL);
    const counts = await loadRetailTables(client, data);
    await client.query(RETAIL_VIEWS_SQL);
    await client.query(retailCommentsSql());
    await client.query(`
      CREATE TABLE ${MARKER_TABLE} (
        generator text NOT NULL,
        generator_version text NOT NULL,
        seed bigint NOT NULL,
        row_counts jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      COMMENT ON TABLE ${MARKER_TABLE} IS
        'Written by the demo seeder (npm run demo). Marks this database as demo data it may replace.';
      COMMENT ON DATABASE "${options.database}" IS
        'Demo retail data for the data governance platform (seed ${options.seed}, generator v${options.generatorVersion}).'`);
    await client.query(
      `INSERT INTO ${MARKER_TABLE} (generator, generator_version, seed, row_counts)
       VALUES ('retail-demo', $1, $2, $3)`,
      [options.generatorVersion, options.seed, JSON.stringify(counts)],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  // Fresh statistics let scanners estimate row counts without counting.
  await client.query('ANALYZE');
}

async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/**
 * Creates and fills the demo database unless a database with the same seed and generator
 * version is already there. A demo database from another version is rebuilt; a database of
 * that name without the demo marker is left alone unless `force` is set.
 *
 * @example
 * await seedDemoDatabase(config, { database: 'retail_demo', seed, generatorVersion, dataset });
 */
export async function seedDemoDatabase(
  config: Config,
  options: SeedDatabaseOptions,
): Promise<DatabaseSummary> {
  const name = options.database;
  const log = options.log ?? (() => undefined);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`demo database name "${name}" must be lower-case letters, digits and _`);
  }
  const platformDatabase = decodeURIComponent(new URL(config.postgres.url).pathname.slice(1));
  if (name === platformDatabase) {
    throw new Error(`demo database must not be the platform database "${name}"`);
  }
  const demoUrl = databaseUrl(config.postgres.url, name);

  return withClient(config.postgres.url, async (admin) => {
    // Serialises concurrent seeders (npm start and npm run demo) on the same target.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [`demo-seed:${name}`]);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    let state: DemoState = 'absent';
    if (exists.rowCount) {
      state = await withClient(demoUrl, (client) =>
        inspect(client, options.seed, options.generatorVersion),
      );
    }
    if (state === 'current' && !options.force) {
      log(`database ${name}: demo data present, skipped`);
      return withClient(demoUrl, (client) => summarize(client, name, false));
    }
    if (state === 'foreign' && !options.force) {
      throw new Error(`database ${name} exists without the demo marker; use --force to replace it`);
    }
    if (state !== 'absent' && state !== 'empty') {
      log(
        `database ${name}: dropping (${options.force ? 'forced' : 'other seed or generator version'})`,
      );
      await dropDatabase(admin, name);
      state = 'absent';
    }
    if (state === 'absent') {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
    }
    const started = performance.now();
    const summary = await withClient(demoUrl, async (client) => {
      await load(client, options);
      return summarize(client, name, true);
    });
    log(
      `database ${name}: ${summary.tables} tables, ${summary.views} views, ${summary.rows} rows ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return summary;
  });
}
