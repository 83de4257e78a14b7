import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Redis } from 'ioredis';
import type { Logger } from '../../infra/logger.js';
import { problem } from '../problem.js';

/**
 * The window is trimmed, counted and extended in one script so that concurrent requests
 * from several API processes cannot all slip under the limit. Time comes from the Redis
 * server, not from each API host, so clocks that drift apart do not widen the window.
 * Returns `{ allowed (0|1), count in window, ms until the oldest entry leaves }`.
 */
const SLIDING_WINDOW_LUA = `
local key = KEYS[1]
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, now .. ':' .. ARGV[3])
  count = count + 1
  allowed = 1
end
redis.call('PEXPIRE', key, window)
local reset = window
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
return { allowed, count, reset }
`;

const COMMAND = 'governanceSlidingWindow';
const WARNING_INTERVAL_MS = 10_000;

type WindowCommand = (
  key: string,
  windowMs: number,
  limit: number,
  nonce: string,
) => Promise<[number, number, number]>;

function windowCommand(redis: Redis): WindowCommand {
  const commands = redis as unknown as Record<string, WindowCommand | undefined>;
  if (!commands[COMMAND])
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: SLIDING_WINDOW_LUA });
  return (commands[COMMAND] as WindowCommand).bind(redis);
}

export interface RateLimitOptions {
  redis: Redis;
  /** Requests allowed per key within any window of `windowMs`. */
  limit: number;
  windowMs: number;
  /** Who is counted: e.g. the user id when authenticated, else the client address. */
  key: (c: Context) => string;
  /** Redis key prefix, so that several limiters (and tests) never share counters. */
  prefix: string;
  /**
   * What to do when Redis does not answer: `open` (default) lets the request through and
   * logs a warning, `closed` answers 503. Open suits general routes: an outage of the cache
   * should not take the whole API down, and `/ready` already reports Redis as down. Use
   * `closed` where the limit is a security control (login attempts).
   */
  onRedisError?: 'open' | 'closed';
  /** Redis answers slower than this count as an outage (default 250 ms). */
  timeoutMs?: number;
  logger?: Pick<Logger, 'warn'>;
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sliding-window rate limit kept in Redis (one sorted set per key, expiring with the
 * window). Every answer carries the IETF `RateLimit-*` fields; over the limit it answers
 * 429 problem+json with `Retry-After`.
 *
 * @example
 * app.use('/api/*', rateLimit({
 *   redis, limit: 300, windowMs: 60_000, prefix: 'rl:api:',
 *   key: (c) => c.req.header('x-forwarded-for') ?? 'anonymous',
 * }));
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const { redis, limit, windowMs, prefix, logger } = options;
  const failClosed = options.onRedisError === 'closed';
  const timeoutMs = options.timeoutMs ?? 250;
  const windowSeconds = Math.ceil(windowMs / 1000);
  const policy = `${limit};w=${windowSeconds}`;
  const hit = windowCommand(redis);
  // One line per outage burst is enough to alert; one per request would flood the logs.
  let lastWarning = 0;

  return async function rateLimitMiddleware(c, next) {
    const key = `${prefix}${options.key(c)}`;
    let result: [number, number, number];
    try {
      const nonce = randomBytes(6).toString('hex');
      result = await withTimeout(hit(key, windowMs, limit, nonce), timeoutMs);
    } catch (error) {
      if (Date.now() - lastWarning >= WARNING_INTERVAL_MS) {
        lastWarning = Date.now();
        logger?.warn(
          { err: error, prefix, failClosed },
          failClosed
            ? 'rate limit unavailable, refusing request'
            : 'rate limit unavailable, allowing request',
        );
      }
      if (failClosed)
        return problem(c, 503, { detail: 'Rate limiting is unavailable; retry shortly.' });
      return next();
    }
    const [allowed, count, resetMs] = result;
    const resetSeconds = Math.max(1, Math.ceil(resetMs / 1000));
    const headers = {
      'RateLimit-Limit': String(limit),
      'RateLimit-Remaining': String(Math.max(0, limit - count)),
      'RateLimit-Reset': String(resetSeconds),
      'RateLimit-Policy': policy,
    };
    if (allowed !== 1) {
      const response = problem(c, 429, {
        detail: `At most ${limit} requests per ${windowSeconds} s; retry after ${resetSeconds} s.`,
      });
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
      response.headers.set('Retry-After', String(resetSeconds));
      return response;
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
