import type { Context, MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import { recordAudit, type AuditEntryInput } from '../db/queries/audit-log.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../infra/logger.js';
import type { AppEnv } from './deps.js';
import { endpointKey } from './endpoint.js';
import { problem } from './problem.js';

type Change = Omit<AuditEntryInput, 'actor' | 'requestId'> & {
  /** Who acted when nobody is signed in yet (a failed sign-in names the e-mail tried). */
  actor?: AuditEntryInput['actor'];
};

/**
 * Records one change made by this request: the signed-in user, the request id, and the
 * object before and after (secrets masked by `recordAudit`). Pass the transaction of the
 * change so both commit together.
 *
 * @example
 * await audit(c, trx, { action: 'workspace.update', objectType: 'workspace', objectId: id,
 *   workspaceId: id, before, after });
 */
export async function audit(
  c: Context<AppEnv>,
  db: Kysely<Database>,
  change: Change,
): Promise<void> {
  const actor = c.get('actor');
  await recordAudit(db, {
    ...change,
    actor: change.actor ?? { userId: actor?.userId ?? null, label: actor?.email ?? 'anonymous' },
    requestId: c.get('requestId'),
  });
  c.set('audited', true);
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Holds every successful write to the rule that it leaves an audit entry. Outside
 * production a write that forgot to call `audit` fails with 500, so tests catch it; in
 * production it is logged as an error and the answer stands (the change is already made).
 * `exempt` lists writes that change nothing worth auditing, as `METHOD route-template`.
 *
 * @example
 * app.use(auditGuard({ logger, strict: config.env !== 'production', exempt: new Set([…]) }));
 */
export function auditGuard(options: {
  logger: Logger;
  strict: boolean;
  exempt: ReadonlySet<string>;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (!MUTATING.has(c.req.method) || c.res.status >= 400 || c.get('audited')) return;
    const endpoint = endpointKey(c) ?? `${c.req.method} (no route)`;
    if (options.exempt.has(endpoint)) return;
    options.logger.error({ endpoint, requestId: c.get('requestId') }, 'write left no audit entry');
    if (options.strict) {
      c.res = problem(c, 500, {
        detail: 'The change was made but not audited; this is a defect.',
        logId: c.get('requestId'),
      });
    }
  };
}
