import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { aptInstall } from './apt.js';
import { isExecutable, isRoot, lastLine, runCommand, type RunResult } from './process.js';
import { ServiceError, type LogFn } from './types.js';

/** Server binaries of one installed major version (Debian keeps them out of PATH). */
export interface PostgresBinaries {
  major: number;
  bin: string;
}

const DEBIAN_ROOT = '/usr/lib/postgresql';

function installedVersions(): PostgresBinaries[] {
  if (!existsSync(DEBIAN_ROOT)) return [];
  return readdirSync(DEBIAN_ROOT)
    .filter((name) => /^\d+$/.test(name))
    .map((name) => ({ major: Number(name), bin: join(DEBIAN_ROOT, name, 'bin') }))
    .filter(({ bin }) =>
      ['initdb', 'pg_ctl', 'postgres'].every((tool) => isExecutable(join(bin, tool))),
    )
    .sort((a, b) => b.major - a.major);
}

/** The major version an existing cluster was made with; its data only runs on that one. */
export function clusterMajor(dir: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(join(dir, 'PG_VERSION'), 'utf8'), 10);
  } catch {
    return undefined;
  }
}

/**
 * Picks the binaries for the cluster in `dir` (its own major version) or, for a new cluster,
 * the highest installed; installs the Debian `postgresql` package when there are none.
 */
export async function findBinaries(
  dir: string,
  installLog: string,
  log: LogFn,
): Promise<PostgresBinaries> {
  let versions = installedVersions();
  if (versions.length === 0) {
    await aptInstall('postgres', ['postgresql'], installLog, log);
    versions = installedVersions();
    if (versions.length === 0) {
      throw new ServiceError(
        'postgres',
        `apt-get installed postgresql but no server binaries are in ${DEBIAN_ROOT}/*/bin`,
        installLog,
      );
    }
  }
  const wanted = clusterMajor(dir);
  if (wanted === undefined) return versions[0]!;
  const match = versions.find((version) => version.major === wanted);
  if (!match) {
    throw new ServiceError(
      'postgres',
      `the cluster in ${dir} was made by PostgreSQL ${wanted} but only ${versions.map((v) => v.major).join(', ')} is installed; install postgresql-${wanted} or move the folder away`,
    );
  }
  return match;
}

/**
 * PostgreSQL refuses to run as root, so as root every server command runs as the Debian
 * `postgres` account; anyone else runs them as themselves.
 */
export function runAsServerUser(
  command: string,
  args: string[],
  logFile?: string,
): Promise<RunResult> {
  // cwd "/" because initdb fails when it cannot resolve a working folder it may not enter.
  const options = { cwd: '/', ...(logFile ? { logFile } : {}) };
  return isRoot()
    ? runCommand('runuser', ['-u', 'postgres', '--', command, ...args], options)
    : runCommand(command, args, options);
}

async function serverAccount(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([
    runCommand('id', ['-u', 'postgres']),
    runCommand('id', ['-g', 'postgres']),
  ]);
  if (uid.code !== 0 || gid.code !== 0) {
    throw new ServiceError(
      'postgres',
      'the postgres OS account is missing; reinstall it with: apt-get install --reinstall postgresql-common',
    );
  }
  return { uid: Number(uid.output), gid: Number(gid.output) };
}

/** Creates `dir` for the server account and checks that account can reach it. */
async function prepareFolder(dir: string): Promise<void> {
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!isRoot()) return;
  const account = await serverAccount();
  const reach = await runAsServerUser('test', ['-x', dirname(dir)]);
  if (reach.code !== 0) {
    throw new ServiceError(
      'postgres',
      `the postgres OS user cannot reach ${dirname(dir)}; allow it (chmod o+x on every folder of that path) or set DATA_DIR to a folder it can reach`,
    );
  }
  if (statSync(dir).uid !== account.uid) {
    const chown = await runCommand('chown', ['-R', `${account.uid}:${account.gid}`, dir]);
    if (chown.code !== 0)
      throw new ServiceError('postgres', `chown of ${dir} failed: ${lastLine(chown.output)}`);
  }
}

/**
 * Makes the cluster once: superuser `governance` with a SCRAM password (passed in a file so
 * it never shows in a process list), UTF-8, password auth for every connection.
 */
export async function ensureCluster(
  dir: string,
  binaries: PostgresBinaries,
  password: string,
  log: LogFn,
): Promise<void> {
  await prepareFolder(dir);
  if (clusterMajor(dir) !== undefined) return;
  if (readdirSync(dir).length > 0) {
    throw new ServiceError(
      'postgres',
      `${dir} is not empty and holds no PostgreSQL cluster; move it away or set DATA_DIR`,
    );
  }
  log(`postgres: creating a PostgreSQL ${binaries.major} cluster in ${dir}`);
  const secretDir = mkdtempSync(join(tmpdir(), 'governance-initdb-'));
  const pwfile = join(secretDir, 'pwfile');
  try {
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (isRoot()) {
      const account = await serverAccount();
      chownSync(secretDir, account.uid, account.gid);
      chownSync(pwfile, account.uid, account.gid);
    }
    const initdb = await runAsServerUser(join(binaries.bin, 'initdb'), [
      '-D',
      dir,
      '-U',
      'governance',
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // C.UTF-8 sorts bytewise (stable across machines) yet knows Unicode upper/lower case.
      '--locale=C.UTF-8',
    ]);
    if (initdb.code !== 0) {
      const logFile = `${dir}.initdb.log`;
      writeFileSync(logFile, initdb.output);
      throw new ServiceError('postgres', `initdb failed: ${lastLine(initdb.output)}`, logFile);
    }
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}
