import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aptInstall } from './apt.js';
import { findOnPath, isExecutable, isRoot, lastLine, runCommand } from './process.js';
import { ServiceError, type LogFn } from './types.js';

/** The two programs the local MariaDB needs; Debian puts the server in /usr/sbin. */
export interface MariadbBinaries {
  server: string;
  installDb: string;
}

/** The OS account the Debian package creates; as root, mariadbd switches to it (`--user`). */
export const SERVER_ACCOUNT = 'mysql';

// /usr/sbin is not on a normal user's PATH, yet that is where Debian installs mariadbd.
const SEARCH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

function locate(program: string): string | undefined {
  return findOnPath(program) ?? SEARCH.map((dir) => join(dir, program)).find(isExecutable);
}

function located(): MariadbBinaries | undefined {
  const server = locate('mariadbd');
  const installDb = locate('mariadb-install-db');
  return server && installDb ? { server, installDb } : undefined;
}

/**
 * The server and `mariadb-install-db`; installs the Debian `mariadb-server` package when they
 * are missing (as root; anyone else is told which package to install).
 *
 * @example
 * const { server } = await findMariadbBinaries('.data/mariadb/install.log', console.log);
 */
export async function findMariadbBinaries(
  installLog: string,
  log: LogFn,
): Promise<MariadbBinaries> {
  const found = located();
  if (found) return found;
  await aptInstall('mariadb', ['mariadb-server'], installLog, log);
  const installed = located();
  if (!installed) {
    throw new ServiceError(
      'mariadb',
      'apt-get installed mariadb-server but mariadbd or mariadb-install-db is missing',
      installLog,
    );
  }
  return installed;
}

/**
 * `--user` for the server and `mariadb-install-db`: mariadbd refuses to run as root unless
 * told which account to switch to; anyone else runs it as themselves.
 *
 * @example
 * spawn('/usr/sbin/mariadbd', ['--no-defaults', ...serverUserArgs()]);
 */
export const serverUserArgs = (): string[] => (isRoot() ? [`--user=${SERVER_ACCOUNT}`] : []);

/** Makes `dir` belong to the server account and checks that account can reach it. */
async function prepareFolder(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!isRoot()) return;
  const uid = await runCommand('id', ['-u', SERVER_ACCOUNT]);
  if (uid.code !== 0) {
    throw new ServiceError(
      'mariadb',
      `the ${SERVER_ACCOUNT} OS account is missing; reinstall it with: apt-get install --reinstall mariadb-server`,
    );
  }
  const reach = await runCommand('runuser', [
    '-u',
    SERVER_ACCOUNT,
    '--',
    'test',
    '-x',
    dirname(dir),
  ]);
  if (reach.code !== 0) {
    throw new ServiceError(
      'mariadb',
      `the ${SERVER_ACCOUNT} OS user cannot reach ${dirname(dir)}; allow it (chmod o+x on every folder of that path) or set DATA_DIR to a folder it can reach`,
    );
  }
  if (statSync(dir).uid !== Number(uid.output)) {
    const chown = await runCommand('chown', ['-R', `${SERVER_ACCOUNT}:`, dir]);
    if (chown.code !== 0) {
      throw new ServiceError('mariadb', `chown of ${dir} failed: ${lastLine(chown.output)}`);
    }
  }
}

/**
 * Written after `mariadb-install-db` succeeded: its `mysql` folder appears early, so only this
 * marker tells a complete data directory from one an interrupted run left behind.
 */
const marker = (dir: string) => join(dir, 'initialised');

/**
 * Creates the system tables in `<dir>/data` once. Root logs in through the Unix socket only
 * (no anonymous or test accounts); `governance` comes from the server's init file.
 *
 * @example
 * await ensureDataDir('.data/mariadb', binaries, console.log);
 */
export async function ensureDataDir(
  dir: string,
  binaries: MariadbBinaries,
  log: LogFn,
): Promise<void> {
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'install-db.log');
  await prepareFolder(dir);
  if (existsSync(marker(dir))) return;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new ServiceError(
      'mariadb',
      `${dataDir} was not fully initialised (an earlier run stopped half-way?); remove it and start again`,
    );
  }
  log(`mariadb: creating a data directory in ${dataDir}`);
  // As root it runs as root and hands the files to `--user`, as it is designed to.
  const made = await runCommand(
    binaries.installDb,
    [
      // Ignore /etc/mysql: the system server's settings (socket, datadir) are not ours.
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--skip-test-db',
      '--skip-name-resolve',
      ...serverUserArgs(),
    ],
    { cwd: '/', logFile },
  );
  if (made.code !== 0 || !existsSync(join(dataDir, 'mysql'))) {
    // It was empty or absent before: clear it so the next start can try again.
    rmSync(dataDir, { recursive: true, force: true });
    throw new ServiceError(
      'mariadb',
      `mariadb-install-db failed: ${lastLine(made.output)}`,
      logFile,
    );
  }
  writeFileSync(marker(dir), `${new Date().toISOString()}\n`);
}
