import { serve, type ServerType } from '@hono/node-server';
import { loadConfigOrExit } from '../config/load-config.js';
import { createLogger } from '../infra/logger.js';
import { migrateToLatest } from '../db/migrate.js';
import { createApp } from './app.js';
import { createApiDeps } from './create-deps.js';
import { ensureFirstAdmin } from './bootstrap.js';
import { builtinScanners } from '../scanners/builtins.js';
import { createScannerRegistry } from '../scanners/sdk/registry.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'api');

const deps = createApiDeps(config, logger);
try {
  // A bad SCANNER_PLUGINS package stops start-up with one line naming it.
  const registry = await createScannerRegistry({
    builtins: builtinScanners,
    packages: config.scan.plugins,
  });
  deps.scanners = Promise.resolve(registry);
} catch (error) {
  process.stderr.write(`api: ${(error as Error).message}\n`);
  process.exit(1);
}
try {
  await migrateToLatest(deps.db);
  await ensureFirstAdmin(deps.db, config, logger, (line) => process.stdout.write(line));
} catch (error) {
  process.stderr.write(`api: database not usable: ${(error as Error).message}\n`);
  process.exit(1);
}
const app = createApp(deps);

const server: ServerType = serve(
  { fetch: app.fetch, hostname: config.api.host, port: config.api.port },
  (info) => logger.info({ address: info.address, port: info.port }, 'api listening'),
);
server.on('error', (error: NodeJS.ErrnoException) => {
  const reason =
    error.code === 'EADDRINUSE'
      ? `port ${config.api.port} is already in use; set API_PORT to a free port`
      : error.message;
  logger.fatal({ code: error.code }, reason);
  process.stderr.write(`api: ${reason}\n`);
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'api stopping: finishing in-flight requests');
  // Stop accepting connections, let in-flight requests finish, then release the clients.
  const force = setTimeout(() => {
    if ('closeAllConnections' in server) server.closeAllConnections();
  }, 10_000);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  clearTimeout(force);
  await deps.close();
  logger.info('api stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
