import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureCluster,
  findBinaries,
  runAsServerUser,
  type PostgresBinaries,
} from './postgres-cluster.js';
import { withFileLock } from './lock.js';
import { answers, probePostgres, withPostgres } from './probes.js';
import { assertPortsFree, isAlive, isListening, lastLine, livePid, waitUntil } from './process.js';
import { ServiceError, type LocalService, type LogFn, type StartResult } from './types.js';

export interface PostgresServiceOptions {
  port: number;
  /** The cluster folder (PGDATA); the server log is `postgres.log` inside it. */
  dir: string;
  /** Password of the bootstrap superuser `governance`. */
  password: string;
  /** Where apt's output goes when the server packages have to be installed. */
  toolsDir: string;
  /** Database created once the server answers. */
  database?: string;
  log?: LogFn;
  readyTimeoutMs?: number;
}

/**
 * PostgreSQL from the Debian packages, run by `pg_ctl` on a project-owned cluster that only
 * listens on 127.0.0.1 over TCP (no Unix socket, so nothing clashes with a system cluster).
 *
 * @example
 * const pg = postgresService({ port: 25432, dir: '/tmp/pg', password: 'secret', toolsDir: '.tools' });
 * await pg.start(); // initdb on first use, then `governance` database ensured
 */
export function postgresService(options: PostgresServiceOptions): LocalService {
  const log = options.log ?? (() => {});
  const database = options.database ?? 'governance';
  const logFile = join(options.dir, 'postgres.log');
  const pidFile = join(options.dir, 'postmaster.pid');
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const target = { port: options.port, password: options.password };
  let binaries: PostgresBinaries | undefined;

  const ready = async () =>
    (await isListening(options.port)) && (await answers(() => probePostgres(target)));
  const ourPid = () => livePid(pidFile, 'postgres');

  async function install(): Promise<PostgresBinaries> {
    binaries ??= await findBinaries(
      options.dir,
      join(options.toolsDir, 'postgresql-install.log'),
      log,
    );
    return binaries;
  }

  async function ensureDatabase(): Promise<void> {
    try {
      await withPostgres(target, async (client) => {
        const found = await client.query('select 1 from pg_database where datname = $1', [
          database,
        ]);
        if (found.rowCount) return;
        // Identifiers cannot be bound parameters; the name is quoted instead.
        await client
          .query(`create database "${database.replace(/"/g, '""')}"`)
          .catch((error: { code?: string }) => {
            if (error.code !== '42P04' && error.code !== '23505') throw error;
          });
      });
    } catch (error) {
      throw new ServiceError(
        'postgres',
        `could not create database ${database}: ${(error as Error).message}`,
        logFile,
      );
    }
  }

  async function adoptRunning(pid: number): Promise<void> {
    // A young pid file may belong to a start from another checkout sharing this folder.
    const age = Date.now() - (statSync(pidFile, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    const patience = Math.max(0, timeoutMs - age);
    if (!(await waitUntil(ready, { timeoutMs: patience, gaveUp: () => !isAlive(pid) }))) {
      throw new ServiceError(
        'postgres',
        `our cluster in ${options.dir} runs (pid ${pid}) but does not answer on port ${options.port} with the configured password; stop it with: npm run services -- down`,
        logFile,
      );
    }
  }

  async function launch(bin: PostgresBinaries): Promise<void> {
    await assertPortsFree('postgres', [{ port: options.port, envVar: 'PG_PORT' }]);
    await ensureCluster(options.dir, bin, options.password, log);
    const serverOptions = `-c listen_addresses=127.0.0.1 -p ${options.port} -c unix_socket_directories=''`;
    const started = await runAsServerUser(join(bin.bin, 'pg_ctl'), [
      '-D',
      options.dir,
      '-l',
      logFile,
      '-w',
      '-t',
      String(Math.ceil(timeoutMs / 1000)),
      '-o',
      serverOptions,
      'start',
    ]);
    if (started.code !== 0) {
      throw new ServiceError(
        'postgres',
        `pg_ctl start failed: ${lastLine(started.output)}`,
        logFile,
      );
    }
    if (!(await waitUntil(ready, { timeoutMs: 10_000 }))) {
      throw new ServiceError(
        'postgres',
        `started but does not accept the configured password on port ${options.port}`,
        logFile,
      );
    }
  }

  async function startLocked(): Promise<StartResult> {
    const bin = await install();
    let result: StartResult = 'reused';
    if (!(await ready())) {
      const running = ourPid();
      if (running !== undefined) await adoptRunning(running);
      else {
        await launch(bin);
        result = 'started';
      }
    }
    await ensureDatabase();
    return result;
  }

  return {
    name: 'postgres',
    endpoint: `postgres://governance@127.0.0.1:${options.port}/${database}`,
    logFile,

    async install() {
      await install();
    },

    start: () =>
      // Outside the cluster folder, which initdb wants empty.
      withFileLock(`${options.dir}.lock`, startLocked, {
        onWait: (pid) =>
          log(`postgres: waiting for another start to finish (pid ${pid ?? 'unknown'})`),
      }),

    async stop(): Promise<void> {
      if (!existsSync(pidFile) || ourPid() === undefined) return;
      const bin = await install();
      const stopped = await runAsServerUser(join(bin.bin, 'pg_ctl'), [
        '-D',
        options.dir,
        '-m',
        'fast',
        '-w',
        '-t',
        '60',
        'stop',
      ]);
      if (stopped.code !== 0 && ourPid() !== undefined) {
        throw new ServiceError(
          'postgres',
          `pg_ctl stop failed: ${lastLine(stopped.output)}`,
          logFile,
        );
      }
    },

    isRunning: ready,

    pid: ourPid,
  };
}
