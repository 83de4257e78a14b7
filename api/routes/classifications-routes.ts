import { CURSOR_TIME } from '../../db/keyset-page.js';
import { subject } from '@casl/ability';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { workspaceEngine } from '../../activities/workspace-engine.js';
import { infoTypeById } from '../../core/classification/catalogue/index.js';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import {
  applyDecisionToSummary,
  findClassification,
  findColumnAsset,
  listAssetClassifications,
  listReviewQueue,
  raiseSensitivity,
  recordDecision,
  withdrawDecision,
  type ReviewedAsset,
} from '../../db/queries/classification-review.js';
import { permissionColumns } from '../../db/permission-columns.js';
import { customTypeSensitivity } from '../../db/queries/classifiers.js';
import { findWorkspace } from '../../db/queries/workspaces.js';
import { notFound, requireAccess } from '../access.js';
import { audit } from '../audit.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { decodeCursor, pageLimit } from '../pagination.js';
import { problem } from '../problem.js';
import {
  approveClassificationRoute,
  listAssetClassificationsRoute,
  previewRoute,
  rejectClassificationRoute,
  reviewQueueRoute,
  setClassificationRoute,
  withdrawClassificationRoute,
} from './classifications-schemas.js';

const queueCursor = z.strictObject({
  at: z.string().regex(CURSOR_TIME),
  assetId: z.uuid(),
  infoType: z.string().max(64),
});

/**
 * Reviewing classifications: stewards approve, reject or set a column's information type
 * (CASL `approve` on the catalog asset; audited), and anyone signed in previews the engine
 * on posted columns. Scans never overwrite a decision (see `replaceSuggestions`).
 */
