import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detachedService } from './detached.js';
import {
  ensureDataDir,
  findMariadbBinaries,
  SERVER_ACCOUNT,
  serverUserArgs,
  type MariadbBinaries,
} from './mariadb-datadir.js';
import { probeMariadb, withMariadb } from './probes.js';
import { isRoot, lastLine, runCommand } from './process.js';
import { ServiceError, type LocalService, type LogFn } from './types.js';

export interface MariadbServiceOptions {
  port: number;
  /** Holds `data/` (the data directory), the socket, pid files, the init file and the log. */
  dir: string;
  /** Password of the account `governance`, which may do everything on this server. */
  password: string;
  /** Database created once the server answers. */
  database?: string;
  log?: LogFn;
  readyTimeoutMs?: number;
}

/** The account tests and the demo use; the server only listens on loopback. */
const USER = 'governance';
/** A Unix socket path longer than this (sun_path is 108 bytes with its NUL) cannot be bound. */
const MAX_SOCKET_PATH = 107;

/** A MariaDB string literal: quotes doubled, backslashes escaped (the default SQL mode). */
const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const identifier = (value: string) => `\`${value.replace(/`/g, '``')}\``;

/**
 * Run by the server at every start, before it takes connections: the account exists with the
 * configured password even when `secrets.json` changed since the data directory was made.
 * One statement per line, as `--init-file` expects.
 */
function initSql(password: string): string {
  const account = `${literal(USER)}@'%'`;
  return [
    `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${literal(password)};`,
    `ALTER USER ${account} IDENTIFIED BY ${literal(password)};`,
    `GRANT ALL PRIVILEGES ON *.* TO ${account} WITH GRANT OPTION;`,
    '',
  ].join('\n');
}

/**
 * MariaDB from the Debian `mariadb-server` package, on a project-owned data directory, run
 * detached on 127.0.0.1 with its own socket, pid and log files (never the system server's
 * `/etc/mysql` settings or port 3306). As root it runs as the `mysql` account.
 *
 * @example
 * const mariadb = mariadbService({ port: 23306, dir: '/tmp/mdb', password: 'secret' });
 * await mariadb.start(); // installs and initialises on first use; `governance` database ensured
 * await mariadb.stop();
 */
export function mariadbService(options: MariadbServiceOptions): LocalService {
  const log = options.log ?? (() => {});
  const database = options.database ?? 'governance';
  const dataDir = join(options.dir, 'data');
  const socket = join(options.dir, 'mariadb.sock');
  const initFile = join(options.dir, 'init.sql');
  const target = { port: options.port, password: options.password };
  let binaries: MariadbBinaries | undefined;

  async function writeInitFile(): Promise<void> {
    // Holds the password: readable by the server account only, removed once the server answers.
    writeFileSync(initFile, initSql(options.password), { mode: 0o600 });
    if (!isRoot()) return;
    const chown = await runCommand('chown', [`${SERVER_ACCOUNT}:`, initFile]);
    if (chown.code !== 0) {
      throw new ServiceError('mariadb', `chown of ${initFile} failed: ${lastLine(chown.output)}`);
    }
  }

  return detachedService({
    name: 'mariadb',
    endpoint: `mysql://${USER}@127.0.0.1:${options.port}/${database}`,
    logFile: join(options.dir, 'mariadb.log'),
    // Ours, written at launch; the server writes its own `mariadbd.pid` as the server account.
    pidFile: join(options.dir, 'mariadb.pid'),
    lockFile: `${options.dir}.lock`,
    log,
    // The data directory, not the program name: a server of another checkout is not ours.
    processMarker: `--datadir=${dataDir}`,
    ports: [{ port: options.port, envVar: 'MARIADB_PORT' }],
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,

    async install() {
      binaries ??= await findMariadbBinaries(join(options.dir, 'install.log'), log);
    },

    async prepare() {
      if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
        throw new ServiceError(
          'mariadb',
          `the socket path ${socket} is too long for a Unix socket; set DATA_DIR to a shorter folder`,
        );
      }
      mkdirSync(options.dir, { recursive: true });
      await ensureDataDir(options.dir, binaries!, log);
      await writeInitFile();
    },

    command: () => ({
      command: binaries!.server,
      args: [
        // Must come first; keeps /etc/mysql (the system server's socket, port, datadir) out.
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--socket=${socket}`,
        `--pid-file=${join(options.dir, 'mariadbd.pid')}`,
        `--port=${options.port}`,
        '--bind-address=127.0.0.1',
        '--skip-name-resolve',
        `--init-file=${initFile}`,
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
        // Test and demo data: losing the last second on a crash is fine, slow inserts are not.
        '--innodb-flush-log-at-trx-commit=2',
        '--innodb-buffer-pool-size=128M',
        ...serverUserArgs(),
      ],
      cwd: options.dir,
    }),

    probe: () => probeMariadb(target),

    async afterReady() {
      rmSync(initFile, { force: true });
      await withMariadb(target, (connection) =>
        connection.query(`CREATE DATABASE IF NOT EXISTS ${identifier(database)}`),
      );
    },
  });
}
