import type { Context } from 'hono';
import { problem } from './problem.js';

/** The identity and version of a versioned object (a row with a `version` column). */
export interface Versioned {
  kind: string;
  id: string;
  version: number;
}

/** Characters outside RFC 9110 `etagc` (and the separator) are percent-encoded. */
function part(value: string): string {
  return encodeURIComponent(value).replace(/\./g, '%2E');
}

/**
 * The ETag of one version of an object. Strong by default: the version changes with every
 * write, and `If-Match` compares strongly, so a weak tag could never satisfy it. Use weak
 * tags only for representations that may differ byte for byte (e.g. compressed).
 *
 * @example
 * c.header('ETag', etagFor('datasource', source.id, source.version)); // "datasource.7f…e1.3"
 */
export function etagFor(kind: string, id: string, version: number, weak = false): string {
  const tag = `"${part(kind)}.${part(id)}.${version}"`;
  return weak ? `W/${tag}` : tag;
}

/** The entity tags of an `If-Match` field value, `*` included as is. */
function parseIfMatch(value: string): string[] {
  return (value.match(/(?:W\/)?"[^"]*"|\*/g) ?? []).map((tag) => tag.trim());
}

/**
 * Checks the `If-Match` precondition of a write to a versioned object and returns the
 * problem response to send, or `null` when the write may go ahead:
 * - missing `If-Match` → 428, so that no client overwrites a change it has not seen
 *   ("lost update"); every write to a versioned object must send the ETag it read;
 * - no listed tag equal (strong comparison, RFC 9110 §13.1.1) to the current one → 412
 *   with the current ETag, so the client can re-read and retry;
 * - `*` matches any existing version.
 * The check is advisory for racing writes: also update with `where version = :read` and
 * answer 412 when no row changed.
 *
 * @example
 * const refused = checkIfMatch(c, { kind: 'datasource', id, version: row.version });
 * if (refused) return refused;
 */
export function checkIfMatch(c: Context, current: Versioned): Response | null {
  const header = c.req.header('If-Match');
  const currentTag = etagFor(current.kind, current.id, current.version);
  if (header === undefined || header.trim() === '') {
    return problem(c, 428, {
      detail: 'This write needs an If-Match header with the ETag of the version you read.',
    });
  }
  const tags = parseIfMatch(header);
  if (tags.includes('*') || tags.includes(currentTag)) return null;
  const response = problem(c, 412, {
    detail: 'The object changed since you read it; fetch it again and retry.',
    currentVersion: current.version,
  });
  response.headers.set('ETag', currentTag);
  return response;
}
