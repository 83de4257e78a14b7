import type { Redis } from 'ioredis';

/**
 * Sign-in sessions in Redis: `<prefix>session:<sid>` holds the user id, and
 * `<prefix>user-sessions:<userId>` the user's session ids. Every authenticated request reads
 * its session, so logging out or disabling a user takes effect on the very next request.
 */
export interface Sessions {
  create(sessionId: string, userId: string): Promise<void>;
  /** The user id of a live session, or undefined when it ended or never existed. */
  userOf(sessionId: string): Promise<string | undefined>;
  /** Keeps a session alive as long as its refresh token. */
  touch(sessionId: string): Promise<void>;
  revoke(sessionId: string): Promise<void>;
  revokeAllOfUser(userId: string): Promise<void>;
}

/**
 * @example
 * const sessions = createSessions(redis, config.auth.refreshTokenTtlSeconds);
 * await sessions.revokeAllOfUser(userId); // when an admin disables the user
 */
export function createSessions(redis: Redis, ttlSeconds: number, prefix = ''): Sessions {
  const sessionKey = (sid: string) => `${prefix}session:${sid}`;
  const userKey = (userId: string) => `${prefix}user-sessions:${userId}`;
  return {
    async create(sessionId, userId) {
      await redis
        .multi()
        .set(sessionKey(sessionId), userId, 'EX', ttlSeconds)
        .sadd(userKey(userId), sessionId)
        .expire(userKey(userId), ttlSeconds)
        .exec();
    },
    async userOf(sessionId) {
      return (await redis.get(sessionKey(sessionId))) ?? undefined;
    },
    async touch(sessionId) {
      const userId = await redis.get(sessionKey(sessionId));
      if (userId === null) return;
      await redis
        .multi()
        .expire(sessionKey(sessionId), ttlSeconds)
        .expire(userKey(userId), ttlSeconds)
        .exec();
    },
    async revoke(sessionId) {
      const userId = await redis.get(sessionKey(sessionId));
      const tx = redis.multi().del(sessionKey(sessionId));
      if (userId !== null) tx.srem(userKey(userId), sessionId);
      await tx.exec();
    },
    async revokeAllOfUser(userId) {
      const ids = await redis.smembers(userKey(userId));
      await redis
        .multi()
        .del(...ids.map(sessionKey), userKey(userId))
        .exec();
    },
  };
}
