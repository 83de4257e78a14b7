import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Client } from 'minio';
import { ScannerError, type ScannerContext } from '../sdk/contract.js';
import { endpointOf, s3Targets, type S3Config } from './s3-config.js';
import { codeOf, toS3Error } from './s3-errors.js';

/** One object of a listing. */
export interface ObjectEntry {
  key: string;
  size: number;
  lastModified: Date;
  etag: string;
}

/** A page of a listing and the token of the next one (`undefined` on the last page). */
export interface ListPage {
  objects: ObjectEntry[];
  next: string | undefined;
}

/**
 * The few S3 calls the scanner makes, with errors already turned into `ScannerError`s.
 * `bytesRead` counts object bytes received, so a caller can prove a read stayed bounded.
 */
export interface S3Access {
  readonly bucket: string;
  readonly server: string;
  readonly bytesRead: number;
  listPage(prefix: string, token: string | undefined, maxKeys?: number): Promise<ListPage>;
  /** Bytes `[start, end)` of an object; fewer when the object is shorter. */
  read(key: string, start: number, end: number): Promise<Buffer>;
  stat(key: string): Promise<{ size: number; lastModified: Date; etag: string }>;
  /** The bucket's policy (JSON text), `undefined` when it has none. */
  bucketPolicy(): Promise<string | undefined>;
  close(): void;
}

/** A socket silent this long (connecting or mid-response) is cut: a hung server fails fast. */
export const SOCKET_IDLE_TIMEOUT_MS = 30_000;

/**
 * Opens the S3 client for a config. Every connection goes through an agent whose `lookup` is
 * the network guard's, so each is checked against the network policy after DNS resolution;
 * the endpoint is also checked once up front, since Node skips `lookup` for IP literals.
 * The client's own retries are off: Temporal retries whole activities with backoff.
 *
 * @example
 * const s3 = await openS3Access(config, context);
 * const page = await s3.listPage('exports/', undefined, 1);
 */
export async function openS3Access(
  config: S3Config,
  context: ScannerContext,
  options: { idleTimeoutMs?: number } = {},
): Promise<S3Access> {
  const endpoint = endpointOf(config);
  const server = `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
  const scene = { server, bucket: config.bucket, secretKey: config.secretKey };
  // The host actually connected to (the bucket's own name in virtual-hosted style).
  for (const target of s3Targets(config)) await context.network.resolve(target.host);

  const agent = createAgent(endpoint.useSSL, context, {
    server,
    idleTimeoutMs: options.idleTimeoutMs ?? SOCKET_IDLE_TIMEOUT_MS,
  });
  const client = new Client({
    endPoint: endpoint.host,
    port: endpoint.port,
    useSSL: endpoint.useSSL,
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    region: config.region,
    pathStyle: config.pathStyle,
    transportAgent: agent,
    retryOptions: { disableRetry: true },
  });
  const abort = () => agent.destroy();
  context.signal.addEventListener('abort', abort, { once: true });
  let bytesRead = 0;

  async function call<T>(key: string | undefined, run: () => Promise<T>): Promise<T> {
    context.signal.throwIfAborted();
    try {
      return await run();
    } catch (error) {
      context.signal.throwIfAborted();
      throw toS3Error(error, { ...scene, ...(key === undefined ? {} : { key }) });
    }
  }

  return {
    bucket: config.bucket,
    server,
    get bytesRead() {
      return bytesRead;
    },
    listPage: (prefix, token, maxKeys = 1000) =>
      call(undefined, async () => {
        const page = await client.listObjectsV2Query(
          config.bucket,
          prefix,
          token ?? '',
          '',
          maxKeys,
          '',
        );
        const objects: ObjectEntry[] = [];
        for (const item of page.objects) {
          if (item.name === undefined) continue;
          const { name, size, lastModified, etag } = item;
          objects.push({ key: name, size: Number(size), lastModified, etag });
        }
        return { objects, next: page.isTruncated ? page.nextContinuationToken : undefined };
      }),
    read: (key, start, end) =>
      call(key, async () => {
        if (end <= start) return Buffer.alloc(0);
        const stream = await client.getPartialObject(config.bucket, key, start, end - start);
        const chunks: Buffer[] = [];
        let length = 0;
        // A server that ignores Range would send the whole object: stop past what was asked.
        // Otherwise the body is read to its end, which keeps the connection for reuse.
        for await (const chunk of stream) {
          const buffer = chunk as Buffer;
          chunks.push(buffer);
          length += buffer.length;
          bytesRead += buffer.length;
          if (length > end - start) break;
        }
        stream.destroy();
        const body = Buffer.concat(chunks, length);
        return body.length > end - start ? body.subarray(0, end - start) : body;
      }),
    stat: (key) =>
      call(key, async () => {
        const stat = await client.statObject(config.bucket, key);
        return { size: stat.size, lastModified: stat.lastModified, etag: stat.etag };
      }),
    bucketPolicy: () =>
      call(undefined, async () => {
        try {
          return await client.getBucketPolicy(config.bucket);
        } catch (error) {
          // No policy is the usual case, not a failure: only the owner's grants apply.
          if (codeOf(error) === 'NoSuchBucketPolicy') return undefined;
          throw error;
        }
      }),
    close() {
      context.signal.removeEventListener('abort', abort);
      agent.destroy();
    },
  };
}

/** An agent that resolves through the network guard and cuts sockets that go silent. */
function createAgent(
  useSSL: boolean,
  context: ScannerContext,
  watched: { server: string; idleTimeoutMs: number },
): http.Agent {
  const options = { keepAlive: true, maxSockets: 16, lookup: context.network.lookup };
  const agent = useSSL ? new https.Agent(options) : new http.Agent(options);
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (connectOptions, callback) => {
    const socket = create(connectOptions, callback);
    if (socket) watch(socket, watched.server, watched.idleTimeoutMs);
    return socket;
  };
  return agent;
}

function watch(socket: Duplex, server: string, idleTimeoutMs: number): void {
  const timed = socket as Duplex & { setTimeout?: (ms: number) => void };
  timed.setTimeout?.(idleTimeoutMs);
  socket.once('timeout', () =>
    socket.destroy(
      Object.assign(new ScannerError('network', `S3 endpoint ${server} stopped answering`), {
        code: 'ETIMEDOUT',
      }),
    ),
  );
}
