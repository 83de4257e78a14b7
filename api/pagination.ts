import { z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';

export type { Page, PageRequest } from '../db/keyset-page.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

/**
 * The `cursor` and `limit` query parameters of every list route; spread its `shape` into
 * the route's own strict query object.
 *
 * @example
 * const query = z.object({ ...paginationQuery.shape, action: z.string().optional() }).strict();
 */
export const paginationQuery = z.object({
  cursor: z
    .string()
    .max(1024)
    .optional()
    .openapi({ description: 'The `nextCursor` of the previous page; omit for the first page.' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .openapi({
      description: `Items per page: ${DEFAULT_PAGE_LIMIT} when omitted, at most ${MAX_PAGE_LIMIT} (larger values are reduced).`,
    }),
});

/**
 * The response envelope of a list route.
 *
 * @example
 * const auditPage = pageSchema(auditEntry).openapi('AuditPage');
 */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/**
 * Clamps a requested page size into `1..MAX_PAGE_LIMIT`, defaulting to `DEFAULT_PAGE_LIMIT`.
 *
 * @example
 * pageLimit(undefined); // 50
 * pageLimit(1000); // 200
 */
export function pageLimit(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_PAGE_LIMIT;
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.trunc(requested)));
}

/**
 * Reads a cursor back into its sort key and checks it against `schema`; a cursor that was
 * altered, truncated or made for another list is a client error (400), never a query with
 * unchecked values.
 *
 * @example
 * const after = decodeCursor(query.cursor, z.object({ at: z.string(), id: z.string() }));
 */
export function decodeCursor<S extends z.ZodType>(
  cursor: string | undefined,
  schema: S,
): z.infer<S> | null {
  if (cursor === undefined || cursor === '') return null;
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw invalidCursor();
  return result.data;
}

function invalidCursor(): HTTPException {
  return new HTTPException(400, { message: 'The cursor is not valid for this list.' });
}
