import { z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { decodeCursor, pageLimit, paginationQuery } from '../../api/pagination.js';
import { encodeCursor, keysetPage } from '../../db/keyset-page.js';

const key = z.object({ at: z.string(), id: z.string().regex(/^\d+$/) }).strict();

function statusOf(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof HTTPException ? error.status : -1;
  }
  return undefined;
}

describe('cursor pagination helpers', () => {
  it('round-trips a sort key through an opaque base64url cursor', () => {
    const cursor = encodeCursor({ at: '2026-01-01T00:00:00.000001Z', id: '42' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, key)).toEqual({ at: '2026-01-01T00:00:00.000001Z', id: '42' });
    expect(decodeCursor(undefined, key)).toBeNull();
  });

  it('answers 400 to a tampered, truncated or foreign cursor', () => {
    const good = encodeCursor({ at: 'x', id: '1' });
    const forged = encodeCursor({ at: 'x', id: '1; drop table audit_log' });
    const extra = encodeCursor({ at: 'x', id: '1', admin: true });
    for (const cursor of [good.slice(0, -3), `${good}!`, 'bm90IGpzb24', forged, extra]) {
      expect(
        statusOf(() => decodeCursor(cursor, key)),
        cursor,
      ).toBe(400);
    }
  });

  it('defaults the page size to 50 and caps it at 200', () => {
    expect(pageLimit(undefined)).toBe(50);
    expect(pageLimit(10)).toBe(10);
    expect(pageLimit(1000)).toBe(200);
    expect(pageLimit(0)).toBe(1);
    expect(paginationQuery.safeParse({ limit: '0' }).success).toBe(false);
    expect(paginationQuery.parse({ limit: '25' })).toEqual({ limit: 25 });
  });

  it('fetches one extra row to know whether a next page exists', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ id: String(i) }));
    const fetchPage = (after: { id: string } | null, limit: number) =>
      keysetPage({
        limit,
        after,
        fetch: async (request) =>
          rows.filter((row) => !request.after || row.id > request.after.id).slice(0, request.limit),
        cursorOf: (row) => ({ id: row.id }),
      });
    const first = await fetchPage(null, 3);
    expect(first.items.map((row) => row.id)).toEqual(['0', '1', '2']);
    const next = decodeCursor(first.nextCursor!, z.object({ id: z.string() }));
    const second = await fetchPage(next, 3);
    expect(second).toEqual({ items: [{ id: '3' }, { id: '4' }], nextCursor: null });
  });
});
