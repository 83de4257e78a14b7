import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { builtInRulePacks, packReadiness } from '../../infra/compliance-packs.js';
import { checkReadiness } from '../../infra/readiness.js';
import type { ApiDeps, AppEnv } from '../deps.js';

const dependencyCheck = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number(),
  error: z.string().optional(),
});
const readiness = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({
      postgres: dependencyCheck,
      redis: dependencyCheck,
      temporal: dependencyCheck,
      minio: dependencyCheck,
    }),
    details: z.object({
      compliancePacks: z.object({
        loaded: z.array(z.string()),
        rejected: z.array(
          z.object({
            file: z.string(),
            issues: z.array(z.object({ path: z.string(), message: z.string() })),
          }),
        ),
      }),
    }),
  })
  .openapi('Readiness');

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['operations'],
  summary: 'The process is alive',
  responses: {
    200: {
      description: 'Alive',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
  },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['operations'],
  summary: 'Every dependency answers',
  description:
    'Checks PostgreSQL, Redis, Temporal and MinIO, each with a timeout. `details` lists the ' +
    'compliance rule packs in force and any rejected at start-up; a rejected pack does not ' +
    'make the service unready.',
  responses: {
    200: {
      description: 'All dependencies are up',
      content: { 'application/json': { schema: readiness } },
    },
    503: {
      description: 'At least one dependency is down',
      content: { 'application/json': { schema: readiness } },
    },
  },
});

/** `/health` for liveness probes, `/ready` for load balancers and start-up scripts. */
export function healthRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const packs = packReadiness(deps.compliancePacks ?? builtInRulePacks());
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readyRoute, async (c) => {
    const result = await checkReadiness(
      { ...deps, bucket: deps.config.s3.bucket },
      deps.config.readiness.timeoutMs,
    );
    c.header('Cache-Control', 'no-store');
    const body = { ...result, details: { compliancePacks: packs } };
    return result.status === 'ready' ? c.json(body, 200) : c.json(body, 503);
  });
  return app;
}
