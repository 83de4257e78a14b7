import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './apt.js';
import { detachedService } from './detached.js';
import { probeRedis } from './probes.js';
import { findOnPath } from './process.js';
import { ServiceError, type LocalService, type LogFn } from './types.js';

export interface RedisServiceOptions {
  port: number;
  /** Holds redis.conf, the RDB snapshot, the pid file and the log. */
  dir: string;
  password: string;
  log?: LogFn;
  readyTimeoutMs?: number;
}

/** Redis config strings are double-quoted with C-style escapes. */
const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function configText(options: RedisServiceOptions): string {
  return [
    '# Written by scripts/services/redis.ts on every start; edits here are overwritten.',
    'bind 127.0.0.1',
    `port ${options.port}`,
    'protected-mode yes',
    `requirepass ${quote(options.password)}`,
    `dir ${quote(options.dir)}`,
    'daemonize no',
    // Empty logfile means stdout, which the launcher sends to our log file.
    'logfile ""',
    'appendonly no',
    '',
  ].join('\n');
}

/**
 * Redis from the Debian `redis-server` package (apt-installed when missing and running as
 * root), launched detached with its own config. A system Redis on 6379 is left alone.
 *
 * @example
 * const redis = redisService({ port: 26379, dir: '/tmp/redis-a', password: 'secret' });
 * await redis.start();
 */
export function redisService(options: RedisServiceOptions): LocalService {
  const log = options.log ?? (() => {});
  const configFile = join(options.dir, 'redis.conf');
  let binary: string | undefined;

  return detachedService({
    name: 'redis',
    endpoint: `redis://127.0.0.1:${options.port}`,
    logFile: join(options.dir, 'redis.log'),
    pidFile: join(options.dir, 'redis.pid'),
    lockFile: `${options.dir}.lock`,
    log,
    processMarker: 'redis-server',
    ports: [{ port: options.port, envVar: 'REDIS_PORT' }],
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,

    async install() {
      binary ??= findOnPath('redis-server');
      if (binary) return;
      await aptInstall('redis', ['redis-server'], join(options.dir, 'install.log'), log);
      binary = findOnPath('redis-server');
      if (!binary)
        throw new ServiceError(
          'redis',
          'apt-get installed redis-server but redis-server is not on PATH',
        );
    },

    prepare() {
      mkdirSync(options.dir, { recursive: true });
      writeFileSync(configFile, configText(options), { mode: 0o600 });
      chmodSync(configFile, 0o600);
    },

    command: () => ({ command: binary!, args: [configFile], cwd: options.dir }),

    probe: () => probeRedis({ port: options.port, password: options.password }),
  });
}
