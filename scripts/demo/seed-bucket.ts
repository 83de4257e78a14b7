import { createHash } from 'node:crypto';
import { createObjectStore } from '../../infra/object-store.js';
import type { Readable } from 'node:stream';
import type { Client } from 'minio';
import type { Config } from '../../config/load-config.js';
import { buildDemoFiles, type DemoFile } from './demo-files.js';
import type { RetailDataset } from './retail-model.js';

export const DEMO_BUCKET = 'retail-demo-files';

/** Lists what the seeder wrote; its presence with the current version makes a rerun a skip. */
export const MANIFEST_KEY = '_demo-manifest.json';

export interface BucketSummary {
  name: string;
  /** Data objects, not counting the manifest. */
  objects: number;
  bytes: number;
  /** True when at least one object was written. */
  created: boolean;
}

export interface SeedBucketOptions {
  bucket: string;
  seed: number;
  generatorVersion: string;
  /** Called only when objects must be (re)written, so a skip costs no generation time. */
  dataset: () => RetailDataset;
  force?: boolean;
  log?: (line: string) => void;
}

interface Manifest {
  generator: 'retail-demo';
  generatorVersion: string;
  seed: number;
  objects: { key: string; sha256: string; bytes: number }[];
}

/** The object store the demo files go to: the platform's configured S3 endpoint. */
export function s3Client(config: Config): Client {
  return createObjectStore(config.s3);
}

const sha256 = (body: Uint8Array): string => createHash('sha256').update(body).digest('hex');

const isMissing = (error: unknown): boolean => {
  const code = (error as { code?: string }).code;
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchBucket';
};

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

async function readManifest(client: Client, bucket: string): Promise<Manifest | null> {
  try {
    return JSON.parse(await readText(await client.getObject(bucket, MANIFEST_KEY))) as Manifest;
  } catch (error) {
    if (isMissing(error) || error instanceof SyntaxError) return null;
    throw error;
  }
}

/** True when the object is there with the expected size and recorded content hash. */
async function holds(client: Client, bucket: string, key: string, hash: string, bytes: number) {
  try {
    const stat = await client.statObject(bucket, key);
    return stat.size === bytes && stat.metaData?.sha256 === hash;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

async function allHeld(client: Client, bucket: string, manifest: Manifest): Promise<boolean> {
  const checks = await Promise.all(
    manifest.objects.map((o) => holds(client, bucket, o.key, o.sha256, o.bytes)),
  );
  return checks.every(Boolean);
}

async function upload(client: Client, bucket: string, file: DemoFile, hash: string) {
  await client.putObject(bucket, file.key, Buffer.from(file.body), file.body.length, {
    'Content-Type': file.contentType,
    sha256: hash,
  });
}

/**
 * Fills the demo bucket with CSV, JSON Lines, JSON and Parquet files built from the demo
 * dataset. Unchanged objects (same SHA-256, recorded as object metadata) are not uploaded
 * again; `force` rewrites them all.
 *
 * @example
 * await seedDemoBucket(config, { bucket: 'retail-demo-files', seed, generatorVersion, dataset });
 */
export async function seedDemoBucket(
  config: Config,
  options: SeedBucketOptions,
): Promise<BucketSummary> {
  const { bucket, seed, generatorVersion } = options;
  const log = options.log ?? (() => undefined);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(`demo bucket name "${bucket}" is not a valid S3 bucket name`);
  }
  const client = s3Client(config);
  if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket, config.s3.region);

  const previous = await readManifest(client, bucket);
  const matches = previous?.seed === seed && previous.generatorVersion === generatorVersion;
  if (!options.force && previous && matches && (await allHeld(client, bucket, previous))) {
    log(`bucket ${bucket}: demo files present, skipped`);
    return summarize(bucket, previous, false);
  }

  const started = performance.now();
  const files = buildDemoFiles(options.dataset()).map((file) => ({
    file,
    hash: sha256(file.body),
  }));
  let written = 0;
  await Promise.all(
    files.map(async ({ file, hash }) => {
      if (options.force || !(await holds(client, bucket, file.key, hash, file.body.length))) {
        await upload(client, bucket, file, hash);
        written++;
      }
    }),
  );
  const manifest: Manifest = {
    generator: 'retail-demo',
    generatorVersion,
    seed,
    objects: files.map(({ file, hash }) => ({
      key: file.key,
      sha256: hash,
      bytes: file.body.length,
    })),
  };

  const current = new Set(files.map(({ file }) => file.key));
  const stale = (previous?.objects ?? []).map((o) => o.key).filter((key) => !current.has(key));
  if (stale.length > 0) await client.removeObjects(bucket, stale);
  await client.putObject(bucket, MANIFEST_KEY, JSON.stringify(manifest, null, 2), undefined, {
    'Content-Type': 'application/json',
  });
  log(
    `bucket ${bucket}: ${written} of ${files.length} files written ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return summarize(bucket, manifest, written > 0 || stale.length > 0);
}

function summarize(bucket: string, manifest: Manifest, created: boolean): BucketSummary {
  return {
    name: bucket,
    objects: manifest.objects.length,
    bytes: manifest.objects.reduce((sum, o) => sum + o.bytes, 0),
    created,
  };
}
