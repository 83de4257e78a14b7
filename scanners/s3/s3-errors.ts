import { ScannerError, type ScannerErrorKind } from '../sdk/contract.js';

/** What a message may name: never the secret key, which is only passed to be scrubbed. */
export interface S3ErrorScene {
  /** `host:port` of the endpoint. */
  server: string;
  bucket: string;
  /** The object concerned, when there is one. */
  key?: string;
  secretKey: string;
}

const AUTHENTICATION = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'InvalidClientTokenId',
  'XMinioInvalidIAMCredentials',
]);
const PERMISSION = new Set(['AccessDenied', 'AllAccessDisabled', 'AccountProblem']);
const WRONG_PLACE = new Set([
  'AuthorizationHeaderMalformed',
  'PermanentRedirect',
  'MovedPermanently',
  'TemporaryRedirect',
  'InvalidRegion',
  'IllegalLocationConstraintException',
]);
const BUSY = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'XMinioServerNotInitialized',
  'XMinioStorageFull',
  'RequestTimeout',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);
const TLS = /^(ERR_TLS_|ERR_SSL_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|CERT_)/;

/**
 * Turns what the `minio` client, the socket or TLS threw into a `ScannerError` a steward can
 * act on. S3 error codes decide, not message texts: a bad key pair is `authentication` (never
 * retried), a missing bucket or a wrong region `configuration`, `AccessDenied` `permission`,
 * a missing object `not-found`, a refused or timed-out connection `network` (retried). The
 * secret key never appears in a message, even if some layer echoed it.
 *
 * @example
 * toS3Error(Object.assign(new Error('…'), { code: 'NoSuchBucket' }), scene).kind; // 'configuration'
 */
export function toS3Error(error: unknown, scene: S3ErrorScene): ScannerError {
  if (error instanceof ScannerError) return error;
  const [kind, message] = classify(error, scene);
  const clean =
    scene.secretKey.length >= 4 ? message.replaceAll(scene.secretKey, '********') : message;
  return new ScannerError(kind, clean.split('\n')[0] ?? '', { cause: error });
}

function classify(error: unknown, scene: S3ErrorScene): [ScannerErrorKind, string] {
  const code = codeOf(error);
  const where = `S3 endpoint ${scene.server}`;
  const bucket = JSON.stringify(scene.bucket);
  const object = scene.key === undefined ? `bucket ${bucket}` : `object ${shown(scene.key)}`;

  if (AUTHENTICATION.has(code)) {
    return [
      'authentication',
      `${where} rejected the credentials (${code}): check the access key and the secret key`,
    ];
  }
  if (code === 'NoSuchBucket')
    return ['configuration', `bucket ${bucket} does not exist at ${where}`];
  if (code === 'InvalidBucketName') return ['configuration', `bucket name ${bucket} is not valid`];
  if (WRONG_PLACE.has(code)) {
    return [
      'configuration',
      `${where} answered ${code} for bucket ${bucket}: check the region and the endpoint`,
    ];
  }
  if (PERMISSION.has(code)) {
    return ['permission', `the access key may not read ${object} (${code})`];
  }
  if (code === 'NoSuchKey' || code === 'NotFound') {
    // Without an object, a bare 404 means the bucket, or an endpoint that is no S3 service.
    if (scene.key === undefined) {
      return [
        'configuration',
        `${where} has no bucket ${bucket}: check the bucket and the endpoint`,
      ];
    }
    return ['not-found', `${object} no longer exists in bucket ${bucket}`];
  }
  if (BUSY.has(code)) return ['unavailable', `${where} cannot serve now (${code})`];
  if (NETWORK.has(code)) return ['network', `cannot reach ${where} (${code})`];
  if (TLS.test(code)) return ['configuration', `TLS to ${where} failed (${code})`];
  if (code === 'InvalidXMLError' || code === 'S3ResponseParseError') {
    return ['configuration', `${where} did not answer like an S3 service: check the endpoint`];
  }
  const text = error instanceof Error ? error.message : String(error);
  if (/socket hang up|timed? ?out/i.test(text))
    return ['network', `connection to ${where} failed: ${text}`];
  return ['unavailable', `${where} failed on ${object}${code ? ` (${code})` : ''}: ${text}`];
}

/**
 * The S3 or socket error code of whatever was thrown; Node's happy-eyeballs connection
 * attempts throw an `AggregateError` whose own code may be missing.
 *
 * @example
 * codeOf(new AggregateError([Object.assign(new Error(), { code: 'ECONNREFUSED' })])); // 'ECONNREFUSED'
 */
export function codeOf(error: unknown): string {
  const value = error as { code?: unknown; name?: unknown; errors?: unknown[] } | null;
  if (typeof value?.code === 'string' && value.code !== '') return value.code;
  if (Array.isArray(value?.errors) && value.errors.length > 0) return codeOf(value.errors[0]);
  if (typeof value?.name === 'string' && value.name.endsWith('Error') && value.name !== 'Error') {
    return value.name;
  }
  return '';
}

/**
 * A key in a message: JSON quoting keeps quotes and control characters readable.
 *
 * @example
 * shown('a "b".csv'); // '"a \\"b\\".csv"'
 */
export function shown(key: string): string {
  return JSON.stringify(key.length > 200 ? `${key.slice(0, 200)}…` : key);
}
