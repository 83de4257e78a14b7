import { subject } from '@casl/ability';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { sql, type SqlBool } from 'kysely';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import { findFinding } from '../../db/queries/compliance-findings.js';
import {
  findWaiver,
  insertWaiver,
  listWaivers,
  setWaiverStatus,
  type WaiverRecord,
} from '../../db/queries/compliance-waivers.js';
import type { WaiverStatus } from '../../db/schema.js';
import { notFound, requireAccess } from '../access.js';
import { audit } from '../audit.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { checkIfMatch, etagFor } from '../etag.js';
import { decodeCursor, pageLimit } from '../pagination.js';
import { problem } from '../problem.js';
import { CURSOR_TIME } from '../../db/keyset-page.js';
import { unprocessable } from './compliance-shared.js';
import {
  approveWaiverRoute,
  getWaiverRoute,
  listWaiversRoute,
  MAX_WAIVER_DAYS,
  rejectWaiverRoute,
  requestWaiverRoute,
  revokeWaiverRoute,
} from './compliance-waivers-schemas.js';

const waiverCursor = z.strictObject({ at: z.string().regex(CURSOR_TIME), id: z.uuid() });
const DAY_MS = 24 * 3600 * 1000;

const view = ({ dataSourceId: _d, sensitivity: _s, ...waiver }: WaiverRecord) => waiver;
const summary = (w: WaiverRecord) => ({
  findingId: w.findingId,
  status: w.status,
  reason: w.reason,
  expiresAt: w.expiresAt,
  decisionNote: w.decisionNote,
});

/**
 * Waivers: a reason and an expiry that excuse one failing finding. Engineers ask, stewards
 * decide (CASL `approve` on `ComplianceWaiver`); a waiver is visible only to whoever may read
 * its finding. Every change is audited in its transaction.
 *
 * @example
 * app.route('/', complianceWaiversRoutes(deps));
 */
