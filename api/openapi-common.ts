import { z } from '@hono/zod-openapi';

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
