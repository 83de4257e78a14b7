import type { Redis } from 'ioredis';

const WINDOW_SECONDS = 15 * 60;
const MAX_FAILURES_PER_ACCOUNT = 10;
const MAX_FAILURES_PER_IP = 50;

/** Counts failed logins per account and per client address in fixed 15-minute windows. */
export interface LoginThrottle {
  /** Seconds to wait before trying again, or undefined when the attempt may go ahead. */
  retryAfter(email: string, ip: string): Promise<number | undefined>;
  recordFailure(email: string, ip: string): Promise<void>;
  /** A successful login clears its account's count; the address keeps its own. */
  recordSuccess(email: string): Promise<void>;
}

/**
 * Slows down password guessing on one account and password spraying from one address.
 * Only failures count, so a user who signs in often is never locked out by success.
 *
 * @example
 * const wait = await throttle.retryAfter(email, clientAddress(c));
 */
export function createLoginThrottle(redis: Redis, prefix = ''): LoginThrottle {
  const accountKey = (email: string) => `${prefix}login-failures:account:${email.toLowerCase()}`;
  const ipKey = (ip: string) => `${prefix}login-failures:ip:${ip}`;
  return {
    async retryAfter(email, ip) {
      const [account, address] = await redis.mget(accountKey(email), ipKey(ip));
      const blocked: string[] = [];
      if (Number(account ?? 0) >= MAX_FAILURES_PER_ACCOUNT) blocked.push(accountKey(email));
      if (Number(address ?? 0) >= MAX_FAILURES_PER_IP) blocked.push(ipKey(ip));
      if (blocked.length === 0) return undefined;
      const ttls = await Promise.all(blocked.map((key) => redis.ttl(key)));
      return Math.max(1, ...ttls);
    },
    async recordFailure(email, ip) {
      await redis
        .multi()
        .incr(accountKey(email))
        .expire(accountKey(email), WINDOW_SECONDS, 'NX')
        .incr(ipKey(ip))
        .expire(ipKey(ip), WINDOW_SECONDS, 'NX')
        .exec();
    },
    async recordSuccess(email) {
      await redis.del(accountKey(email));
    },
  };
}
