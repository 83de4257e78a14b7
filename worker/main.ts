import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/load-config.js';
import { createLogger } from '../infra/logger.js';
import { temporalLogger } from '../infra/temporal-logger.js';
import { createDb } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { createWorker } from './create-worker.js';
import { createWorkerDeps } from './worker-deps.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'worker');

// Temporal's runtime turns SIGINT/SIGTERM into a graceful worker shutdown: polling stops,
// running activities get the grace period, then `run()` resolves.
Runtime.install({
  logger: temporalLogger(logger),
  shutdownSignals: ['SIGINT', 'SIGTERM'],
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
});

const db = createDb(config.postgres.url);
try {
  await migrateToLatest(db);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const deps = await createWorkerDeps(config, logger, db, {
    redisKeyPrefix: config.redis.keyPrefix,
  });
  const worker = await createWorker({ config, connection, deps });
  logger.info(
    {
      taskQueue: config.temporal.taskQueue,
      namespace: config.temporal.namespace,
      pid: process.pid,
    },
    'worker started',
  );
  await worker.run();
  await deps.close();
  await connection.close();
  logger.info('worker stopped');
} catch (error) {
  logger.error({ err: error }, 'worker failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
