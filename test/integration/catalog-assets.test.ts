import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  upsertAssets,
  type AssetWrite,
  type CatalogScope,
} from '../../db/queries/catalog-upsert.js';
import { insertDataSource } from '../../db/queries/data-sources.js';
import type { Role } from '../../db/schema.js';
import { createTestUser, login } from '../helpers/auth.js';
import { startAuthApi, type AuthApi } from '../helpers/auth-api.js';
import { insertQueuedRun } from '../helpers/source-rows.js';
import { call } from '../helpers/tenants.js';

interface AssetView {
  id: string;
  fqn: string;
  kind: string;
  sensitivity: string;
  tags: string[];
  owners: { userId: string; displayName: string; email: string }[];
  version: number;
  deletedAt: string | null;
}

interface Problem {
  status: number;
  detail: string;
  errors: { path: string; message: string }[];
}

const asset = (fqn: string, kind: string, extra: Partial<AssetWrite> = {}): AssetWrite => ({
  fqn,
  kind,
  name: fqn.split('.').at(-1)!,
  parentFqn: fqn.split('.').slice(0, -1).join('.') || null,
  dataType: kind === 'column' ? 'text' : null,
  description: null,
  properties: {},
  fingerprint: null,
  sensitivity: null,
  ...extra,
});

/**
 * Stewards curate assets' tags and owners (what compliance rules read): reads follow the
 * asset's sensitivity, writes need `update` and If-Match, bad tags and outsiders are named
 * in a 422, every change is audited, and scans never touch what stewards wrote.
 */
