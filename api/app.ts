import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { dataSourceCheckWorkflow } from '../workflows/datasource-check-workflow.js';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { caslToKysely } from '../db/casl-to-kysely.js';
import { permissionColumns } from '../db/permission-columns.js';
import { auditGuard } from './audit.js';
import { createAuthContext } from './auth-context.js';
import type { ApiDeps, AppEnv } from './deps.js';
import { endpointOf } from './endpoint.js';
import { authenticate } from './middleware/authenticate.js';
import { bodyLimit } from './middleware/body-limit.js';
import { clientAddress } from './middleware/client-address.js';
import { createHttpMetrics, metricsRoute } from './middleware/metrics.js';
import { rateLimit } from './middleware/rate-limit.js';
import { problem } from './problem.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { diagnosticsRoutes } from './routes/diagnostics-routes.js';
import { startupRulePacks } from '../infra/compliance-packs.js';
import { complianceRoutes } from './routes/compliance-routes.js';
import { docsRoutes } from './routes/docs-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { registerPlainRoutes } from './routes/plain-routes-doc.js';
import { usersRoutes } from './routes/users-routes.js';
import { workspacesRoutes } from './routes/workspaces-routes.js';
import { dataSourcesRoutes } from './routes/datasources-routes.js';
import { scansRoutes } from './routes/scans-routes.js';
import { classifiersRoutes } from './routes/classifiers-routes.js';
import { infoTypesRoutes } from './routes/infotypes-routes.js';
import { BUILTIN_INFO_TYPES, infoTypeById } from '../core/classification/catalogue/index.js';
import { classificationsRoutes } from './routes/classifications-routes.js';
import { catalogAssetsRoutes } from './routes/catalog-assets-routes.js';
import { hasActiveScan } from '../db/queries/data-sources.js';
import { createSecretBox } from '../infra/secret-box.js';
import { builtinScanners } from '../scanners/builtins.js';
import { createScannerRegistry } from '../scanners/sdk/registry.js';

/** Probes and scrapes are cheap and must keep answering while clients are throttled. */
const NOT_RATE_LIMITED = new Set(['/health', '/ready', '/metrics']);

/** Writes that change nothing worth an audit entry (a token refresh is routine). */
const NOT_AUDITED = new Set(['POST /api/v1/auth/refresh', 'POST /api/v1/classify/preview']);

/**
 * Builds the HTTP API. The order of the middleware is the security model: metrics see every
 * answer, then request id and log line, then body size and rate limits (before any work),
 * then authentication for everything not on the public allow-list, then the audit guard.
 * Validation failures, unknown routes and thrown errors all leave as RFC 9457
 * problem+json; an unexpected error shows only a log id.
 */
export function createApp(deps: ApiDeps) {
  // One pack list for the whole app: `/ready`, the compliance routes and their evaluations.
  const withPacks = {
    ...deps,
    compliancePacks: deps.compliancePacks ?? startupRulePacks(deps.config, deps.logger),
  };
  const { config, logger } = deps;
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

  const metrics = createHttpMetrics();
  app.use(metrics.middleware);
  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        route: endpointOf(c)?.path ?? null,
        status: c.res.status,
        userId: c.get('actor')?.userId,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  });
  app.use(bodyLimit({ maxBytes: config.http.bodyLimitBytes }));
  const limitRequests = rateLimit({
    redis: deps.redis,
    limit: config.http.rateLimit.requests,
    windowMs: config.http.rateLimit.windowMs,
    onRedisError: config.http.rateLimit.failMode,
    timeoutMs: config.http.rateLimit.timeoutMs,
    key: (c) => clientAddress(c, { trustedProxies: config.http.trustedProxies }),
    prefix: `${deps.redisKeyPrefix ?? ''}rate-limit:api:`,
    logger,
  });
  app.use((c, next) => (NOT_RATE_LIMITED.has(c.req.path) ? next() : limitRequests(c, next)));

  // Every endpoint requires a signed-in user unless `PUBLIC_ROUTES` names it.
  const auth = createAuthContext(deps);
  app.use(authenticate(deps, auth));
  app.use(auditGuard({ logger, strict: config.env !== 'production', exempt: NOT_AUDITED }));

  app.route('/', healthRoutes(withPacks));
  app.route('/', authRoutes(deps, auth));
  app.route('/', usersRoutes(deps, auth));
  app.route('/', workspacesRoutes(deps));
  app.route(
    '/',
    dataSourcesRoutes(deps, {
      scanners: deps.scanners ?? createScannerRegistry({ builtins: builtinScanners }),
      secretBox: createSecretBox({
        currentKey: config.secrets.dataEncryptionKey,
        previousKeys: config.secrets.previousEncryptionKeys,
      }),
      scanRunning: (id) => hasActiveScan(deps.db, id),
      testConnection: (dataSourceId) =>
        deps.temporal.workflow.execute<typeof dataSourceCheckWorkflow>('dataSourceCheckWorkflow', {
          workflowId: `datasource-test:${dataSourceId}:${randomUUID()}`,
          taskQueue: config.temporal.taskQueue,
          args: [{ dataSourceId }],
          workflowExecutionTimeout: '1 minute',
        }),
    }),
  );
  app.route('/', scansRoutes(deps));
  app.route('/', classifiersRoutes(deps, { infoTypeById }));
  app.route('/', infoTypesRoutes(deps, { builtins: BUILTIN_INFO_TYPES, infoTypeById }));
  app.route('/', classificationsRoutes(deps));
  app.route('/', catalogAssetsRoutes(deps));
  app.route('/', complianceRoutes(withPacks));
  app.route('/', diagnosticsRoutes(deps));
  app.route(
    '/',
    auditRoutes({
      db: deps.db,
      isAllowed: (c) => c.var.ability.can('read', 'AuditLog'),
      visibleTo: (c) => caslToKysely(c.var.ability, 'read', 'AuditLog', permissionColumns.AuditLog),
    }),
  );
  app.route('/', metricsRoute(metrics.registry));
  app.route('/', docsRoutes());

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  registerPlainRoutes(app.openAPIRegistry);
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
    logger.error({ err: error, requestId: logId }, 'unhandled error');
    return problem(c, 500, {
      detail: 'An unexpected error occurred. Quote the log id when you report it.',
      logId,
    });
  });
  return app;
}
