import type { Config } from '../../config/load-config.js';
import { generateRetailData } from './generate-retail-data.js';
import { DEMO_SEED, GENERATOR_VERSION, type RetailDataset } from './retail-model.js';
import { DEMO_BUCKET, seedDemoBucket, type BucketSummary } from './seed-bucket.js';
import { DEMO_DATABASE, seedDemoDatabase, type DatabaseSummary } from './seed-database.js';

export { generateRetailData, type GenerateOptions } from './generate-retail-data.js';
export { buildDemoFiles, toCsv, type DemoFile } from './demo-files.js';
export { isLuhnValid, isValidIban } from './payment-identifiers.js';
export { isValidBsn, isValidInsee } from './national-identifiers.js';
export { DEMO_BUCKET, MANIFEST_KEY, s3Client, seedDemoBucket } from './seed-bucket.js';
export { DEMO_DATABASE, databaseUrl, seedDemoDatabase } from './seed-database.js';
export { DEFAULT_SIZES, DEMO_SEED, GENERATOR_VERSION, REFERENCE_DATE } from './retail-model.js';
export type * from './retail-model.js';
export type { BucketSummary, DatabaseSummary };

export interface DemoSummary {
  database: DatabaseSummary;
  bucket: BucketSummary;
}

export interface SeedDemoOptions {
  /** Rebuild the database and rewrite every object even when the demo data is current. */
  force?: boolean;
  log?: (line: string) => void;
}

/** Where to seed; tests pass throw-away names so the real demo stays untouched. */
export interface DemoTargets {
  database: string;
  bucket: string;
  seed?: number;
}

/**
 * Seeds the demo retail database (`retail_demo`) and the demo bucket (`retail-demo-files`)
 * on the platform's own PostgreSQL server and object store. Safe to call on every start:
 * when both are current it only checks the markers, in well under a second.
 *
 * @example
 * const summary = await seedDemo(loadConfig(), { log: console.log });
 * summary.database.created; // false on the second run
 */
export function seedDemo(config: Config, options: SeedDemoOptions = {}): Promise<DemoSummary> {
  return seedDemoInto(config, { database: DEMO_DATABASE, bucket: DEMO_BUCKET }, options);
}

/** {@link seedDemo} with explicit database, bucket and seed. */
export async function seedDemoInto(
  config: Config,
  targets: DemoTargets,
  options: SeedDemoOptions = {},
): Promise<DemoSummary> {
  const seed = targets.seed ?? DEMO_SEED;
  let data: RetailDataset | undefined;
  // Generated at most once, and only if the database or the bucket needs it.
  const dataset = () => (data ??= generateRetailData({ seed }));
  const common = { seed, generatorVersion: GENERATOR_VERSION, dataset, ...options };

  const [database, bucket] = await Promise.allSettled([
    seedDemoDatabase(config, { ...common, database: targets.database }),
    seedDemoBucket(config, { ...common, bucket: targets.bucket }),
  ]);
  if (database.status === 'rejected') throw asError(database.reason, 'demo database');
  if (bucket.status === 'rejected') throw asError(bucket.reason, 'demo bucket');
  return { database: database.value, bucket: bucket.value };
}

function asError(reason: unknown, what: string): Error {
  const message = reason instanceof Error ? reason.message : String(reason);
  return new Error(`${what}: ${message}`, { cause: reason });
}
