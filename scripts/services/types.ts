export type ServiceName = 'postgres' | 'redis' | 'temporal' | 'minio' | 'mariadb';

/** What `servicesUp` / `servicesStatus` report for one service. */
export interface ServiceStatus {
  name: ServiceName;
  /** True when the project's scripts run it; false when the user gave its URL. */
  managed: boolean;
  running: boolean;
  /** Where clients connect; never contains a password. */
  endpoint: string;
  pid?: number;
  /** e.g. `started in 2.4 s`, `already running`, `external`, `not running`. */
  detail?: string;
}

/** `started` when this call launched the server, `reused` when one already answered. */
export type StartResult = 'started' | 'reused';

/**
 * One locally run server. Every method is idempotent: `install` skips what is present,
 * `start` reuses a server that answers with our credentials, `stop` is a no-op when nothing
 * of ours runs.
 *
 * @example
 * const redis = redisService({ port: 26379, dir: '/tmp/r', password: 'secret' });
 * await redis.start(); // installs redis-server first when missing
 * await redis.stop();
 */
export interface LocalService {
  readonly name: ServiceName;
  /** Where clients connect; never contains a password. */
  readonly endpoint: string;
  /** The server's own log; named in every start-up error. */
  readonly logFile: string;
  install(): Promise<void>;
  start(): Promise<StartResult>;
  stop(): Promise<void>;
  /** True when the server answers on its port with our credentials. */
  isRunning(): Promise<boolean>;
  /** The pid of the server we launched, when it is alive. */
  pid(): number | undefined;
}

export type LogFn = (line: string) => void;

/**
 * A failure an operator can act on. The message is a single line that names the service;
 * `logFile`, when set, is worth showing the tail of.
 */
export class ServiceError extends Error {
  readonly reason: string;

  constructor(
    readonly service: ServiceName,
    reason: string,
    readonly logFile?: string,
  ) {
    const oneLine = reason.replace(/\s*\n\s*/g, ' ').trim();
    super(`${service}: ${oneLine}${logFile ? ` (log: ${logFile})` : ''}`);
    this.name = 'ServiceError';
    this.reason = oneLine;
  }
}

/**
 * Thrown by `servicesUp` / `servicesDown` when a service failed. It reads as the first failure, so callers
 * that only know `ServiceError` still get a useful line; `failures` holds all of them.
 */
export class ServicesError extends ServiceError {
  constructor(readonly failures: ServiceError[]) {
    const first = failures[0]!;
    super(first.service, first.reason, first.logFile);
    this.name = 'ServicesError';
  }
}
