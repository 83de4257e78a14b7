import { sql, type RawBuilder } from 'kysely';

/**
 * A timestamp column as the time of a keyset cursor: UTC text with PostgreSQL's
 * microseconds (the form `CURSOR_TIME` accepts), since a JavaScript Date keeps milliseconds
 * and rows written by one statement share `now()`.
 *
 * @example
 * query.select([cursorTime('e.created_at').as('key')]);
 */
export function cursorTime(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * The rows after a (time, uuid) cursor in newest-first order: `(time, id) < (at, id)`.
 *
 * @example
 * if (after) query = query.where(olderThanCursor('e.created_at', 'e.id', after));
 */
export function olderThanCursor(
  timeColumn: string,
  idColumn: string,
  after: { at: string; id: string },
): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(timeColumn)}, ${sql.ref(idColumn)}) < (${after.at}::timestamptz, ${after.id}::uuid)`;
}
