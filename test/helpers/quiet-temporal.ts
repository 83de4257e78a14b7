import { Runtime } from '@temporalio/worker';
import { createLogger } from '../../infra/logger.js';
import { temporalLogger } from '../../infra/temporal-logger.js';

// Workers created inside test processes log only warnings and errors.
try {
  Runtime.install({ logger: temporalLogger(createLogger({ logLevel: 'warn' }, 'test-worker')) });
} catch {
  // Already installed in this process by an earlier file.
}
