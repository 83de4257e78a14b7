import { z } from 'zod';
import type { NetworkTarget } from '../sdk/contract.js';

// S3 bucket naming rules (the ones MinIO enforces too): 3-63 lower-case letters, digits, dots
// and dashes, starting and ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const glob = z
  .string()
  .min(1)
  .max(512)
  .describe(
    'A glob on the whole object key: `*` within a directory, `**` across, `?` one character',
  );

/**
 * Connection settings of an S3-compatible bucket (MinIO, AWS S3, Ceph, R2…). Strict: unknown
 * keys are refused. `secretKey` is the only secret.
 *
 * - `endpoint`: `http(s)://host[:port]` of the S3 API, without a path or credentials.
 * - `region`: signs requests (`us-east-1` unless the service wants another).
 * - `bucket`, optional `prefix`: only keys starting with the prefix are scanned.
 * - `pathStyle`: `https://host/bucket/key` (MinIO's default) rather than
 *   `https://bucket.host/key`; default `true`.
 * - `include` / `exclude`: globs on the whole key; with `include`, only matching keys are
 *   scanned, and `exclude` wins over it. Skipped keys are counted on the bucket, never hidden.
 *
 * @example
 * s3ConfigSchema.parse({
 *   endpoint: 'http://127.0.0.1:19000', bucket: 'landing', accessKey: 'scanner', secretKey: 's3cret',
 *   exclude: ['tmp/**'],
 * }); // region 'us-east-1' and pathStyle true filled in
 */
export const s3ConfigSchema = z.strictObject({
  endpoint: z
    .url({ protocol: /^https?$/, error: 'endpoint must be an http:// or https:// URL' })
    .max(2048)
    .refine(plainEndpoint, {
      error: 'endpoint must be scheme, host and port only (no credentials, path or query)',
    })
    .describe('URL of the S3 API, e.g. https://s3.eu-west-1.amazonaws.com or http://minio:9000'),
  region: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, { error: 'region must be a region name such as us-east-1' })
    .default('us-east-1')
    .describe('Region the requests are signed for'),
  bucket: z
    .string()
    .regex(BUCKET, { error: 'bucket must be a valid S3 bucket name' })
    .describe('Bucket to scan'),
  prefix: z.string().max(1024).optional().describe('Scan only keys starting with this prefix'),
  accessKey: z.string().min(1).max(256).describe('Access key id'),
  secretKey: z.string().min(1).max(1024).describe('Secret access key'),
  pathStyle: z
    .boolean()
    .default(true)
    .describe('Path-style URLs (host/bucket/key), as MinIO expects; false for bucket.host/key'),
  include: z.array(glob).max(100).optional().describe('Scan only keys matching one of these'),
  exclude: z.array(glob).max(100).optional().describe('Skip keys matching one of these'),
});

export type S3Config = z.output<typeof s3ConfigSchema>;

/** Where the S3 API listens, as the `minio` client wants it. */
export interface S3Endpoint {
  host: string;
  port: number;
  useSSL: boolean;
}

/**
 * Host and port of the configured endpoint; IPv6 literals lose their brackets.
 *
 * @example
 * endpointOf({ endpoint: 'https://s3.example.com' } as S3Config); // { host: 's3.example.com', port: 443, useSSL: true }
 */
export function endpointOf(config: Pick<S3Config, 'endpoint'>): S3Endpoint {
  const url = new URL(config.endpoint);
  const useSSL = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port ? Number(url.port) : useSSL ? 443 : 80, useSSL };
}

/**
 * The hosts the client connects to. Like the `minio` client: AWS's global endpoint is
 * replaced by the regional one, and virtual-hosted style puts the bucket in front of the host
 * (except over https with a dotted bucket name, which the certificate could not cover).
 *
 * @example
 * s3Targets(s3ConfigSchema.parse({ endpoint: 'http://minio:9000', bucket: 'b', accessKey: 'a', secretKey: 's' }));
 * // [{ host: 'minio', port: 9000 }]
 */
export function s3Targets(config: S3Config): NetworkTarget[] {
  const { host, port, useSSL } = endpointOf(config);
  let target = host;
  const aws = host === 's3.amazonaws.com' || host === 's3.cn-north-1.amazonaws.com.cn';
  if (aws) {
    target = config.region.startsWith('cn-')
      ? `s3.${config.region}.amazonaws.com.cn`
      : `s3.${config.region}.amazonaws.com`;
  }
  const virtualHost = (aws || !config.pathStyle) && !(useSSL && config.bucket.includes('.'));
  return [{ host: virtualHost ? `${config.bucket}.${target}` : target, port }];
}

function plainEndpoint(endpoint: string): boolean {
  try {
    const url = new URL(endpoint);
    return (
      url.username === '' &&
      url.password === '' &&
      (url.pathname === '/' || url.pathname === '') &&
      url.search === '' &&
      url.hash === ''
    );
  } catch {
    return false;
  }
}
