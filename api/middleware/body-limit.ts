import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { problem } from '../problem.js';

export interface BodyLimitOptions {
  /** Largest accepted request body in bytes. */
  maxBytes: number;
}

/**
 * Refuses request bodies larger than `maxBytes` with 413 problem+json. A declared
 * `Content-Length` is refused before anything is read; a chunked body without one is
 * counted while it streams and cut off as soon as it crosses the limit, so an oversized
 * upload never sits whole in memory.
 *
 * @example
 * app.use('/api/*', bodyLimit({ maxBytes: 1024 * 1024 }));
 */
export function bodyLimit(options: BodyLimitOptions): MiddlewareHandler {
  return honoBodyLimit({
    maxSize: options.maxBytes,
    onError: (c) =>
      problem(c, 413, { detail: `The request body exceeds ${options.maxBytes} bytes.` }),
  });
}