describe('catalog assets: curated tags and owners', () => {
  let api: AuthApi;
  let scope: CatalogScope;
  let tableId: string;
  let columnId: string;
  const users = {} as Record<'steward' | 'engineer' | 'viewer' | 'admin' | 'outsider', string>;
  const tokens = {} as typeof users;

  const path = (id: string) => `/api/v1/catalog/assets/${id}`;
  const get = (id: string, token: string) => call(api.send, token, 'GET', path(id));
  const patch = (id: string, token: string, body: unknown, ifMatch?: string) =>
    call(api.send, token, 'PATCH', path(id), {
      body,
      headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch },
    });
  const read = async (id: string) => {
    const response = await get(id, tokens.steward);
    expect(response.status).toBe(200);
    return { etag: response.headers.get('ETag')!, body: (await response.json()) as AssetView };
  };

  beforeAll(async () => {
    api = await startAuthApi({ RATE_LIMIT_REQUESTS: '1000000' });
    const db = api.database.db;
    const [workspaceId, otherId] = (
      await db
        .insertInto('workspaces')
        .values([
          { slug: `assets-${randomUUID()}`, name: 'Assets' },
          { slug: `other-${randomUUID()}`, name: 'Other' },
        ])
        .returning('id')
        .execute()
    ).map((row) => row.id) as [string, string];
    const roles: Record<keyof typeof users, [string, Role]> = {
      steward: [workspaceId, 'data_steward'],
      engineer: [workspaceId, 'data_engineer'],
      viewer: [workspaceId, 'viewer'],
      admin: [workspaceId, 'admin'],
      outsider: [otherId, 'admin'],
    };
    for (const [name, [id, role]] of Object.entries(roles)) {
      const user = await createTestUser(db, { memberships: [{ workspaceId: id, role }] });
      users[name as keyof typeof users] = user.id;
      tokens[name as keyof typeof users] = (await login(api.send, user)).accessToken;
    }
    const dataSourceId = randomUUID();
    await insertDataSource(db, {
      id: dataSourceId,
      workspaceId,
      name: 'shop',
      scanner: 'postgres',
      createdBy: users.engineer,
      settings: {},
      secretCiphertext: null,
      secretKeyId: null,
    });
    scope = { workspaceId, dataSourceId, scanRunId: await insertQueuedRun(db, dataSourceId) };
    // Written the way a scan writes them, parents first.
    await upsertAssets(db, scope, [asset('shop.sales', 'container')]);
    await upsertAssets(db, scope, [asset('shop.sales.customers', 'table')]);
    const ids = await upsertAssets(db, scope, [
      asset('shop.sales.customers.ssn', 'column', { sensitivity: 'restricted' }),
    ]);
    columnId = ids.get('shop.sales.customers.ssn')!;
    const table = await db
      .selectFrom('catalog_assets')
      .select('id')
      .where('fqn', '=', 'shop.sales.customers')
      .executeTakeFirstOrThrow();
    tableId = table.id;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('shows an asset with its ETag to those who may read it at its sensitivity, else 404', async () => {
    const { etag, body } = await read(tableId);
    expect(etag).toBe(`"catalog-asset.${tableId}.1"`);
    expect(body).toMatchObject({
      id: tableId,
      dataSourceId: scope.dataSourceId,
      kind: 'table',
      fqn: 'shop.sales.customers',
      sensitivity: 'internal',
      tags: [],
      owners: [],
      version: 1,
      deletedAt: null,
    });
    expect((await get(tableId, tokens.viewer)).status).toBe(200);
    expect((await get(columnId, tokens.steward)).status).toBe(200);
    const hidden = await get(columnId, tokens.viewer);
    const missing = await get(randomUUID(), tokens.viewer);
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(((await hidden.json()) as Problem).detail).toBe(
      ((await missing.json()) as Problem).detail,
    );
    expect((await get(columnId, tokens.engineer)).status).toBe(404);
    expect((await get(tableId, tokens.outsider)).status).toBe(404);
  });

  it('writes tags and owners with If-Match (428 without, 412 when stale), audited', async () => {
    const { etag } = await read(tableId);
    const body = {
      tags: ['pii', 'legal-basis:contract', 'retention:p3y', 'pii'],
      owners: [users.steward, users.viewer, users.steward],
    };
    expect((await patch(tableId, tokens.steward, body)).status).toBe(428);
    const changed = await patch(tableId, tokens.steward, body, etag);
    expect(changed.status).toBe(200);
    const current = changed.headers.get('ETag')!;
    expect(current).toBe(`"catalog-asset.${tableId}.2"`);
    const view = (await changed.json()) as AssetView;
    expect(view.tags).toEqual(['legal-basis:contract', 'pii', 'retention:P3Y']);
    expect(view.owners.map((owner) => owner.userId).sort()).toEqual(
      [users.steward, users.viewer].sort(),
    );
    expect(view.owners[0]).toMatchObject({ displayName: 'Test User', email: expect.any(String) });

    const stale = await patch(tableId, tokens.steward, { tags: [] }, etag);
    expect(stale.status).toBe(412);
    expect((await read(tableId)).body.tags).toEqual(view.tags);

    // `owners` replaces the set; tags left out stay.
    const next = await patch(tableId, tokens.admin, { owners: [users.viewer] }, current);
    expect(next.status).toBe(200);
    expect((await next.json()) as AssetView).toMatchObject({
      tags: view.tags,
      owners: [{ userId: users.viewer }],
      version: 3,
    });

    const entries = await api.database.db
      .selectFrom('audit_log')
      .select(['action', 'object_type', 'before', 'after', 'actor_user_id'])
      .where('object_id', '=', tableId)
      .orderBy('id')
      .execute();
    expect(entries).toEqual([
      {
        action: 'catalog-asset.update',
        object_type: 'catalog-asset',
        actor_user_id: users.steward,
        before: { tags: [], owners: [] },
        after: { tags: view.tags, owners: [users.steward, users.viewer].sort() },
      },
      {
        action: 'catalog-asset.update',
        object_type: 'catalog-asset',
        actor_user_id: users.admin,
        before: { tags: view.tags, owners: [users.steward, users.viewer].sort() },
        after: { tags: view.tags, owners: [users.viewer] },
      },
    ]);
  });

  it('answers 422 naming each bad tag and each owner outside the workspace; writes nothing', async () => {
    const { etag, body: before } = await read(columnId);
    const refused = async (body: unknown) => {
      const response = await patch(columnId, tokens.steward, body, etag);
      expect(response.status).toBe(422);
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      return ((await response.json()) as Problem).errors;
    };
    const errors = await refused({
      tags: ['ok', 'legal-basis:because', 'retention:forever', 'Not A Tag', 'retention:P1Y'],
    });
    expect(errors.map((error) => error.path)).toEqual(['tags[1]', 'tags[2]', 'tags[3]']);
    expect(errors[0]!.message).toContain('"legal-basis:because"');
    expect(errors[0]!.message).toContain('legitimate-interests');
    expect(errors[1]!.message).toContain('"retention:forever"');
    expect(errors[2]!.message).toContain('"Not A Tag"');

    const twice = await refused({ tags: ['retention:P1Y', 'retention:P2Y'] });
    expect(twice).toEqual([
      { path: 'tags[1]', message: expect.stringContaining('"retention:P2Y"') },
    ]);
    const many = await refused({ tags: Array.from({ length: 51 }, (_, i) => `t${i}`) });
    expect(many).toEqual([{ path: 'tags', message: expect.stringContaining('50') }]);

    const stranger = randomUUID();
    const owners = await refused({ owners: [users.steward, users.outsider, stranger] });
    expect(owners).toEqual([
      { path: 'owners[1]', message: expect.stringContaining(users.outsider) },
      { path: 'owners[2]', message: expect.stringContaining(stranger) },
    ]);
    // Schema errors keep the repo's 400: unknown fields and ids that are not uuids.
    expect((await patch(columnId, tokens.steward, { sensitivity: 'public' }, etag)).status).toBe(
      400,
    );
    expect((await patch(columnId, tokens.steward, { owners: ['me'] }, etag)).status).toBe(400);
    expect((await read(columnId)).body).toEqual(before);
  });

  it('refuses writes to those who may read but not update the asset with the same 404', async () => {
    const { etag } = await read(tableId);
    for (const role of ['viewer', 'engineer', 'outsider'] as const) {
      const response = await patch(tableId, tokens[role], { tags: ['x'] }, etag);
      expect(response.status, role).toBe(404);
      expect(((await response.json()) as Problem).detail).toBe('No such catalog asset.');
    }
    expect((await read(tableId)).etag).toBe(etag);
  });

  it('keeps tags and owners through rescans, changes, deletion and return', async () => {
    const db = api.database.db;
    const { body: before } = await read(tableId);
    expect(before.tags.length).toBeGreaterThan(0);
    const rescan = { ...scope, scanRunId: await insertQueuedRun(db, scope.dataSourceId) };
    // Unchanged: nothing a reader sees moved, so the version (and a steward's ETag) stays.
    await upsertAssets(db, rescan, [asset('shop.sales.customers', 'table')]);
    expect((await read(tableId)).body).toMatchObject({
      tags: before.tags,
      version: before.version,
    });
    // Changed by the source: a new version, the curated facts as they were.
    await upsertAssets(db, rescan, [
      asset('shop.sales.customers', 'table', { description: 'Our customers' }),
    ]);
    const after = (await read(tableId)).body;
    expect(after).toMatchObject({ tags: before.tags, owners: before.owners });
    expect(after.version).toBe(before.version + 1);

    await db
      .updateTable('catalog_assets')
      .set({ deleted_at: new Date(), deleted_by_scan_id: rescan.scanRunId })
      .where('id', '=', tableId)
      .execute();
    expect((await read(tableId)).body.deletedAt).not.toBeNull();
    await upsertAssets(db, rescan, [asset('shop.sales.customers', 'table')]);
    expect((await read(tableId)).body).toMatchObject({
      deletedAt: null,
      tags: before.tags,
      owners: before.owners,
    });
  });
});
