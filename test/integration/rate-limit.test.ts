import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rateLimit, type RateLimitOptions } from '../../api/middleware/rate-limit.js';
import { createRedis } from '../../infra/redis.js';
import { freePort } from '../helpers/free-port.js';
import { testConfig } from '../helpers/test-config.js';

function appWith(options: Partial<RateLimitOptions> & { redis: Redis }) {
  const app = new Hono();
  app.use(
    rateLimit({
      limit: 3,
      windowMs: 1_000,
      key: (c) => c.req.header('x-client') ?? 'anonymous',
      prefix: `test:rl:${randomBytes(6).toString('hex')}:`,
      ...options,
    }),
  );
  app.get('/thing', (c) => c.json({ ok: true }));
  return app;
}

describe('rateLimit against Redis', () => {
  const redis = createRedis(testConfig().redis.url);
  // The client queues nothing while it connects, so the first command must wait for it.
  beforeAll(async () => {
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  });
  afterAll(() => redis.disconnect());

  it('counts per key, answers 429 problem+json with Retry-After, and recovers', async () => {
    const app = appWith({ redis });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await app.request('/thing', { headers: { 'x-client': 'a' } });
      statuses.push(response.status);
      expect(response.headers.get('RateLimit-Limit')).toBe('3');
      expect(response.headers.get('RateLimit-Remaining')).toBe(String(2 - i));
      expect(response.headers.get('RateLimit-Policy')).toBe('3;w=1');
      expect(Number(response.headers.get('RateLimit-Reset'))).toBeGreaterThanOrEqual(1);
    }
    expect(statuses).toEqual([200, 200, 200]);

    const refused = await app.request('/thing', { headers: { 'x-client': 'a' } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Content-Type')).toBe('application/problem+json');
    expect(refused.headers.get('Retry-After')).toBe('1');
    expect(refused.headers.get('RateLimit-Remaining')).toBe('0');
    expect(await refused.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });

    const other = await app.request('/thing', { headers: { 'x-client': 'b' } });
    expect(other.status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await app.request('/thing', { headers: { 'x-client': 'a' } });
    expect(again.status).toBe(200);
  });

  it('admits exactly the limit under concurrent requests', async () => {
    const app = appWith({ redis, limit: 5, windowMs: 10_000 });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => app.request('/thing', { headers: { 'x-client': 'c' } })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });

  it('keeps its keys under the prefix and lets them expire with the window', async () => {
    const prefix = `test:rl:${randomBytes(6).toString('hex')}:`;
    const app = appWith({ redis, prefix, windowMs: 2_000 });
    await app.request('/thing', { headers: { 'x-client': 'd' } });
    expect(await redis.keys(`${prefix}*`)).toEqual([`${prefix}d`]);
    const ttl = await redis.pttl(`${prefix}d`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2_000);
  });
});

describe('rateLimit while Redis is down', () => {
  it('fails open with a warning by default, closed with 503 when asked', async () => {
    const down = createRedis(`redis://127.0.0.1:${await freePort()}`);
    try {
      const warn = vi.fn();
      const open = appWith({ redis: down, logger: { warn } as never });
      const response = await open.request('/thing');
      expect(response.status).toBe(200);
      expect(response.headers.get('RateLimit-Limit')).toBeNull();
      await open.request('/thing');
      expect(warn).toHaveBeenCalledOnce();

      const closed = appWith({ redis: down, onRedisError: 'closed' });
      const refused = await closed.request('/thing');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('Content-Type')).toBe('application/problem+json');
    } finally {
      down.disconnect();
    }
  });
});
