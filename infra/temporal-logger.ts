import { DefaultLogger, type LogLevel } from '@temporalio/worker';
import type { Logger } from './logger.js';

const LEVELS: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
};

/**
 * Sends the Temporal SDK's own log lines (worker state, bundling, retries) through the
 * process's JSON logger, so one stream carries everything and redaction applies.
 */
export function temporalLogger(logger: Logger): DefaultLogger {
  const threshold = LEVELS[logger.level] ?? 'ERROR';
  return new DefaultLogger(threshold, ({ level, message, meta }) => {
    const method =
      level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
    logger[method]({ temporal: meta }, message);
  });
}