export function complianceWaiversRoutes({ db }: ApiDeps) {
  const app = new OpenAPIHono<AppEnv>();

  /** The one access check: `action` on the waiver, and read on the finding it excuses. */
  const waiverFor = (c: Context<AppEnv>, action: 'read' | 'approve' | 'delete', id: string) =>
    requireAccess(c, action, 'ComplianceWaiver', async () => {
      const waiver = await findWaiver(db, id);
      const finding = waiver && subject('ComplianceFinding', { ...waiver });
      return finding && c.var.ability.can('read', finding) ? waiver : undefined;
    });
  const respond = <S extends 200 | 201>(c: Context<AppEnv>, waiver: WaiverRecord, status: S) => {
    c.header('ETag', etagFor('compliance-waiver', waiver.id, waiver.version));
    return c.json(view(waiver), status);
  };

  app.openapi(requestWaiverRoute, async (c) => {
    const { id } = c.req.valid('param');
    const me = c.var.actor.userId;
    const finding = await requireAccess(c, 'read', 'ComplianceFinding', async () => {
      const found = await findFinding(db, id);
      return found && { ...found, sensitivity: found.asset.sensitivity };
    });
    // Reading a finding is not enough to excuse it (viewers read); same 404 as a stranger.
    const asked = { workspaceId: finding.workspaceId, requestedBy: me };
    if (!c.var.ability.can('create', subject('ComplianceWaiver', asked)))
      throw notFound('ComplianceFinding');
    const body = c.req.valid('json');
    const expiresAt = new Date(body.expiresAt);
    if (expiresAt.getTime() <= Date.now())
      return unprocessable(c, '/expiresAt', 'must be in the future') as never;
    if (expiresAt.getTime() > Date.now() + MAX_WAIVER_DAYS * DAY_MS) {
      return unprocessable(
        c,
        '/expiresAt',
        `must be at most ${MAX_WAIVER_DAYS} days ahead`,
      ) as never;
    }
    if (finding.status !== 'fail')
      return problem(c, 409, {
        detail: 'The finding is resolved; there is nothing to waive.',
      }) as never;
    const approvedBy = c.var.ability.can('approve', subject('ComplianceWaiver', asked)) ? me : null;
    const created = await db.transaction().execute(async (trx) => {
      const result = await insertWaiver(trx, {
        workspaceId: finding.workspaceId,
        findingId: finding.id,
        reason: body.reason,
        expiresAt,
        requestedBy: me,
        approvedBy,
      });
      if (result === 'taken') return result;
      await audit(c, trx, {
        action: approvedBy ? 'compliance-waiver.grant' : 'compliance-waiver.request',
        objectType: 'compliance-waiver',
        objectId: result.waiver.id,
        workspaceId: finding.workspaceId,
        after: { ...summary(result.waiver), closedExpiredWaivers: result.closedExpired },
      });
      return result.waiver;
    });
    if (created === 'taken') {
      return problem(c, 409, {
        detail: 'The finding has a requested or approved waiver already.',
      }) as never;
    }
    c.header('Location', `/api/v1/compliance/waivers/${created.id}`);
    return respond(c, created, 201);
  });

  app.openapi(getWaiverRoute, async (c) =>
    respond(c, await waiverFor(c, 'read', c.req.valid('param').id), 200),
  );

  /** Moves a waiver after the If-Match check; 409 when it is not in one of `from`. */
  const transition = async (
    c: Context<AppEnv>,
    current: WaiverRecord,
    change: {
      from: WaiverStatus[];
      to: WaiverStatus;
      note: string | null;
      action: string;
      /** Why the change cannot be made though the status allows it (409). */
      refuse?: string | null;
    },
  ) => {
    const refused = checkIfMatch(c, { kind: 'compliance-waiver', ...current });
    if (refused) return refused;
    if (!change.from.includes(current.status)) {
      return problem(c, 409, { detail: `The waiver is ${current.status}.` });
    }
    if (change.refuse) return problem(c, 409, { detail: change.refuse });
    const changed = await db.transaction().execute(async (trx) => {
      const { from, to, note } = change;
      const result = await setWaiverStatus(trx, current, {
        from,
        to,
        note,
        by: c.var.actor.userId,
      });
      if (result) {
        await audit(c, trx, {
          action: change.action,
          objectType: 'compliance-waiver',
          objectId: current.id,
          workspaceId: current.workspaceId,
          before: summary(current),
          after: summary(result),
        });
      }
      return result;
    });
    if (!changed) return problem(c, 412, { detail: 'The waiver changed meanwhile.' });
    return respond(c, changed, 200);
  };
  // The body is optional: an empty POST decides without a note.
  const hasBody = (c: Context<AppEnv>) => (c.req.header('Content-Length') ?? '0') !== '0';

  app.openapi(approveWaiverRoute, async (c) => {
    const current = await waiverFor(c, 'approve', c.req.valid('param').id);
    const note = hasBody(c) ? (c.req.valid('json').note ?? null) : null;
    // Approving what has already lapsed would record a decision that excuses nothing.
    const lapsed = Date.parse(current.expiresAt) <= Date.now();
    return transition(c, current, {
      from: ['requested'],
      to: 'approved',
      note,
      action: 'compliance-waiver.approve',
      refuse: lapsed ? 'The waiver has expired; ask for a new one.' : null,
    }) as never;
  });

  app.openapi(rejectWaiverRoute, async (c) => {
    const current = await waiverFor(c, 'approve', c.req.valid('param').id);
    const note = hasBody(c) ? (c.req.valid('json').note ?? null) : null;
    return transition(c, current, {
      from: ['requested'],
      to: 'rejected',
      note,
      action: 'compliance-waiver.reject',
    }) as never;
  });

  app.openapi(revokeWaiverRoute, async (c) => {
    const current = await waiverFor(c, 'delete', c.req.valid('param').id);
    // A requester (CASL `delete` own) may withdraw a request; only deciders end an approval.
    const decider = c.var.ability.can('approve', subject('ComplianceWaiver', { ...current }));
    const from: WaiverStatus[] = decider ? ['requested', 'approved'] : ['requested'];
    return transition(c, current, {
      from,
      to: 'revoked',
      note: null,
      action: 'compliance-waiver.revoke',
    }) as never;
  });

  app.openapi(listWaiversRoute, async (c) => {
    const { cursor, limit, ...filter } = c.req.valid('query');
    const ability = c.var.ability;
    const visibleTo = sql<SqlBool>`(${caslToKysely(ability, 'read', 'ComplianceWaiver', permissionColumns.ComplianceWaiver)}
      and ${caslToKysely(ability, 'read', 'ComplianceFinding', permissionColumns.ComplianceFinding)})`;
    const page = await listWaivers(
      db,
      { ...filter, visibleTo },
      {
        limit: pageLimit(limit),
        after: decodeCursor(cursor, waiverCursor),
      },
    );
    return c.json({ items: page.items.map(view), nextCursor: page.nextCursor }, 200);
  });

  return app;
}
