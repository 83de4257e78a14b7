import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { problem } from './problem.js';
import type { ApiDeps, AppEnv } from './deps.js';
import { healthRoutes } from './routes/health-routes.js';
import { diagnosticsRoutes } from './routes/diagnostics-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { usersRoutes } from './routes/users-routes.js';
import { createAuthContext } from './auth-context.js';
import { authenticate } from './middleware/authenticate.js';

/**
 * Builds the HTTP API. Validation failures, unknown routes and thrown errors all leave as
 * RFC 9457 problem+json; an unexpected error shows only a log id.
 */
export function createApp(deps: ApiDeps) {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return problem(c, 400, {
          detail: 'The request does not match the schema.',
          errors: result.error.issues.map((issue) => ({
            location: result.target,
            path: issue.path.join('.'),
            message: issue.message,
          })),
        });
      }
      return undefined;
    },
  });

  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  });

  // Every /api/v1 endpoint requires a signed-in user unless `PUBLIC_ROUTES` names it.
  const auth = createAuthContext(deps);
  app.use('/api/v1/*', authenticate(deps, auth));

  app.route('/', healthRoutes(deps));
  app.route('/', authRoutes(deps, auth));
  app.route('/', usersRoutes(deps, auth));
  app.route('/', diagnosticsRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Data governance platform API', version: '1' },
  });

  app.notFound((c) => problem(c, 404, { detail: 'No such resource.' }));
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return problem(c, error.status as ContentfulStatusCode, {
        detail: error.message || undefined,
      });
    }
    const logId = c.get('requestId');
    deps.logger.error({ err: error, requestId: logId }, 'unhandled error');
    return problem(c, 500, {
      detail: 'An unexpected error occurred. Quote the log id when you report it.',
      logId,
    });
  });
  return app;
}
