import { createRoute, z } from '@hono/zod-openapi';

/** RFC 9457 problem details, as every error of the API is sent. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    logId: z.string().optional(),
  })
  .passthrough()
  .openapi('Problem');

export const problemContent = { 'application/problem+json': { schema: problemSchema } };

/** A JSON body or response of the given schema. */
export const json = <T>(schema: T) => ({ 'application/json': { schema } });

/** Routes that need a signed-in user say so in the document. */
export const bearer = [{ bearer: [] }];

/**
 * The error answers every authenticated route may give, so each route lists only its own.
 *
 * @example
 * responses: { 200: …, ...commonErrors }
 */
export const commonErrors = {
  400: { description: 'The request does not match the schema', content: problemContent },
  401: { description: 'Not signed in, or the session has ended', content: problemContent },
  413: { description: 'The request body is too large', content: problemContent },
  429: { description: 'Too many requests', content: problemContent },
} as const;

/** The `If-Match` header of writes to versioned objects. */
export const ifMatchHeader = z.object({
  'if-match': z.string().max(500).optional().openapi({
    description: 'The ETag of the version the change is based on (412 when it is stale).',
  }),
});

/** The answers of a write to a versioned object whose precondition failed. */
export const versionErrors = {
  412: { description: 'The object changed since it was read', content: problemContent },
  428: { description: 'If-Match is missing', content: problemContent },
} as const;

/** The `{id}` path parameter of routes on one object. */
export const uuidParams = z.strictObject({ id: z.uuid() });

interface OneObject<P extends string, V extends z.ZodType> {
  path: P;
  tag: string;
  summary: string;
  /** e.g. `data source`, for the 404's description. */
  noun: string;
  view: V;
}

/**
 * `GET <path>/{id}`: one object by uuid, 404 when missing or not visible.
 *
 * @example
 * const getRoute = getOneRoute({ path: '/api/v1/users/{id}', tag: 'users', noun: 'user', summary: '…', view: userView });
 */
export function getOneRoute<P extends string, V extends z.ZodType>(spec: OneObject<P, V>) {
  return createRoute({
    method: 'get',
    path: spec.path,
    tags: [spec.tag],
    summary: spec.summary,
    security: bearer,
    request: { params: uuidParams },
    responses: {
      200: { description: `The ${spec.noun}, with its ETag`, content: json(spec.view) },
      404: { description: `No such ${spec.noun}`, content: problemContent },
      ...commonErrors,
    },
  });
}

/**
 * `PATCH <path>/{id}` with a strict JSON body and `If-Match`.
 *
 * @example
 * const patchRoute = patchOneRoute({ …, body: z.strictObject({ name }) });
 */
export function patchOneRoute<P extends string, V extends z.ZodType, B extends z.ZodType>(
  spec: OneObject<P, V> & { body: B; description?: string },
) {
  return createRoute({
    method: 'patch',
    path: spec.path,
    tags: [spec.tag],
    summary: spec.summary,
    description: spec.description,
    security: bearer,
    request: {
      params: uuidParams,
      headers: ifMatchHeader,
      body: { required: true, content: json(spec.body) },
    },
    responses: {
      200: { description: 'Changed', content: json(spec.view) },
      404: { description: `No such ${spec.noun}`, content: problemContent },
      ...versionErrors,
      ...commonErrors,
    },
  });
}
