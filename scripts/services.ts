import { loadConfigOrExit } from '../config/load-config.js';
import {
  CORE_SERVICE_NAMES,
  formatStatus,
  logTail,
  SERVICE_NAMES,
  ServiceError,
  ServicesError,
  servicesDown,
  servicesStatus,
  servicesUp,
  type ServiceName,
} from './services/index.js';

const USAGE = `usage: npm run services -- up|down|status [${SERVICE_NAMES.join('|')} ...]`;

function parseNames(args: string[]): ServiceName[] | undefined {
  if (args.length === 0) return undefined;
  const unknown = args.filter((arg) => !SERVICE_NAMES.includes(arg as ServiceName));
  if (unknown.length > 0) {
    process.stderr.write(`unknown service ${unknown.join(', ')}; ${USAGE}\n`);
    process.exit(2);
  }
  return args as ServiceName[];
}

/** One line per failure; the tail of the service's log is what tells the operator why. */
function reportFailure(error: unknown): void {
  const failures =
    error instanceof ServicesError ? error.failures : error instanceof ServiceError ? [error] : [];
  if (failures.length === 0) {
    process.stderr.write(`services: ${error instanceof Error ? error.message : String(error)}\n`);
    return;
  }
  for (const failure of failures) {
    process.stderr.write(`${failure.message}\n`);
    const tail = failure.logFile ? logTail(failure.logFile, 15) : [];
    if (tail.length > 0) process.stderr.write(`${tail.map((line) => `    ${line}`).join('\n')}\n`);
  }
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'up' && command !== 'down' && command !== 'status') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const only = parseNames(rest);
  const config = loadConfigOrExit();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    if (command === 'up') {
      const began = Date.now();
      // Without names, everything, MariaDB included (`servicesUp` alone starts the core four).
      await servicesUp(config, { only: only ?? [...SERVICE_NAMES], log });
      log(`all services up in ${((Date.now() - began) / 1000).toFixed(1)} s`);
      return 0;
    }
    if (command === 'down') {
      await servicesDown(config, { only, log });
      return 0;
    }
    const statuses = (await servicesStatus(config)).filter(
      (status) => !only || only.includes(status.name),
    );
    log(
      formatStatus({
        name: 'service' as ServiceName,
        endpoint: 'endpoint',
        detail: 'state',
        managed: true,
        running: true,
      }),
    );
    for (const status of statuses) log(formatStatus(status));
    // MariaDB only runs for tests and the demo: it being down is no failure unless asked about.
    const required = only ?? CORE_SERVICE_NAMES;
    return statuses.some(
      (status) => status.managed && !status.running && required.includes(status.name),
    )
      ? 1
      : 0;
  } catch (error) {
    reportFailure(error);
    return 1;
  }
}

// Exit explicitly: a gRPC or Redis handle left behind by a probe must not keep the CLI alive.
process.exit(await main());
