import { join } from 'node:path';
import type { Config } from '../../config/load-config.js';
import { mariadbService } from './mariadb.js';
import { minioService } from './minio.js';
import { postgresService } from './postgres.js';
import {
  probeMariadb,
  probePostgres,
  probeRedis,
  probeS3,
  probeTemporal,
  withoutPassword,
} from './probes.js';
import { redisService } from './redis.js';
import { temporalService } from './temporal.js';
import {
  ServiceError,
  ServicesError,
  type LocalService,
  type LogFn,
  type ServiceName,
  type ServiceStatus,
} from './types.js';

export { mariadbService, type MariadbServiceOptions } from './mariadb.js';
export { minioService, type MinioServiceOptions } from './minio.js';
export { postgresService, type PostgresServiceOptions } from './postgres.js';
export { redisService, type RedisServiceOptions } from './redis.js';
export { temporalService, type TemporalServiceOptions } from './temporal.js';
export { logTail } from './process.js';
export { ServiceError, ServicesError } from './types.js';
export type { LocalService, LogFn, ServiceName, ServiceStatus, StartResult } from './types.js';

/** What the platform itself runs on; `servicesUp` starts these unless told otherwise. */
export const CORE_SERVICE_NAMES: readonly ServiceName[] = [
  'postgres',
  'redis',
  'temporal',
  'minio',
];

/**
 * Every service, in display order (they start side by side). MariaDB is only a data source
 * for the test suite and the demo, so the platform does not wait for it.
 */
export const SERVICE_NAMES: readonly ServiceName[] = [...CORE_SERVICE_NAMES, 'mariadb'];

/** The setting that points at a server the user runs, per service. */
const EXTERNAL_SETTING: Record<ServiceName, string> = {
  postgres: 'DATABASE_URL',
  redis: 'REDIS_URL',
  temporal: 'TEMPORAL_ADDRESS',
  minio: 'S3_ENDPOINT',
  mariadb: 'MARIADB_URL',
};

/** Every service as configured, with data in `<dataDir>/<name>`. */
export function localServices(config: Config, log?: LogFn): Record<ServiceName, LocalService> {
  const dir = (name: string) => join(config.dataDir, name);
  const { toolsDir } = config;
  return {
    postgres: postgresService({
      port: config.postgres.port,
      dir: dir('postgres'),
      password: config.postgres.password,
      toolsDir,
      log,
    }),
    redis: redisService({
      port: config.redis.port,
      dir: dir('redis'),
      password: config.redis.password,
      log,
    }),
    temporal: temporalService({
      port: config.temporal.port,
      uiPort: config.temporal.uiPort,
      dir: dir('temporal'),
      namespace: config.temporal.namespace,
      toolsDir,
      log,
    }),
    minio: minioService({
      port: config.s3.port,
      consolePort: config.s3.consolePort,
      dir: dir('minio'),
      accessKey: config.s3.accessKey,
      secretKey: config.s3.secretKey,
      bucket: config.s3.bucket,
      toolsDir,
      log,
    }),
    mariadb: mariadbService({
      port: config.mariadb.port,
      dir: dir('mariadb'),
      password: config.mariadb.password,
      log,
    }),
  };
}

function isManaged(config: Config, name: ServiceName): boolean {
  return {
    postgres: config.postgres,
    redis: config.redis,
    temporal: config.temporal,
    minio: config.s3,
    mariadb: config.mariadb,
  }[name].managed;
}

function externalEndpoint(config: Config, name: ServiceName): string {
  if (name === 'postgres') return withoutPassword(config.postgres.url);
  if (name === 'redis') return withoutPassword(config.redis.url);
  if (name === 'temporal') return config.temporal.address;
  if (name === 'mariadb') return withoutPassword(config.mariadb.url);
  return config.s3.endpoint;
}

function probeExternal(config: Config, name: ServiceName): Promise<unknown> {
  if (name === 'postgres') return probePostgres(config.postgres.url);
  if (name === 'redis') return probeRedis(config.redis.url);
  if (name === 'temporal') return probeTemporal(config.temporal.address, config.temporal.namespace);
  if (name === 'mariadb') return probeMariadb(config.mariadb.url);
  return probeS3(config.s3);
}

const asServiceError = (name: ServiceName, error: unknown): ServiceError =>
  error instanceof ServiceError
    ? error
    : new ServiceError(name, error instanceof Error ? error.message : String(error));

