import { findOnPath, isRoot, lastLine, runCommand } from './process.js';
import { ServiceError, type LogFn, type ServiceName } from './types.js';

/**
 * dpkg holds a global lock, so installs from services starting side by side are queued here
 * rather than left to fail on the lock.
 */
let queue: Promise<unknown> = Promise.resolve();
let indexRefreshed = false;

const aptEnv = (): NodeJS.ProcessEnv => ({ ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
// Waits for a dpkg lock held by another apt run (unattended upgrades) instead of failing.
const LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=300'];

/**
 * Installs Debian packages when running as root. `apt-get update` runs at most once per
 * process, because package indexes on a fresh machine are empty or stale.
 *
 * @example
 * await aptInstall('redis', ['redis-server'], '/repo/.data/redis/install.log', console.log);
 */
export function aptInstall(
  service: ServiceName,
  packages: string[],
  logFile: string,
  log: LogFn = () => {},
): Promise<void> {
  const list = packages.join(' ');
  if (!isRoot()) {
    return Promise.reject(
      new ServiceError(
        service,
        `${list} is not installed; install it with: sudo apt-get install -y ${list}`,
      ),
    );
  }
  if (!findOnPath('apt-get')) {
    return Promise.reject(
      new ServiceError(
        service,
        `${list} is not installed and apt-get is missing; install ${list} with your package manager`,
      ),
    );
  }
  const run = async () => {
    if (!indexRefreshed) {
      log(`${service}: apt-get update`);
      const update = await runCommand('apt-get', [...LOCK_WAIT, 'update'], {
        env: aptEnv(),
        logFile,
      });
      if (update.code !== 0) {
        throw new ServiceError(
          service,
          `apt-get update failed: ${lastLine(update.output)}`,
          logFile,
        );
      }
      indexRefreshed = true;
    }
    log(`${service}: apt-get install -y ${list}`);
    const install = await runCommand('apt-get', [...LOCK_WAIT, 'install', '-y', ...packages], {
      env: aptEnv(),
      logFile,
    });
    if (install.code !== 0) {
      throw new ServiceError(
        service,
        `apt-get install ${list} failed: ${lastLine(install.output)}`,
        logFile,
      );
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
