import { pino, type Logger } from 'pino';
import type { Config } from '../config/load-config.js';

export type { Logger };

/** Paths whose values never reach a log line, whatever object they appear in. */
const REDACT = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  '*.secretKey',
  '*.accessKey',
  'token',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  'secrets',
  '*.secrets',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.connectionString',
  'apiKey',
  '*.apiKey',
  // The configuration keeps the LLM provider's key one level deeper (`config.llm.apiKey`).
  'llm.apiKey',
  '*.llm.apiKey',
];

/** One JSON line per event; `service` tells the API's lines from the worker's. */
export function createLogger(config: Pick<Config, 'logLevel'>, service: string): Logger {
  return pino({
    level: config.logLevel,
    base: { service },
    redact: { paths: REDACT, censor: '********' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
