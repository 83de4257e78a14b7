/** One page of a list and the opaque cursor of the next one (`null` on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What a query needs to fetch one page: how many rows, after which sort key. */
export interface PageRequest<K> {
  limit: number;
  after: K | null;
}

/**
 * The cursor is the sort key of the last item, as base64url JSON. It is opaque to clients
 * but not secret: it never carries more than the values the page already showed.
 *
 * @example
 * encodeCursor({ at: '2026-01-01T00:00:00.000001Z', id: '42' }); // 'eyJhdCI6…'
 */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Runs one keyset query for `limit + 1` rows: the extra row only tells whether a next page
 * exists, so no `count(*)` is needed. `fetch` must order by the same key `cursorOf` returns
 * and start strictly after `after`.
 *
 * @example
 * const page = await keysetPage({
 *   limit: pageLimit(query.limit),
 *   after: decodeCursor(query.cursor, keySchema),
 *   fetch: ({ limit, after }) => selectRows(db, after, limit),
 *   cursorOf: (row) => ({ at: row.at, id: row.id }),
 * });
 */
export async function keysetPage<T, K extends Record<string, unknown>>(options: {
  limit: number;
  after: K | null;
  fetch: (request: PageRequest<K>) => Promise<T[]>;
  cursorOf: (item: T) => K;
}): Promise<Page<T>> {
  const rows = await options.fetch({ limit: options.limit + 1, after: options.after });
  const items = rows.slice(0, options.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > options.limit && last !== undefined ? encodeCursor(options.cursorOf(last)) : null;
  return { items, nextCursor };
}

/**
 * The time of a keyset cursor, as the queries write it: text with PostgreSQL's microseconds,
 * since a JavaScript Date keeps milliseconds and rows written by one statement share `now()`.
 *
 * @example
 * z.strictObject({ at: z.string().regex(CURSOR_TIME), id: z.uuid() });
 */
export const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
