import {
  ScannerError,
  type DiscoveredContainer,
  type ScannerConnection,
  type ScannerContext,
  type ScannerPlugin,
} from '../sdk/contract.js';
import { formatFqn } from '../sdk/fqn.js';
import { parseBucketPolicy, type BucketPolicy } from './bucket-policy.js';
import { describeUnits, type DescribeScope } from './describe-datasets.js';
import { planDiscovery } from './discovery-plan.js';
import { createKeyClassifier } from './object-classes.js';
import { openS3Access, type S3Access } from './s3-access.js';
import { s3ConfigSchema, s3Targets, type S3Config } from './s3-config.js';
import { listObjects, tallyListing, type ListingTally } from './s3-listing.js';
import { sampleDataset } from './s3-sample.js';

/**
 * The built-in scanner of S3-compatible buckets (MinIO, AWS S3, Ceph, R2…). Discovery lists
 * the bucket (or a prefix) once to count it, then again to describe it: a container per
 * directory, a `file` dataset per CSV / TSV, JSON Lines or Parquet object, and one `file-set`
 * dataset per Hive-partitioned prefix (`sales/dt=2024-01-01/…`) with the partition keys as
 * columns. Schemas come from a bounded head (text) or the footer (Parquet) read with ranged
 * requests; a corrupt file is reported on its dataset and the others are scanned. Who may
 * read each dataset (`properties.access`: anonymous callers or nobody) comes from the bucket
 * policy, read once; it is left out when the key may not read the policy.
 *
 * @example
 * const connection = await s3Scanner.connect(s3ConfigSchema.parse(settings), context);
 * await connection.check();
 * for await (const item of connection.discover()) console.log(item.fqn);
 */
export const s3Scanner: ScannerPlugin<S3Config> = {
  id: 's3',
  title: 'S3 / MinIO bucket',
  description:
    'CSV, TSV, JSON Lines and Parquet files in an S3-compatible bucket; Hive-partitioned prefixes become one dataset.',
  version: '1.0.0',
  configSchema: s3ConfigSchema,
  secretFields: ['secretKey'],
  capabilities: {
    views: false,
    foreignKeys: false,
    rowEstimates: true,
    files: true,
    sampling: 'first-rows',
  },
  targets: s3Targets,
  connect: connectS3,
};

async function connectS3(input: S3Config, context: ScannerContext): Promise<ScannerConnection> {
  const parsed = s3ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const fields = [
      ...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(config)')),
    ];
    throw new ScannerError('configuration', `invalid S3 settings: ${fields.join(', ')}`);
  }
  const config = parsed.data;
  const s3 = await openS3Access(config, context);
  const prefix = config.prefix ?? '';
  const classifier = createKeyClassifier(config);
  const sampleScope = { s3, classifier, signal: context.signal };

  return {
    async check() {
      const page = await s3.listPage(prefix, undefined, 1);
      const first = page.objects.find((entry) => entry.size > 0);
      // Listing may be allowed where reading is not: read one byte to prove both.
      if (first) await s3.read(first.key, 0, 1);
      return {
        serverVersion: `S3 bucket ${config.bucket} at ${s3.server}`,
        details: {
          endpoint: s3.server,
          bucket: config.bucket,
          region: config.region,
          ...(prefix ? { prefix } : {}),
          empty: page.objects.length === 0,
        },
      };
    },

    async *discover() {
      const started = performance.now();
      const tally = await tallyListing(listObjects(s3, prefix, context.signal), classifier);
      yield bucketContainer(config, s3.server, tally);
      const policy = await readBucketPolicy(s3, context);
      const scope: DescribeScope = { s3, bucket: config.bucket, fileSetFqns: new Set(), policy };
      const units = planDiscovery(listObjects(s3, prefix, context.signal), classifier);
      let datasets = 0;
      for await (const item of describeUnits(scope, units)) {
        if (item.kind === 'dataset') datasets++;
        yield item;
      }
      context.log('info', 'S3 discovery finished', {
        bucket: config.bucket,
        objects: tally.objects,
        datasets,
        skipped: tally.objects - tally.dataObjects,
        bytesRead: s3.bytesRead,
        ms: Math.round(performance.now() - started),
      });
    },

    async *sample(dataset, options) {
      const before = s3.bytesRead;
      let rows = 0;
      for await (const row of sampleDataset(sampleScope, dataset, options)) {
        rows++;
        yield row;
      }
      context.log('debug', 'S3 sample read', {
        fqn: dataset.fqn,
        rows,
        bytesRead: s3.bytesRead - before,
      });
    },

    async close() {
      s3.close();
    },
  };
}

/**
 * The bucket's policy, read once per discovery; `undefined` when unknown (the key may not
 * read it, the server has no policies, the text is no policy), so that datasets leave
 * `access` out rather than claim a privacy nobody checked. Only a network failure stops
 * discovery: the listing that follows would fail the same way.
 */
async function readBucketPolicy(
  s3: S3Access,
  context: ScannerContext,
): Promise<BucketPolicy | undefined> {
  let text: string | undefined;
  try {
    text = await s3.bucketPolicy();
  } catch (error) {
    context.signal.throwIfAborted();
    if (error instanceof ScannerError && error.kind === 'network') throw error;
    context.log('debug', 'S3 bucket policy unreadable: datasets carry no access', {
      bucket: s3.bucket,
      reason: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
  const policy = parseBucketPolicy(text, s3.bucket);
  if (!policy) {
    context.log('debug', 'S3 bucket policy is not JSON: datasets carry no access', {
      bucket: s3.bucket,
    });
  }
  return policy;
}

/** The bucket, with what it holds and what the scanner skipped (and why), never silently. */
function bucketContainer(
  config: S3Config,
  server: string,
  tally: ListingTally,
): DiscoveredContainer {
  const skipped = tally.objects - tally.dataObjects;
  return {
    kind: 'container',
    containerType: 'bucket',
    fqn: formatFqn([config.bucket]),
    path: [config.bucket],
    name: config.bucket,
    properties: {
      endpoint: server,
      region: config.region,
      ...(config.prefix ? { prefix: config.prefix } : {}),
      objectCount: tally.objects,
      totalBytes: tally.bytes,
      dataObjects: tally.dataObjects,
      skippedObjects: skipped,
      skipped: tally.skipped,
      skippedExtensions: tally.skippedExtensions,
    },
  };
}
