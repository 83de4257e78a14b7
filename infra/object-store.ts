import { Client } from 'minio';
import type { Config } from '../config/load-config.js';

/** An S3 client for the configured endpoint (MinIO locally, any S3-compatible service). */
export function createObjectStore(s3: Config['s3']): Client {
  const url = new URL(s3.endpoint);
  const useSSL = url.protocol === 'https:';
  return new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
    region: s3.region,
    pathStyle: true,
  });
}
