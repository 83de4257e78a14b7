import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/auth.js';
import type { AuthApi } from '../helpers/auth-api.js';
import { call, startScanApiWorld, type ScanApiWorld } from '../helpers/scan-api-world.js';

interface Row {
  assetId: string;
  fqn: string;
  infoType: string;
  status: string;
  source: string;
  confidence: number;
  evidence: { detector: string }[];
  engineVersion: string | null;
}

/**
 * Stewards review what scans propose: proposals carry evidence, decisions are audited and
 * survive rescans, rejected types are not proposed again, and a new engine version
 * re-evaluates what is still only suggested.
 */
describe('classification review', () => {
  let world: ScanApiWorld;
  let api: AuthApi;
  let tokens: ScanApiWorld['tokens'];
  let sourceDb: string;
  let workspaceId: string;
  let otherWorkspaceId: string;
  let sourceId: string;

  const get = async <T>(path: string, token = tokens.steward): Promise<T> => {
    const response = await api.send(path, { headers: bearer(token) });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  };

  const scan = async (mode: 'full' | 'incremental' = 'full') => {
    const started = await call(
      api.send,
      'POST',
      `/api/v1/datasources/${sourceId}/scans`,
      tokens.steward,
      { mode },
    );
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const view = await get<{ status: string; stats: Record<string, unknown> }>(
        `/api/v1/scans/${id}`,
      );
      if (view.status === 'succeeded') return view;
      if (['failed', 'cancelled'].includes(view.status)) throw new Error(`scan ${view.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('scan did not end in time');
  };

  const assetId = async (fqn: string) => {
    const row = await api.database.db
      .selectFrom('catalog_assets')
      .select('id')
      .where('data_source_id', '=', sourceId)
      .where('fqn', '=', fqn)
      .executeTakeFirstOrThrow();
    return row.id;
  };

  const classificationsOf = async (fqn: string, token = tokens.steward) =>
    (
      await get<{ items: Row[] }>(
        `/api/v1/catalog/assets/${await assetId(fqn)}/classifications`,
        token,
      )
    ).items;

  beforeAll(async () => {
    world = await startScanApiWorld('review');
    ({ api, tokens, sourceDb, workspaceId, otherWorkspaceId } = world);
    sourceId = await world.register('warehouse');
  });

  afterAll(async () => {
    await world?.close();
  });

  it('a scan proposes types with evidence, counts them, and shows why in the catalog', async () => {
    const view = await scan();
    const stats = view.stats.classification as {
      byInfoType: Record<string, number>;
      sensitiveColumns: number;
    };
    expect(stats.byInfoType).toMatchObject({
      EMAIL_ADDRESS: expect.any(Number),
      CREDIT_CARD: 1,
      US_SSN: 1,
    });
    expect(stats.sensitiveColumns).toBeGreaterThanOrEqual(5);

    const email = await classificationsOf(`${sourceDb}.sales.customers.email`);
    expect(email[0]).toMatchObject({
      infoType: 'EMAIL_ADDRESS',
      status: 'suggested',
      source: 'rules',
    });
    expect(email[0]!.evidence.map((entry) => entry.detector)).toEqual(
      expect.arrayContaining(['name', 'values']),
    );
    const asset = await api.database.db
      .selectFrom('catalog_assets')
      .select(['properties', 'sensitivity'])
      .where('id', '=', await assetId(`${sourceDb}.sales.customers.card_number`))
      .executeTakeFirstOrThrow();
    const summary = (asset.properties as { classification: Record<string, unknown> })
      .classification;
    expect(summary).toMatchObject({
      infoType: 'CREDIT_CARD',
      status: 'suggested',
      sensitive: true,
    });
    expect(summary.evidence).toEqual(
      expect.arrayContaining([expect.objectContaining({ detector: 'values', method: 'checksum' })]),
    );
    expect(asset.sensitivity).toBe('restricted');
  });

  it('stewards approve, reject and set types (audited); viewers and outsiders get 404', async () => {
    const email = await assetId(`${sourceDb}.sales.customers.email`);
    const phone = await assetId(`${sourceDb}.sales.customers.phone`);
    const note = await assetId(`${sourceDb}.sales.customers.note`);
    const base = (id: string, type: string) =>
      `/api/v1/catalog/assets/${id}/classifications/${type}`;

    expect(
      (await call(api.send, 'POST', `${base(email, 'EMAIL_ADDRESS')}/approve`, tokens.viewer))
        .status,
    ).toBe(404);
    expect(
      (await call(api.send, 'POST', `${base(email, 'EMAIL_ADDRESS')}/approve`, tokens.outsider))
        .status,
    ).toBe(404);
    expect(
      (
        await call(
          api.send,
          'GET',
          `/api/v1/catalog/assets/${email}/classifications`,
          tokens.outsider,
        )
      ).status,
    ).toBe(404);

    const approved = await call(
      api.send,
      'POST',
      `${base(email, 'EMAIL_ADDRESS')}/approve`,
      tokens.steward,
      { note: 'checked' },
    );
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ status: 'approved', note: 'checked' });

    const phoneType = (await classificationsOf(`${sourceDb}.sales.customers.phone`))[0]!.infoType;
    expect(
      (await call(api.send, 'POST', `${base(phone, phoneType)}/reject`, tokens.steward)).status,
    ).toBe(200);
    expect(
      (await call(api.send, 'POST', `${base(phone, 'IBAN_CODE')}/approve`, tokens.steward)).status,
    ).toBe(404);

    const set = await call(api.send, 'PUT', base(note, 'MEDICAL_TERM'), tokens.steward, {
      note: 'free text about health',
    });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ status: 'approved', source: 'steward' });
    expect((await call(api.send, 'PUT', base(note, 'NOT_A_TYPE'), tokens.steward)).status).toBe(
      422,
    );
    expect(
      (await call(api.send, 'PUT', base(note, 'MEDICAL_TERM'), tokens.steward, { status: 'x' }))
        .status,
    ).toBe(400);

    const entries = await api.database.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('action', 'like', 'classification.%')
      .execute();
    expect(entries.map((entry) => entry.action).sort()).toEqual([
      'classification.approve',
      'classification.approve',
      'classification.reject',
    ]);
    const noteAsset = await api.database.db
      .selectFrom('catalog_assets')
      .select(['sensitivity', 'properties'])
      .where('id', '=', note)
      .executeTakeFirstOrThrow();
    expect(noteAsset.sensitivity).toBe('restricted');
    // The catalog shows the decision at once, with the steward as its evidence.
    expect((noteAsset.properties as { classification: unknown }).classification).toMatchObject({
      infoType: 'MEDICAL_TERM',
      status: 'approved',
      evidence: [{ detector: 'steward', status: 'approved' }],
    });
    const phoneAsset = await api.database.db
      .selectFrom('catalog_assets')
      .select('properties')
      .where('id', '=', phone)
      .executeTakeFirstOrThrow();
    expect((phoneAsset.properties as { classification: unknown }).classification).toMatchObject({
      infoType: null,
      sensitive: false,
    });

    const queue = await get<{ items: Row[] }>(
      `/api/v1/classifications?workspaceId=${workspaceId}&status=approved`,
    );
    expect(queue.items.map((row) => row.infoType).sort()).toEqual([
      'EMAIL_ADDRESS',
      'MEDICAL_TERM',
    ]);
    // Paging walks every row exactly once, though a scan writes them all at the same instant.
    const all = await get<{ items: Row[] }>(
      `/api/v1/classifications?workspaceId=${workspaceId}&limit=200`,
    );
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Row[]; nextCursor: string | null } = await get(
        `/api/v1/classifications?workspaceId=${workspaceId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      paged.push(...page.items.map((row) => `${row.assetId}/${row.infoType}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.items.map((row) => `${row.assetId}/${row.infoType}`));
    expect(paged.length).toBeGreaterThan(5);
    const forged = await api.send('/api/v1/classifications?cursor=eyJhdCI6Im5vdC1hLXRpbWUifQ', {
      headers: bearer(tokens.steward),
    });
    expect(forged.status).toBe(400);
    const theirs = await get<{ items: Row[] }>('/api/v1/classifications', tokens.outsider);
    expect(theirs.items).toEqual([]);
  });

  it('rescans keep decisions, never re-propose a rejected type, and re-evaluate old-engine suggestions', async () => {
    const phoneRejected = (await classificationsOf(`${sourceDb}.sales.customers.phone`)).filter(
      (row) => row.status === 'rejected',
    );
    expect(phoneRejected).toHaveLength(1);
    await scan();
    const phone = await classificationsOf(`${sourceDb}.sales.customers.phone`);
    expect(phone.filter((row) => row.infoType === phoneRejected[0]!.infoType)).toEqual([
      expect.objectContaining({ status: 'rejected' }),
    ]);
    const email = await classificationsOf(`${sourceDb}.sales.customers.email`);
    expect(email.find((row) => row.infoType === 'EMAIL_ADDRESS')?.status).toBe('approved');
    const note = await classificationsOf(`${sourceDb}.sales.customers.note`);
    expect(note.find((row) => row.infoType === 'MEDICAL_TERM')?.status).toBe('approved');
    const summary = await api.database.db
      .selectFrom('catalog_assets')
      .select('properties')
      .where('id', '=', await assetId(`${sourceDb}.sales.customers.note`))
      .executeTakeFirstOrThrow();
    expect((summary.properties as { classification: unknown }).classification).toMatchObject({
      infoType: 'MEDICAL_TERM',
      status: 'approved',
    });

    // Suggestions from an older engine are looked at again even by an incremental scan;
    // masked (known sensitive) columns keep theirs, since their values cannot be judged.
    const customer = await assetId(`${sourceDb}.sales.orders.customer_id`);
    const ssn = await assetId(`${sourceDb}.hr.employees.ssn`);
    await api.database.db
      .updateTable('column_classifications')
      .set({ engine_version: '0.0.1' })
      .where('asset_id', 'in', [customer, ssn])
      .execute();
    await scan('incremental');
    const after = await classificationsOf(`${sourceDb}.sales.orders.customer_id`);
    expect(after[0]).toMatchObject({ infoType: 'GENERIC_ID', status: 'suggested' });
    expect(after.every((row) => row.engineVersion !== '0.0.1')).toBe(true);
    const masked = await classificationsOf(`${sourceDb}.hr.employees.ssn`);
    expect(masked[0]).toMatchObject({ infoType: 'US_SSN', engineVersion: '0.0.1' });
  });

  it('withdrawing a decision makes a proposal suggested again', async () => {
    const email = await assetId(`${sourceDb}.sales.customers.email`);
    const path = `/api/v1/catalog/assets/${email}/classifications/EMAIL_ADDRESS/decision`;
    expect((await call(api.send, 'DELETE', path, tokens.steward)).status).toBe(204);
    expect((await call(api.send, 'DELETE', path, tokens.steward)).status).toBe(404);
    const rows = await classificationsOf(`${sourceDb}.sales.customers.email`);
    expect(rows.find((row) => row.infoType === 'EMAIL_ADDRESS')?.status).toBe('suggested');
  });

  it('previews the engine on posted columns, with custom classifiers only for their readers', async () => {
    const preview = await call(api.send, 'POST', '/api/v1/classify/preview', tokens.viewer, {
      columns: [
        { name: 'contact', values: ['ada@example.com', 'bob@example.org', null] },
        { name: 'email_verified', dataType: 'integer', values: [0, 1, 1, 0] },
      ],
    });
    expect(preview.status).toBe(200);
    const body = (await preview.json()) as {
      columns: { infoType: string | null; sensitive: boolean }[];
    };
    expect(body.columns[0]).toMatchObject({ infoType: 'EMAIL_ADDRESS', sensitive: true });
    expect(body.columns[1]).toMatchObject({ infoType: null, sensitive: false });

    const foreign = await call(api.send, 'POST', '/api/v1/classify/preview', tokens.viewer, {
      workspaceId: otherWorkspaceId,
      columns: [{ name: 'x', values: [] }],
    });
    expect(foreign.status).toBe(404);
    const extra = await call(api.send, 'POST', '/api/v1/classify/preview', tokens.viewer, {
      columns: [{ name: 'x', values: [], secret: true }],
    });
    expect(extra.status).toBe(400);
  });
});
