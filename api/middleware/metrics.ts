import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { endpointOf } from '../endpoint.js';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The route label of requests that matched no route (a 404 from `notFound`). */
export const UNMATCHED_ROUTE = 'unmatched';

const LABELS = ['method', 'route', 'status'] as const;

export interface HttpMetrics {
  /** This app's own registry: several apps in one process (tests) never share counters. */
  registry: Registry;
  /** Counts and times every request; mount it first so that it sees every answer. */
  middleware: MiddlewareHandler;
}

/**
 * Builds a Prometheus registry with the process's default metrics plus
 * `http_requests_total` and `http_request_duration_seconds`, labelled by method, route
 * template and status.
 *
 * @example
 * const metrics = createHttpMetrics();
 * app.use(metrics.middleware);
 * app.route('/', metricsRoute(metrics.registry));
 */
export function createHttpMetrics(
  options: { buckets?: number[]; defaultMetrics?: boolean } = {},
): HttpMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: LABELS,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to having its response, in seconds.',
    labelNames: LABELS,
    buckets: options.buckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const middleware: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const labels = {
        method: c.req.method,
        route: endpointOf(c)?.path ?? UNMATCHED_ROUTE,
        // Hono turns thrown errors into responses before this point; 500 covers the rest.
        status: String(c.finalized ? c.res.status : 500),
      };
      requests.inc(labels);
      duration.observe(labels, (performance.now() - started) / 1000);
    }
  };
  return { registry, middleware };
}

/**
 * `GET /metrics` in the Prometheus text format, for a scraper on the internal network.
 *
 * @example
 * app.route('/', metricsRoute(metrics.registry));
 */
export function metricsRoute(registry: Registry): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    c.header('Content-Type', registry.contentType);
    c.header('Cache-Control', 'no-store');
    return c.body(await registry.metrics());
  });
  return app;
}
