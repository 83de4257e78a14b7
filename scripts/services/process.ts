import { spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { ServiceError, type ServiceName } from './types.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const isRoot = (): boolean => process.getuid?.() === 0;

/** Finds an executable on PATH the way a shell would; undefined when absent. */
export function findOnPath(command: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Alive and not a zombie: a child that died but was not reaped yet still answers kill(0). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Guards against a recycled pid: the live process must still be the program we launched. */
function commandLineContains(pid: number, needle: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
  } catch {
    return true; // no procfs: trust the pid
  }
}

export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pid recorded in `file` if that process still runs `needle`. A stale file is removed:
 * after a reboot its pid may belong to an unrelated process, which would block a restart.
 */
export function livePid(file: string, needle: string): number | undefined {
  const pid = readPidFile(file);
  if (pid === undefined) return undefined;
  if (isAlive(pid) && commandLineContains(pid, needle)) return pid;
  rmSync(file, { force: true });
  return undefined;
}

export interface DetachedCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  pidFile: string;
}

/**
 * Launches a server in its own session so it outlives the CLI and a Ctrl-C in the terminal
 * does not reach it; its output goes to `logFile` only.
 */
export async function spawnDetached(spec: DetachedCommand): Promise<number> {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  try {
    writeSync(fd, `\n--- ${new Date().toISOString()} ${spec.command} ${spec.args.join(' ')}\n`);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    writeFileSync(spec.pidFile, `${pid}\n`);
    return pid;
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM to the whole process group, then SIGKILL when it has not exited in time. */
export async function stopProcess(pid: number, timeoutMs = 20_000): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      try {
        process.kill(pid, name);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  if (await waitUntil(async () => !isAlive(pid), { timeoutMs, intervalMs: 100 })) return;
  signal('SIGKILL');
  await waitUntil(async () => !isAlive(pid), { timeoutMs: 5_000, intervalMs: 100 });
}

/**
 * Polls `check` until it returns true or the time is up. `gaveUp` lets a caller stop early,
 * e.g. when the server process already exited.
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; gaveUp?: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (options.gaveUp?.() || Date.now() >= deadline) return false;
    await sleep(options.intervalMs ?? 250);
  }
}

export interface RunResult {
  code: number;
  /** stdout and stderr interleaved, last 200 lines. */
  output: string;
}

/** Runs a command to completion, appending its output to `logFile` when given. */
export function runCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile?: string } = {},
): Promise<RunResult> {
  if (options.logFile) mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = options.logFile ? openSync(options.logFile, 'a') : undefined;
  if (fd !== undefined)
    writeSync(fd, `\n--- ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  let lines: string[] = [];
  return new Promise<RunResult>((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      if (fd !== undefined) writeSync(fd, chunk);
      lines = lines.concat(chunk.toString('utf8').split('\n')).slice(-200);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const finish = (code: number, extra = '') => {
      if (fd !== undefined) closeSync(fd);
      resolve({ code, output: (lines.join('\n') + extra).trim() });
    };
    child.once('error', (error) => finish(127, `\n${error.message}`));
    child.once('close', (code) => finish(code ?? 1));
  });
}

/** The last lines of a log, for error reports; empty when the file is missing. */
export function logTail(file: string, lines = 20): string[] {
  try {
    const text = readFileSync(file, 'utf8');
    return text.trim().split('\n').slice(-lines);
  } catch {
    return [];
  }
}

/** The last non-empty line of some output, to quote in a one-line error. */
export function lastLine(output: string): string {
  return output.trim().split('\n').filter(Boolean).pop()?.trim() ?? '';
}

/** True when nothing listens on 127.0.0.1:port (or on the wildcard address). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/**
 * True when something accepts connections on 127.0.0.1:port. Connecting, unlike binding,
 * cannot steal the port from a server that is starting up.
 */
export function isListening(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Fails naming the setting to change, for the first port something else holds. */
export async function assertPortsFree(
  service: ServiceName,
  ports: { port: number; envVar: string }[],
): Promise<void> {
  for (const { port, envVar } of ports) {
    if (!(await isPortFree(port))) {
      throw new ServiceError(
        service,
        `port ${port} is in use by another program; set ${envVar} to a free port`,
      );
    }
  }
}
