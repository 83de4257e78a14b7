import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isAlive } from './process.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A lock file still empty after this long was left by a process that died while creating it. */
const EMPTY_LOCK_GRACE_MS = 5_000;

function lockOwner(file: string): { pid?: number; stale: boolean } {
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (!text) return { stale: Date.now() - statSync(file).mtimeMs > EMPTY_LOCK_GRACE_MS };
    const pid = Number.parseInt(text, 10);
    return { pid, stale: !Number.isInteger(pid) || !isAlive(pid) };
  } catch {
    return { stale: false }; // released between our create attempt and this read: retry
  }
}

function tryCreate(file: string): boolean {
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Runs `work` while holding a lock file, so that two checkouts or a test run and `npm start`
 * launched together do not install into the same folder or start the same server twice.
 * A lock whose owner process is gone is taken over.
 *
 * @example
 * await withFileLock('.data/redis.lock', () => startRedis(), { onWait: (pid) => log(`waiting for ${pid}`) });
 */
export async function withFileLock<T>(
  file: string,
  work: () => Promise<T>,
  options: { timeoutMs?: number; onWait?: (ownerPid: number | undefined) => void } = {},
): Promise<T> {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + (options.timeoutMs ?? 20 * 60_000);
  let announced = false;
  while (!tryCreate(file)) {
    const owner = lockOwner(file);
    if (owner.stale) {
      rmSync(file, { force: true });
      continue;
    }
    if (!announced) {
      options.onWait?.(owner.pid);
      announced = true;
    }
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting for ${file}, held by pid ${owner.pid ?? 'unknown'}`);
    }
    await sleep(250);
  }
  try {
    return await work();
  } finally {
    rmSync(file, { force: true });
  }
}
