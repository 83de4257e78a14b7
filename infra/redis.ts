import { Redis } from 'ioredis';

/**
 * A Redis client that fails fast while the server is away (no offline queue) and keeps
 * reconnecting in the background, so callers see errors instead of hanging requests and
 * recover by themselves once Redis is back.
 */
export function createRedis(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 1_000),
  });
  // ioredis emits 'error' on every failed reconnect; readiness reports the outage instead.
  redis.on('error', () => undefined);
  return redis;
}
