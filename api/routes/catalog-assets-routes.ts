import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  checkTags,
  describeProblems,
  type FieldProblem,
} from '../../core/compliance/curated-tags.js';
import {
  findCatalogAsset,
  nonMembers,
  updateAssetCuration,
  type CatalogAssetRecord,
} from '../../db/queries/catalog-assets.js';
import { requireAccess } from '../access.js';
import { audit } from '../audit.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { checkIfMatch, etagFor } from '../etag.js';
import { problem } from '../problem.js';
import {
  getCatalogAssetRoute,
  MAX_OWNERS,
  updateCatalogAssetRoute,
} from './catalog-assets-schemas.js';

/** The ETag kind of catalog assets; the version also moves when a scan changes the asset. */
const KIND = 'catalog-asset';

/** 422 with one `{ path, message }` per bad tag or owner. */
const invalid = (c: Context<AppEnv>, errors: FieldProblem[]) =>
  problem(c, 422, {
    title: 'Unprocessable Content',
    detail: describeProblems('The tags or owners are not valid', errors),
    errors,
  });

/** What the audit log keeps of an asset's curation: ids, not names (names change). */
const curation = (asset: CatalogAssetRecord) => ({
  tags: asset.tags,
  owners: asset.owners.map((owner) => owner.userId).sort(),
});

/**
 * The curated facts of catalog assets: tags (`legal-basis:contract`, `retention:P3Y`, `pii`)
 * and owners, which compliance rules read and scans never write. Reading needs CASL `read`
 * on the asset at its sensitivity, changing needs `update`; both go through the one access
 * check, so an asset the caller may not see or change answers 404, as a missing one does.
 *
 * @example
 * app.route('/', catalogAssetsRoutes(deps));
 */
export function catalogAssetsRoutes({ db }: ApiDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const load = (id: string) => () => findCatalogAsset(db, id);
  const withEtag = (c: Context<AppEnv>, asset: CatalogAssetRecord) => {
    c.header('ETag', etagFor(KIND, asset.id, asset.version));
    return c.json(asset, 200);
  };

  /** Checks the body against the asset's workspace; the values to write, or the problems. */
  const check = async (asset: CatalogAssetRecord, body: { tags?: string[]; owners?: string[] }) => {
    const problems: FieldProblem[] = [];
    let tags: string[] | undefined;
    if (body.tags) {
      const checked = checkTags(body.tags, { namespaces: true });
      if (checked.ok) tags = checked.value;
      else problems.push(...checked.problems);
    }
    const owners = body.owners && [...new Set(body.owners)];
    if (owners && owners.length > MAX_OWNERS) {
      problems.push({
        path: 'owners',
        message: `at most ${MAX_OWNERS} owners, not ${owners.length}`,
      });
    } else if (owners) {
      for (const userId of await nonMembers(db, asset.workspaceId, owners)) {
        problems.push({
          path: `owners[${body.owners!.indexOf(userId)}]`,
          message: `user ${userId} is not a member of the asset’s workspace`,
        });
      }
    }
    return { problems, tags, owners };
  };

  app.openapi(getCatalogAssetRoute, async (c) => {
    const asset = await requireAccess(c, 'read', 'CatalogAsset', load(c.req.valid('param').id));
    return withEtag(c, asset);
  });

  app.openapi(updateCatalogAssetRoute, async (c) => {
    const current = await requireAccess(c, 'update', 'CatalogAsset', load(c.req.valid('param').id));
    const refused = checkIfMatch(c, { kind: KIND, id: current.id, version: current.version });
    if (refused) return refused as never;
    const { problems, tags, owners } = await check(current, c.req.valid('json'));
    if (problems.length > 0) return invalid(c, problems) as never;
    const updated = await db.transaction().execute(async (trx) => {
      if (!(await updateAssetCuration(trx, current.id, current.version, { tags, owners }))) {
        return undefined;
      }
      const asset = (await findCatalogAsset(trx, current.id))!;
      await audit(c, trx, {
        action: 'catalog-asset.update',
        objectType: 'catalog-asset',
        objectId: asset.id,
        workspaceId: asset.workspaceId,
        before: curation(current),
        after: curation(asset),
      });
      return asset;
    });
    if (!updated) return problem(c, 412, { detail: 'The asset changed meanwhile.' }) as never;
    return withEtag(c, updated);
  });

  return app;
}
