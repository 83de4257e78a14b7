import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { z } from 'zod';
import { keysetPage, type Page } from '../keyset-page.js';
import type { Database } from '../schema.js';

/** The value every secret-looking field is replaced by, as in API responses. */
export const MASK = '********';
const SECRET_KEY = /secret|password|token|key/i;
const MAX_DEPTH = 20;

/** Who did it, what, to which object, and the object before and after (secrets masked). */
export interface AuditEntryInput {
  actor: { userId: string | null; label: string };
  action: string;
  objectType: string;
  objectId?: string | null;
  workspaceId?: string | null;
  requestId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface AuditEntry extends Required<Omit<AuditEntryInput, 'before' | 'after'>> {
  id: string;
  occurredAt: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AuditFilters {
  actorUserId?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  workspaceId?: string;
  from?: Date;
  to?: Date;
  /**
   * The rows the caller may see, as SQL over `audit_log` (e.g. `caslToKysely(ability,
   * 'read', 'AuditLog', permissionColumns.AuditLog)`), so paging never skips hidden rows.
   */
  visibleTo?: Expression<SqlBool>;
}

/**
 * A copy of `value` with every field whose name looks like a secret replaced by `MASK`, at
 * any depth, so a summary can be stored and shown without leaking credentials.
 *
 * @example
 * maskSecrets({ host: 'db', auth: { password: 'x' } }); // { host: 'db', auth: { password: '********' } }
 */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return MASK;
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        SECRET_KEY.test(key) ? MASK : maskSecrets(inner, depth + 1),
      ]),
    );
  }
  return value;
}

function summary(value: Record<string, unknown> | null | undefined): string | null {
  return value ? JSON.stringify(maskSecrets(value)) : null;
}

/**
 * Appends one entry to the audit log. Pass the transaction of the change itself so that a
 * change and its audit entry are committed together or not at all.
 *
 * @example
 * await recordAudit(trx, {
 *   actor: { userId: user.id, label: user.email }, action: 'datasource.update',
 *   objectType: 'datasource', objectId: source.id, workspaceId: source.workspaceId,
 *   requestId: c.get('requestId'), before, after,
 * });
 */
export async function recordAudit(
  db: Kysely<Database>,
  entry: AuditEntryInput,
): Promise<{ id: string; occurredAt: Date }> {
  const row = await db
    .insertInto('audit_log')
    .values({
      actor_user_id: entry.actor.userId,
      actor_label: entry.actor.label,
      action: entry.action,
      object_type: entry.objectType,
      object_id: entry.objectId ?? null,
      workspace_id: entry.workspaceId ?? null,
      request_id: entry.requestId ?? null,
      before: summary(entry.before),
      after: summary(entry.after),
    })
    .returning(['id', 'occurred_at'])
    .executeTakeFirstOrThrow();
  return { id: String(row.id), occurredAt: row.occurred_at };
}

/**
 * The sort key of the audit list. The timestamp travels as text with its microseconds:
 * a JavaScript Date keeps milliseconds only and would skip or repeat entries on a page edge.
 */
export const auditCursor = z
  .object({
    at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
    id: z.string().regex(/^\d{1,19}$/),
  })
  .strict();
export type AuditCursor = z.infer<typeof auditCursor>;

/**
 * Audit entries matching every given filter, newest first, one keyset page at a time.
 * `from` is inclusive and `to` exclusive.
 *
 * @example
 * const page = await listAudit(db, { objectType: 'datasource' }, { limit: 50, after: null });
 */
export async function listAudit(
  db: Kysely<Database>,
  filters: AuditFilters,
  page: { limit: number; after: AuditCursor | null },
): Promise<Page<AuditEntry>> {
  const result = await keysetPage({
    ...page,
    fetch: async ({ limit, after }) => {
      let query = db
        .selectFrom('audit_log')
        .selectAll()
        .select(
          sql<string>`to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
            'occurred_key',
          ),
        )
        .orderBy('occurred_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit);
      if (filters.actorUserId) query = query.where('actor_user_id', '=', filters.actorUserId);
      if (filters.action) query = query.where('action', '=', filters.action);
      if (filters.objectType) query = query.where('object_type', '=', filters.objectType);
      if (filters.objectId) query = query.where('object_id', '=', filters.objectId);
      if (filters.workspaceId) query = query.where('workspace_id', '=', filters.workspaceId);
      if (filters.from) query = query.where('occurred_at', '>=', filters.from);
      if (filters.to) query = query.where('occurred_at', '<', filters.to);
      if (filters.visibleTo) query = query.where(filters.visibleTo);
      if (after) {
        query = query.where(
          sql<boolean>`(occurred_at, id) < (${after.at}::timestamptz, ${after.id}::bigint)`,
        );
      }
      return query.execute();
    },
    cursorOf: (row) => ({ at: row.occurred_key, id: String(row.id) }),
  });
  return {
    nextCursor: result.nextCursor,
    items: result.items.map((row) => ({
      id: String(row.id),
      occurredAt: row.occurred_key,
      actor: { userId: row.actor_user_id, label: row.actor_label },
      action: row.action,
      objectType: row.object_type,
      objectId: row.object_id,
      workspaceId: row.workspace_id,
      requestId: row.request_id,
      before: row.before,
      after: row.after,
    })),
  };
}