export function classificationsRoutes({ db, logger }: ApiDeps) {
  const app = new OpenAPIHono<AppEnv>();

  /** The column asset behind `:id` if the caller may do `action` on it; 422 for non-columns. */
  const column = async (c: Context<AppEnv>, id: string, action: 'read' | 'approve') => {
    const asset = await requireAccess(c, action, 'CatalogAsset', () => findColumnAsset(db, id));
    return asset;
  };
  const notColumn = (c: Context<AppEnv>, asset: ReviewedAsset) =>
    problem(c, 422, { detail: `Only columns are classified; this asset is a ${asset.kind}.` });

  /** The sensitivity of a type the workspace knows: built-in, or one of its classifiers'. */
  const sensitivityOf = async (workspaceId: string, infoType: string) => {
    const builtin = infoTypeById(infoType);
    if (builtin) return builtin.sensitivity;
    return (await customTypeSensitivity(db, workspaceId, infoType)) ?? undefined;
  };

  const decide = async (
    c: Context<AppEnv>,
    params: { id: string; infoType: string },
    status: 'approved' | 'rejected',
    options: { note: string | null; mustExist: boolean },
  ) => {
    const asset = await column(c, params.id, 'approve');
    if (asset.kind !== 'column') return notColumn(c, asset);
    const before = await findClassification(db, asset.id, params.infoType);
    if (options.mustExist && !before) {
      return problem(c, 404, { detail: `${params.infoType} was not proposed for this column.` });
    }
    // Only an approval needs the type's level; a rejection of a type whose classifier has
    // since been deleted still works.
    const level =
      status === 'approved' ? await sensitivityOf(asset.workspaceId, params.infoType) : null;
    if (status === 'approved' && !level) {
      return problem(c, 422, { detail: `Unknown information type ${params.infoType}.` });
    }
    const row = await db.transaction().execute(async (trx) => {
      await recordDecision(trx, {
        asset,
        infoType: params.infoType,
        status,
        userId: c.var.actor.userId,
        note: options.note,
      });
      const sensitivity = level ? await raiseSensitivity(trx, asset, level) : asset.sensitivity;
      await applyDecisionToSummary(trx, asset.id, {
        infoType: params.infoType,
        status,
        sensitivity: level ?? null,
        by: c.var.actor.userId,
      });
      await audit(c, trx, {
        action: status === 'approved' ? 'classification.approve' : 'classification.reject',
        objectType: 'catalog-asset',
        objectId: asset.id,
        workspaceId: asset.workspaceId,
        before: {
          infoType: params.infoType,
          status: before?.status ?? null,
          sensitivity: asset.sensitivity,
        },
        after: {
          infoType: params.infoType,
          status,
          sensitivity,
          ...(options.note ? { note: options.note } : {}),
        },
      });
      return (await findClassification(trx, asset.id, params.infoType))!;
    });
    return c.json(row, 200);
  };

  // The body is optional: an empty POST decides without a note.
  const hasBody = (c: Context<AppEnv>) => (c.req.header('Content-Length') ?? '0') !== '0';

  app.openapi(listAssetClassificationsRoute, async (c) => {
    const asset = await column(c, c.req.valid('param').id, 'read');
    return c.json({ items: await listAssetClassifications(db, asset.id) }, 200);
  });

  app.openapi(approveClassificationRoute, async (c) => {
    const note = hasBody(c) ? (c.req.valid('json').note ?? null) : null;
    return decide(c, c.req.valid('param'), 'approved', { note, mustExist: true }) as never;
  });

  app.openapi(rejectClassificationRoute, async (c) => {
    const note = hasBody(c) ? (c.req.valid('json').note ?? null) : null;
    return decide(c, c.req.valid('param'), 'rejected', { note, mustExist: true }) as never;
  });

  app.openapi(setClassificationRoute, async (c) => {
    const note = hasBody(c) ? (c.req.valid('json').note ?? null) : null;
    return decide(c, c.req.valid('param'), 'approved', { note, mustExist: false }) as never;
  });

  app.openapi(withdrawClassificationRoute, async (c) => {
    const params = c.req.valid('param');
    const asset = await column(c, params.id, 'approve');
    if (asset.kind !== 'column') return notColumn(c, asset) as never;
    const withdrawn = await db.transaction().execute(async (trx) => {
      const before = await findClassification(trx, asset.id, params.infoType);
      if (!(await withdrawDecision(trx, asset.id, params.infoType))) return false;
      await audit(c, trx, {
        action: 'classification.withdraw',
        objectType: 'catalog-asset',
        objectId: asset.id,
        workspaceId: asset.workspaceId,
        before: { infoType: params.infoType, status: before?.status ?? null },
        after: null,
      });
      return true;
    });
    if (!withdrawn) return problem(c, 404, { detail: `No decision on ${params.infoType}.` });
    return c.body(null, 204);
  });

  app.openapi(reviewQueueRoute, async (c) => {
    const query = c.req.valid('query');
    const visibleTo = caslToKysely(
      c.var.ability,
      'read',
      'CatalogAsset',
      permissionColumns.CatalogAsset,
    );
    const page = await listReviewQueue(
      db,
      {
        visibleTo,
        ...(query.workspaceId && { workspaceId: query.workspaceId }),
        ...(query.dataSourceId && { dataSourceId: query.dataSourceId }),
        ...(query.status && { status: query.status }),
        ...(query.infoType && { infoType: query.infoType }),
      },
      { limit: pageLimit(query.limit), after: decodeCursor(query.cursor, queueCursor) },
    );
    return c.json(page, 200);
  });

  app.openapi(previewRoute, async (c) => {
    const body = c.req.valid('json');
    if (body.workspaceId) {
      // Custom classifiers are the workspace's own data: only its readers may run them.
      const workspace = await findWorkspace(db, body.workspaceId);
      const readable =
        workspace &&
        c.var.ability.can('read', subject('Classifier', { workspaceId: body.workspaceId }));
      if (!readable) throw notFound('Workspace');
    }
    const engine = await workspaceEngine({ db, logger }, body.workspaceId ?? null);
    const columns = body.columns.map((input) => {
      const decision = engine.classify(input);
      return {
        name: input.name,
        infoType: decision.infoType,
        sensitive: decision.sensitive,
        sensitivity: decision.sensitivity,
        confidence: decision.confidence,
        proposals: decision.proposals.slice(0, 5),
        ambiguity: decision.ambiguity,
        statistics: { ...decision.statistics },
      };
    });
    return c.json({ engineVersion: engine.version, columns }, 200);
  });

  return app;
}
