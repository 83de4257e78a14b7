import type { Page } from '../../db/keyset-page.js';

/** The most findings one export holds: bigger sets are narrowed with filters. */
export const EXPORT_LIMIT = 100_000;
/** Findings fetched per query while an export streams. */
const EXPORT_PAGE = 1_000;

/**
 * One CSV cell: RFC 4180 quoting (a cell with a comma, quote or line break is quoted, quotes
 * doubled), and a leading `'` on a cell a spreadsheet would run as a formula (`=`, `+`, `-`,
 * `@`, tab, carriage return: OWASP's list), since asset names and evidence come from the
 * scanned sources and anyone who can create a table can name a column `=HYPERLINK(…)`.
 *
 * @example
 * csvCell('=1+1'); // "'=1+1"
 * csvCell('a,"b"'); // '"a,""b"""'
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One CSV record, CRLF-terminated as RFC 4180 says.
 *
 * @example
 * csvRow(['id', 'state']); // 'id,state\r\n'
 */
export function csvRow(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Streams every item of a keyset-paged query, page after page, rendered by `render`, with
 * `head` before the first and `tail` after the last, stopping after `EXPORT_LIMIT` items. Rows
 * are fetched as the client reads, so a large export never sits in memory whole.
 *
 * @example
 * const body = pagedStream({ fetch, render: (item, i) => csvRow([...]), head: csvRow(HEADER), tail: '' });
 * return new Response(body, { headers: { 'Content-Type': 'text/csv' } });
 */
export function pagedStream<T>(options: {
  fetch: (cursor: string | null, limit: number) => Promise<Page<T>>;
  render: (item: T, index: number) => string;
  head: string;
  tail: string;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | null = null;
  let sent = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let text = started ? '' : options.head;
      started = true;
      const page = await options.fetch(cursor, Math.min(EXPORT_PAGE, EXPORT_LIMIT - sent));
      for (const item of page.items) text += options.render(item, sent++);
      cursor = page.nextCursor;
      const done = cursor === null || sent >= EXPORT_LIMIT;
      if (done) text += options.tail;
      controller.enqueue(encoder.encode(text));
      if (done) controller.close();
    },
  });
}
