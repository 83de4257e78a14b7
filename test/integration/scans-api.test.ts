import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/auth.js';
import type { AuthApi } from '../helpers/auth-api.js';
import { call, startScanApiWorld, type ScanApiWorld } from '../helpers/scan-api-world.js';

interface ScanView {
  id: string;
  status: string;
  stage: string | null;
  datasets: { total: number; done: number; failed: number };
  rate: number | null;
  error: { message: string; kind?: string } | null;
}

/** A steward registers a PostgreSQL source and scans it through the API and a real worker. */
describe('scans API', () => {
  let world: ScanApiWorld;
  let api: AuthApi;
  let tokens: ScanApiWorld['tokens'];

  beforeAll(async () => {
    world = await startScanApiWorld('scan-api');
    ({ api, tokens } = world);
  });

  afterAll(async () => {
    await world?.close();
  });

  const register = (name: string, password: string) => world.register(name, password);

  const waitForEnd = async (scanId: string): Promise<ScanView> => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const view = (await (
        await api.send(`/api/v1/scans/${scanId}`, { headers: bearer(tokens.viewer) })
      ).json()) as ScanView;
      if (['succeeded', 'failed', 'cancelled'].includes(view.status)) return view;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`scan ${scanId} did not end within 60 s`);
  };

  it('starts a scan (202), joins the running one, reports progress, and a rescan has an empty diff', async () => {
    const password = decodeURIComponent(new URL(api.config.postgres.url).password);
    const sourceId = await register('warehouse', password);
    const path = `/api/v1/datasources/${sourceId}/scans`;

    const first = await call(api.send, 'POST', path, tokens.steward);
    expect(first.status).toBe(202);
    const { id: scanId } = (await first.json()) as { id: string };
    expect(first.headers.get('Location')).toBe(`/api/v1/scans/${scanId}`);
    const joined = await call(api.send, 'POST', path, tokens.steward);
    if (joined.status === 200) expect(((await joined.json()) as { id: string }).id).toBe(scanId);
    else expect(joined.status).toBe(202); // the first scan had already ended

    const done = await waitForEnd(scanId);
    expect(done).toMatchObject({ status: 'succeeded', stage: 'done', error: null });
    expect(done.datasets.total).toBeGreaterThan(5);
    expect(done.datasets.done).toBe(done.datasets.total);

    const diff = (await (
      await api.send(`/api/v1/scans/${scanId}/diff?limit=200`, { headers: bearer(tokens.viewer) })
    ).json()) as { summary: { datasetsAdded: number }; items: unknown[] };
    expect(diff.summary.datasetsAdded).toBe(done.datasets.total);

    const list = (await (await api.send(path, { headers: bearer(tokens.viewer) })).json()) as {
      items: { id: string }[];
    };
    expect(list.items.map((run) => run.id)).toContain(scanId);

    const again = await call(api.send, 'POST', path, tokens.steward, { mode: 'full' });
    expect(again.status).toBe(202);
    const rescan = await waitForEnd(((await again.json()) as { id: string }).id);
    expect(rescan.status).toBe('succeeded');
    const rescanDiff = (await (
      await api.send(`/api/v1/scans/${rescan.id}/diff`, { headers: bearer(tokens.viewer) })
    ).json()) as { summary: { total: number }; items: unknown[] };
    expect(rescanDiff.summary.total).toBe(0);
    expect(rescanDiff.items).toEqual([]);
  });

  it('fails a scan with a wrong password at once, naming the cause', async () => {
    const sourceId = await register('wrong-password', 'not-the-password');
    const started = await call(
      api.send,
      'POST',
      `/api/v1/datasources/${sourceId}/scans`,
      tokens.steward,
    );
    const view = await waitForEnd(((await started.json()) as { id: string }).id);
    expect(view.status).toBe('failed');
    expect(view.error?.message).toMatch(/authentication|password/i);
    expect(view.error?.message).not.toContain('not-the-password');
  });

  it('answers 404 to viewers starting scans and to other workspaces, and cancels on request', async () => {
    const password = decodeURIComponent(new URL(api.config.postgres.url).password);
    const sourceId = await register('cancel-me', password);
    const path = `/api/v1/datasources/${sourceId}/scans`;
    expect((await call(api.send, 'POST', path, tokens.viewer)).status).toBe(404);
    expect((await call(api.send, 'POST', path, tokens.outsider)).status).toBe(404);

    const started = await call(api.send, 'POST', path, tokens.steward);
    const { id } = (await started.json()) as { id: string };
    expect(
      (await api.send(`/api/v1/scans/${id}`, { headers: bearer(tokens.outsider) })).status,
    ).toBe(404);
    expect((await call(api.send, 'POST', `/api/v1/scans/${id}/cancel`, tokens.viewer)).status).toBe(
      404,
    );
    const cancel = await call(api.send, 'POST', `/api/v1/scans/${id}/cancel`, tokens.steward);
    // A small source may finish before the cancel arrives; both outcomes are consistent.
    expect([202, 409]).toContain(cancel.status);
    const view = await waitForEnd(id);
    expect(cancel.status === 202 ? ['cancelled', 'succeeded'] : ['succeeded']).toContain(
      view.status,
    );
  });

  it('tests a connection on a worker: ok with the server version, or the kind of failure', async () => {
    const password = decodeURIComponent(new URL(api.config.postgres.url).password);
    const good = await register('test-ok', password);
    const bad = await register('test-bad', 'wrong-password-here');
    const test = async (id: string, token = tokens.steward) =>
      call(api.send, 'POST', `/api/v1/datasources/${id}/test`, token);
    const ok = await test(good);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      ok: true,
      serverVersion: expect.stringMatching(/PostgreSQL/),
    });
    const failed = (await (await test(bad)).json()) as {
      ok: boolean;
      kind: string;
      message: string;
    };
    expect(failed).toMatchObject({ ok: false, kind: 'authentication' });
    expect(failed.message).not.toContain('wrong-password-here');
    expect((await test(good, tokens.viewer)).status).toBe(404);
  });
});
