import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createHttpMetrics, metricsRoute } from '../../api/middleware/metrics.js';

function buildApp() {
  const metrics = createHttpMetrics();
  const app = new Hono();
  app.use(metrics.middleware);
  app.use('/items/*', async (_c, next) => next());
  app.get('/items/:id', (c) => c.json({ id: c.req.param('id') }));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.route('/', metricsRoute(metrics.registry));
  app.onError((_error, c) => c.text('failed', 500));
  return { app, metrics };
}

describe('HTTP metrics', () => {
  it('labels by route template, never by raw path, and marks unmatched requests', async () => {
    const { app } = buildApp();
    await app.request('/items/1');
    await app.request('/items/2');
    await app.request('/no/such/path-123');
    await app.request('/boom');

    const response = await app.request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('http_requests_total{method="GET",route="/items/:id",status="200"} 2');
    expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('http_requests_total{method="GET",route="/boom",status="500"} 1');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/items\/:id",status="200"\} 2/,
    );
    expect(text).not.toContain('/items/1');
    expect(text).not.toContain('path-123');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('keeps a registry per app', async () => {
    const first = buildApp();
    const second = buildApp();
    await first.app.request('/items/1');
    const text = await (await second.app.request('/metrics')).text();
    expect(text).not.toContain('route="/items/:id"');
    expect(first.metrics.registry).not.toBe(second.metrics.registry);
  });
});
