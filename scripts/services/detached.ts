import { rmSync, statSync } from 'node:fs';
import { withFileLock } from './lock.js';
import { answers } from './probes.js';
import {
  assertPortsFree,
  isAlive,
  isListening,
  livePid,
  spawnDetached,
  stopProcess,
  waitUntil,
} from './process.js';
import {
  ServiceError,
  type LocalService,
  type LogFn,
  type ServiceName,
  type StartResult,
} from './types.js';

/** What differs between the servers we launch ourselves and supervise through a pid file. */
export interface DetachedServiceSpec {
  name: ServiceName;
  endpoint: string;
  logFile: string;
  pidFile: string;
  /** Held while installing and starting; outside the service folder so nothing else touches it. */
  lockFile: string;
  log: LogFn;
  /** A piece of the server's command line, so a recycled pid is not mistaken for ours. */
  processMarker: string;
  /** Every port the server binds, with the setting that moves it. */
  ports: { port: number; envVar: string }[];
  readyTimeoutMs: number;
  install(): Promise<void>;
  /** Folders and config files, right before launch. */
  prepare(): Promise<void> | void;
  command(): { command: string; args: string[]; env?: NodeJS.ProcessEnv; cwd?: string };
  /** Throws unless the server answers with our credentials. */
  probe(): Promise<unknown>;
  /** Idempotent set-up once it answers (buckets, namespaces). */
  afterReady?(): Promise<void>;
}

/**
 * Builds the start/stop/reuse behaviour shared by Redis, Temporal and MinIO: reuse what
 * answers, refuse a port held by something else, launch detached, wait for readiness and
 * never leave a half-started server behind.
 */
export function detachedService(spec: DetachedServiceSpec): LocalService {
  const seconds = (ms: number) => Math.round(ms / 1000);
  // The connect test spares a slow probe (gRPC waits out its whole timeout) on a closed port.
  const ready = async () => (await isListening(spec.ports[0]!.port)) && (await answers(spec.probe));

  const waitForReady = (pid: number, timeoutMs: number) =>
    waitUntil(ready, { timeoutMs, intervalMs: 250, gaveUp: () => !isAlive(pid) });

  async function setUp(): Promise<void> {
    try {
      await spec.afterReady?.();
    } catch (error) {
      throw new ServiceError(
        spec.name,
        `answers but set-up failed: ${(error as Error).message}`,
        spec.logFile,
      );
    }
  }

  async function adoptRunning(pid: number): Promise<void> {
    // A pid file younger than the start-up timeout may belong to a start still in progress.
    const age = Date.now() - (statSync(spec.pidFile, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    const patience = Math.max(0, spec.readyTimeoutMs - age);
    if (!(await waitForReady(pid, patience))) {
      throw new ServiceError(
        spec.name,
        `our server (pid ${pid}) runs but does not answer on port ${spec.ports[0]!.port} with the configured credentials; stop it with: npm run services -- down`,
        spec.logFile,
      );
    }
  }

  async function startLocked(): Promise<StartResult> {
    await spec.install();
    const running = livePid(spec.pidFile, spec.processMarker);
    if (await ready()) {
      await setUp();
      return 'reused';
    }
    if (running !== undefined) {
      await adoptRunning(running);
      await setUp();
      return 'reused';
    }
    await assertPortsFree(spec.name, spec.ports);
    await spec.prepare();
    const pid = await spawnDetached({
      ...spec.command(),
      logFile: spec.logFile,
      pidFile: spec.pidFile,
    });
    if (!(await waitForReady(pid, spec.readyTimeoutMs))) {
      const exited = !isAlive(pid);
      if (!exited) await stopProcess(pid);
      rmSync(spec.pidFile, { force: true });
      throw new ServiceError(
        spec.name,
        exited
          ? 'exited during start-up'
          : `did not become ready within ${seconds(spec.readyTimeoutMs)} s and was stopped`,
        spec.logFile,
      );
    }
    await setUp();
    return 'started';
  }

  return {
    name: spec.name,
    endpoint: spec.endpoint,
    logFile: spec.logFile,

    install: () => spec.install(),

    start: () =>
      withFileLock(spec.lockFile, startLocked, {
        onWait: (pid) =>
          spec.log(`${spec.name}: waiting for another start to finish (pid ${pid ?? 'unknown'})`),
      }),

    async stop(): Promise<void> {
      const pid = livePid(spec.pidFile, spec.processMarker);
      if (pid === undefined) return;
      await stopProcess(pid);
      if (isAlive(pid)) throw new ServiceError(spec.name, `pid ${pid} did not exit after SIGKILL`);
      rmSync(spec.pidFile, { force: true });
    },

    isRunning: ready,

    pid: () => livePid(spec.pidFile, spec.processMarker),
  };
}
