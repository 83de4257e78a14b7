import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../api/deps.js';
import { encodeCursor } from '../../db/keyset-page.js';
import { problem } from '../../api/problem.js';
import { auditRoutes } from '../../api/routes/audit-routes.js';
import { listAudit, MASK, recordAudit, type AuditEntry } from '../../db/queries/audit-log.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

describe('audit log', () => {
  let test: TestDatabase;
  let userId: string;
  let workspaceId: string;

  beforeAll(async () => {
    test = await createTestDatabase();
    ({ id: userId } = await test.db
      .insertInto('users')
      .values({ email: 'admin@example.test', display_name: 'Admin' })
      .returning('id')
      .executeTakeFirstOrThrow());
    ({ id: workspaceId } = await test.db
      .insertInto('workspaces')
      .values({ slug: 'audit', name: 'Audit' })
      .returning('id')
      .executeTakeFirstOrThrow());
  });
  afterAll(() => test.drop());

  async function pages(filters: Parameters<typeof listAudit>[1], limit: number) {
    const seen: AuditEntry[] = [];
    let after = null;
    for (let i = 0; i < 100; i++) {
      const page = await listAudit(test.db, filters, { limit, after });
      seen.push(...page.items);
      if (!page.nextCursor) return seen;
      after = JSON.parse(Buffer.from(page.nextCursor, 'base64url').toString()) as never;
    }
    throw new Error('paging did not end');
  }

  it('masks secret-looking fields at any depth before storing them', async () => {
    const { id } = await recordAudit(test.db, {
      actor: { userId, label: 'admin@example.test' },
      action: 'datasource.update',
      objectType: 'datasource',
      objectId: 'ds-1',
      workspaceId,
      requestId: 'req-1',
      before: { host: 'db', password: 'hunter2' },
      after: {
        host: 'db2',
        connection: { apiKey: 'k', nested: [{ accessToken: 't', port: 5432 }] },
        clientSecret: { value: 's' },
      },
    });
    const row = await test.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.before).toEqual({ host: 'db', password: MASK });
    expect(row.after).toEqual({
      host: 'db2',
      connection: { apiKey: MASK, nested: [{ accessToken: MASK, port: 5432 }] },
      clientSecret: MASK,
    });
    expect(JSON.stringify(row)).not.toMatch(/hunter2|"k"|"t"|"s"/);
  });

  it('pages newest first without gaps or repeats, also across equal timestamps', async () => {
    // Equal and microsecond-apart timestamps are where a millisecond cursor would break.
    await sql`
      insert into audit_log (occurred_at, actor_label, action, object_type, object_id)
      select timestamptz '2026-01-01 00:00:00.000100+00' + (i % 4) * interval '1 microsecond',
             'system', 'scan.finish', 'scan', 'scan-' || (i % 3)
      from generate_series(1, 37) as i`.execute(test.db);
    const expected = await test.db
      .selectFrom('audit_log')
      .select('id')
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const seen = await pages({}, 7);
    expect(seen.map((entry) => entry.id)).toEqual(expected.map((row) => String(row.id)));
    expect(seen.at(-1)?.occurredAt).toBe('2026-01-01T00:00:00.000100Z');
  });

  it('combines filters', async () => {
    expect(await pages({ action: 'scan.finish', objectId: 'scan-1' }, 5)).toHaveLength(13);
    const mine = await pages({ actorUserId: userId, workspaceId }, 5);
    expect(mine.map((entry) => entry.action)).toEqual(['datasource.update']);
    const visible = await pages(
      { visibleTo: sql<boolean>`audit_log.workspace_id = ${workspaceId}` },
      5,
    );
    expect(visible.map((entry) => entry.workspaceId)).toEqual([workspaceId]);
    const window = await pages(
      {
        from: new Date('2026-01-01T00:00:00.000Z'),
        to: new Date('2026-01-01T00:00:01.000Z'),
      },
      50,
    );
    expect(window).toHaveLength(37);
  });

  describe('GET /api/v1/audit', () => {
    let allowed = true;
    function app() {
      const api = new OpenAPIHono<AppEnv>({
        defaultHook: (result, c) => (result.success ? undefined : problem(c, 400)),
      });
      api.route('/', auditRoutes({ db: test.db, isAllowed: () => allowed }));
      api.onError((error, c) =>
        error instanceof HTTPException
          ? problem(c, 400, { detail: error.message })
          : problem(c, 500),
      );
      return api;
    }

    it('pages through entries with filters given as query parameters', async () => {
      allowed = true;
      const first = await app().request('/api/v1/audit?limit=10&objectType=scan');
      expect(first.status).toBe(200);
      const body = (await first.json()) as { items: AuditEntry[]; nextCursor: string };
      expect(body.items).toHaveLength(10);
      const second = await app().request(
        `/api/v1/audit?limit=30&objectType=scan&cursor=${body.nextCursor}`,
      );
      const rest = (await second.json()) as { items: AuditEntry[]; nextCursor: string | null };
      expect(rest.items).toHaveLength(27);
      expect(rest.nextCursor).toBeNull();
    });

    it('refuses unknown parameters, bad values and tampered cursors with 400', async () => {
      allowed = true;
      const tampered = encodeCursor({ at: '2026-01-01T00:00:00.000000Z', id: '1 or 1=1' });
      for (const query of [
        'isAdmin=true',
        'from=yesterday',
        'actorUserId=1',
        `cursor=${tampered}`,
      ]) {
        const response = await app().request(`/api/v1/audit?${query}`);
        expect(response.status, query).toBe(400);
        expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      }
    });

    it('answers 403 when the caller may not read the audit log', async () => {
      allowed = false;
      const response = await app().request('/api/v1/audit');
      expect(response.status).toBe(403);
    });

    it('is described in the OpenAPI document', () => {
      const document = app().getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 't', version: '1' },
      });
      const parameters = document.paths?.['/api/v1/audit']?.get?.parameters ?? [];
      expect(parameters.map((p) => ('name' in p ? p.name : ''))).toContain('cursor');
    });
  });
});
