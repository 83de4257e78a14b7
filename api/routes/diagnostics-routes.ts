import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { platformCheckWorkflow } from '../../workflows/platform-check-workflow.js';
import { audit } from '../audit.js';
import { commonErrors, problemContent } from '../openapi-common.js';
import { problem } from '../problem.js';
import type { ApiDeps, AppEnv } from '../deps.js';

const ID_PREFIX = 'platform-check-';
const checkId = z
  .string()
  .regex(/^platform-check-[0-9a-f-]{36}$/, { message: 'not a platform check id' });

const checkResult = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'completed']),
    result: z.unknown().optional(),
  })
  .openapi('PlatformCheck');

const startRoute = createRoute({
  method: 'post',
  path: '/api/v1/diagnostics',
  tags: ['operations'],
  summary: 'Run a platform check through Temporal and a worker',
  description:
    'Starts a workflow whose activity inspects the platform database on a worker. Waits up to ' +
    '`wait` seconds for the result (200); if it is not done by then, answers 202 with a Location.',
  request: {
    query: z.strictObject({ wait: z.coerce.number().int().min(0).max(60).default(20) }),
  },
  security: [{ bearer: [] }],
  responses: {
    200: { description: 'Finished', content: { 'application/json': { schema: checkResult } } },
    202: { description: 'Still running', content: { 'application/json': { schema: checkResult } } },
    403: { description: 'Only platform admins run platform checks', content: problemContent },
    ...commonErrors,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/diagnostics/{id}',
  tags: ['operations'],
  summary: 'Result of a platform check',
  security: [{ bearer: [] }],
  request: { params: z.strictObject({ id: checkId }) },
  responses: {
    200: { description: 'Finished', content: { 'application/json': { schema: checkResult } } },
    202: { description: 'Still running', content: { 'application/json': { schema: checkResult } } },
    404: { description: 'No such check', content: problemContent },
    ...commonErrors,
  },
});

async function waitFor<T>(promise: Promise<T>, seconds: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), seconds * 1000);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The first end-to-end workflow: it shows a worker is polling and reaches the database.
 * Platform admins only: it reveals table sizes and the deployment's task queue.
 */
export function diagnosticsRoutes({ temporal, config, db }: ApiDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(startRoute, async (c) => {
    if (!c.var.actor.isPlatformAdmin) {
      return problem(c, 403, { detail: 'Only platform admins run platform checks.' }) as never;
    }
    const { wait } = c.req.valid('query');
    // Started by name: the API never loads workflow code, only its type.
    const handle = await temporal.workflow.start<typeof platformCheckWorkflow>(
      'platformCheckWorkflow',
      {
        workflowId: `${ID_PREFIX}${randomUUID()}`,
        taskQueue: config.temporal.taskQueue,
        workflowExecutionTimeout: '5 minutes',
      },
    );
    await audit(c, db, {
      action: 'diagnostics.start',
      objectType: 'platform-check',
      objectId: handle.workflowId,
    });
    const location = `/api/v1/diagnostics/${handle.workflowId}`;
    const result = await waitFor(handle.result(), wait);
    if (result === undefined) {
      c.header('Location', location);
      return c.json({ id: handle.workflowId, status: 'running' as const }, 202);
    }
    return c.json({ id: handle.workflowId, status: 'completed' as const, result }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    // Same answer as an unknown id: a non-admin learns nothing about which checks exist.
    if (!c.var.actor.isPlatformAdmin) {
      return problem(c, 404, { detail: 'No platform check has this id.' }) as never;
    }
    const handle = temporal.workflow.getHandle(id);
    try {
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') {
        return c.json({ id, status: 'running' as const }, 202);
      }
      return c.json({ id, status: 'completed' as const, result: await handle.result() }, 200);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        return problem(c, 404, { detail: 'No platform check has this id.' }) as never;
      }
      throw error;
    }
  });
  return app;
}
