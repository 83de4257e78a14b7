import { z, type OpenAPIHono } from '@hono/zod-openapi';

type OpenAPIRegistry = OpenAPIHono['openAPIRegistry'];

/**
 * Describes the routes served outside the OpenAPI router (the metrics scrape, the docs page
 * and the document itself), so that `/openapi.json` lists every route the API answers.
 *
 * @example
 * registerPlainRoutes(app.openAPIRegistry);
 */
export function registerPlainRoutes(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['operations'],
    summary: 'Prometheus metrics (request counts and latency by route, process defaults)',
    responses: {
      200: {
        description: 'Prometheus text format',
        content: { 'text/plain': { schema: z.string() } },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    tags: ['operations'],
    summary: 'This OpenAPI 3.1 document',
    responses: {
      200: {
        description: 'The document',
        content: { 'application/json': { schema: z.object({}).passthrough() } },
      },
    },
  });
  for (const [path, type, summary] of [
    ['/docs', 'text/html', 'The API reference, rendered from this document'],
    ['/docs/docs.js', 'text/javascript', 'Script of the reference page'],
    ['/docs/docs.css', 'text/css', 'Stylesheet of the reference page'],
  ] as const) {
    registry.registerPath({
      method: 'get',
      path,
      tags: ['operations'],
      summary,
      responses: { 200: { description: summary, content: { [type]: { schema: z.string() } } } },
    });
  }
}