/** `postgres  postgres://governance@127.0.0.1:15432/governance  started in 2.1 s` */
export function formatStatus(status: ServiceStatus): string {
  return `${status.name.padEnd(9)} ${status.endpoint.padEnd(58)} ${status.detail ?? (status.running ? 'running' : 'not running')}`;
}

/**
 * Installs what is missing and starts the managed services side by side (apt runs are
 * queued), reusing servers that already answer; external ones are only probed. `only` picks
 * the services (default: the core four, without MariaDB). Resolves once
 * every service answers; otherwise rejects with a `ServicesError` listing every failure,
 * leaving the services that did start running.
 *
 * @example
 * const statuses = await servicesUp(loadConfig(), { log: console.log });
 * await servicesUp(loadConfig(), { only: ['mariadb'] }); // the MariaDB tests scan
 */
export async function servicesUp(
  config: Config,
  options: { only?: ServiceName[]; log?: LogFn } = {},
): Promise<ServiceStatus[]> {
  const log = options.log ?? (() => {});
  const services = localServices(config, log);
  const names = options.only ?? CORE_SERVICE_NAMES;
  const settled = await Promise.allSettled(
    names.map(async (name): Promise<ServiceStatus> => {
      const began = Date.now();
      let status: ServiceStatus;
      if (!isManaged(config, name)) {
        const endpoint = externalEndpoint(config, name);
        await probeExternal(config, name).catch((error: Error) => {
          throw new ServiceError(
            name,
            `${endpoint} (from ${EXTERNAL_SETTING[name]}) does not answer: ${error.message}`,
          );
        });
        status = { name, managed: false, running: true, endpoint, detail: 'external' };
      } else {
        const service = services[name];
        const result = await service.start().catch((error: unknown) => {
          throw asServiceError(name, error);
        });
        const took = `${((Date.now() - began) / 1000).toFixed(1)} s`;
        const detail = result === 'started' ? `started in ${took}` : `already running (${took})`;
        status = {
          name,
          managed: true,
          running: true,
          endpoint: service.endpoint,
          pid: service.pid(),
          detail,
        };
      }
      log(formatStatus(status));
      return status;
    }),
  );
  const failures = settled.flatMap((outcome, index) =>
    outcome.status === 'rejected' ? [asServiceError(names[index]!, outcome.reason)] : [],
  );
  if (failures.length > 0) throw new ServicesError(failures);
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<ServiceStatus>).value);
}

/** Stops the managed services this checkout started; servers it did not start are left alone. */
export async function servicesDown(
  config: Config,
  options: { only?: ServiceName[]; log?: LogFn } = {},
): Promise<void> {
  const log = options.log ?? (() => {});
  const services = localServices(config, log);
  const names = (options.only ?? SERVICE_NAMES).filter((name) => isManaged(config, name));
  const settled = await Promise.allSettled(
    names.map(async (name) => {
      const service = services[name];
      const pid = service.pid();
      if (pid === undefined) {
        log(
          `${name.padEnd(9)} ${(await service.isRunning()) ? 'not started from this checkout; left running' : 'not running'}`,
        );
        return;
      }
      await service.stop().catch((error: unknown) => {
        throw asServiceError(name, error);
      });
      log(`${name.padEnd(9)} stopped (pid ${pid})`);
    }),
  );
  const failures = settled.flatMap((outcome) =>
    outcome.status === 'rejected' ? [outcome.reason as ServiceError] : [],
  );
  if (failures.length > 0) throw new ServicesError(failures);
}

/** Probes every service without starting anything. */
export async function servicesStatus(config: Config): Promise<ServiceStatus[]> {
  const services = localServices(config);
  return Promise.all(
    SERVICE_NAMES.map(async (name): Promise<ServiceStatus> => {
      if (!isManaged(config, name)) {
        const endpoint = externalEndpoint(config, name);
        const problem = await probeExternal(config, name).then(
          () => undefined,
          (error: Error) => error.message,
        );
        return {
          name,
          managed: false,
          running: !problem,
          endpoint,
          detail: problem ? `external, not answering: ${problem}` : 'external',
        };
      }
      const service = services[name];
      const running = await service.isRunning();
      const pid = service.pid();
      const detail = running
        ? pid
          ? `running, pid ${pid}`
          : 'running, not started from this checkout'
        : 'not running';
      return {
        name,
        managed: true,
        running,
        endpoint: service.endpoint,
        ...(pid ? { pid } : {}),
        detail,
      };
    }),
  );
}
