import { Client } from 'minio';
import type { Config } from '../config/load-config.js';

export type ObjectStoreTarget = Pick<
  Config['s3'],
  'endpoint' | 'accessKey' | 'secretKey' | 'region'
>;

/**
 * An S3 client for an endpoint URL (MinIO locally, any S3-compatible service), path-style as
 * MinIO expects. Probes pass `disableRetry` so that a down server is reported at once.
 */
export function createObjectStore(
  target: ObjectStoreTarget,
  options: { disableRetry?: boolean } = {},
): Client {
  const url = new URL(target.endpoint);
  const useSSL = url.protocol === 'https:';
  return new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: target.accessKey,
    secretKey: target.secretKey,
    region: target.region,
    pathStyle: true,
    ...(options.disableRetry ? { retryOptions: { disableRetry: true } } : {}),
  });
}
