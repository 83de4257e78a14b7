import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { detachedService } from './detached.js';
import { withFileLock } from './lock.js';
import { probeMinioReady, probeS3, s3Client, type S3Target } from './probes.js';
import { findOnPath, isExecutable, lastLine, runCommand } from './process.js';
import { ServiceError, type LocalService, type LogFn } from './types.js';

/**
 * Built from a pinned source revision so every checkout runs the same server; the Go module
 * cache makes a rebuild after wiping `.tools` much quicker than the first one.
 */
export const MINIO_MODULE = 'github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c';

export interface MinioServiceOptions {
  /** S3 API. */
  port: number;
  consolePort: number;
  /** Objects go to `<dir>/data`; the pid file and log sit beside it. */
  dir: string;
  accessKey: string;
  secretKey: string;
  /** Created once the server answers. */
  bucket: string;
  /** The server binary is built into `<toolsDir>/bin`. */
  toolsDir: string;
  log?: LogFn;
  readyTimeoutMs?: number;
}

async function buildServer(binDir: string, logFile: string, log: LogFn): Promise<void> {
  const go = findOnPath('go');
  if (!go) {
    throw new ServiceError(
      'minio',
      '`go` is not on PATH; install Go (https://go.dev/dl/) so the MinIO server can be built',
    );
  }
  log(
    `minio: building the MinIO server with go install (a cold build takes several minutes; output in ${logFile})`,
  );
  const started = Date.now();
  const build = await runCommand(go, ['install', MINIO_MODULE], {
    env: { ...process.env, GOBIN: binDir },
    logFile,
  });
  if (build.code !== 0) {
    throw new ServiceError(
      'minio',
      `go install ${MINIO_MODULE} failed: ${lastLine(build.output)}`,
      logFile,
    );
  }
  log(`minio: built in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Idempotent: another start may create the bucket between our check and our request. */
async function ensureBucket(target: S3Target): Promise<void> {
  const client = s3Client(target);
  if (await client.bucketExists(target.bucket)) return;
  try {
    await client.makeBucket(target.bucket, target.region ?? 'us-east-1');
  } catch (error) {
    if ((error as { code?: string }).code !== 'BucketAlreadyOwnedByYou') throw error;
  }
}

/**
 * A MinIO server built from source into the tools folder, launched detached with our root
 * credentials; ready when `/minio/health/ready` says so and our keys are accepted.
 *
 * @example
 * const minio = minioService({ port: 29000, consolePort: 29001, dir: '/tmp/m', accessKey: 'admin',
 *   secretKey: 'secret-key', bucket: 'scratch', toolsDir: '.tools' });
 * await minio.start(); // the bucket exists afterwards
 */
export function minioService(options: MinioServiceOptions): LocalService {
  const log = options.log ?? (() => {});
  const binDir = join(options.toolsDir, 'bin');
  const binary = join(binDir, 'minio');
  const buildLog = join(options.toolsDir, 'minio-build.log');
  const endpoint = `http://127.0.0.1:${options.port}`;
  const target: S3Target = {
    endpoint,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    bucket: options.bucket,
  };

  return detachedService({
    name: 'minio',
    endpoint: `${endpoint} (console http://127.0.0.1:${options.consolePort})`,
    logFile: join(options.dir, 'minio.log'),
    pidFile: join(options.dir, 'minio.pid'),
    lockFile: `${options.dir}.lock`,
    log,
    processMarker: binary,
    ports: [
      { port: options.port, envVar: 'MINIO_PORT' },
      { port: options.consolePort, envVar: 'MINIO_CONSOLE_PORT' },
    ],
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,

    async install() {
      if (isExecutable(binary)) return;
      // One build at a time: a second one would only redo minutes of work.
      await withFileLock(`${binary}.lock`, async () => {
        if (isExecutable(binary)) return;
        await buildServer(binDir, buildLog, log);
        if (!isExecutable(binary))
          throw new ServiceError('minio', `go install produced no ${binary}`, buildLog);
      });
    },

    prepare() {
      mkdirSync(join(options.dir, 'data'), { recursive: true });
    },

    command: () => ({
      command: binary,
      args: [
        'server',
        '--address',
        `127.0.0.1:${options.port}`,
        '--console-address',
        `127.0.0.1:${options.consolePort}`,
        join(options.dir, 'data'),
      ],
      env: {
        ...process.env,
        MINIO_ROOT_USER: options.accessKey,
        MINIO_ROOT_PASSWORD: options.secretKey,
        MINIO_BROWSER: 'on',
      },
      cwd: options.dir,
    }),

    async probe() {
      await probeMinioReady(options.port);
      await probeS3(target);
    },

    afterReady: () => ensureBucket(target),
  });
}
