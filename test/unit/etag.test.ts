import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { checkIfMatch, etagFor } from '../../api/etag.js';

const id = '0b6f3c0e-8d7a-4f43-9a57-3f1c2b9e11aa';

function app(version: number) {
  const api = new Hono();
  api.put('/things/:id', (c) => {
    const refused = checkIfMatch(c, { kind: 'thing', id: c.req.param('id'), version });
    if (refused) return refused;
    c.header('ETag', etagFor('thing', c.req.param('id'), version + 1));
    return c.json({ version: version + 1 });
  });
  return api;
}

const put = (ifMatch?: string) =>
  app(3).request(`/things/${id}`, {
    method: 'PUT',
    headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch },
  });

describe('ETags and If-Match', () => {
  it('builds strong and weak tags that differ per kind, id and version', () => {
    expect(etagFor('thing', id, 3)).toBe(`"thing.${id}.3"`);
    expect(etagFor('thing', id, 3, true)).toBe(`W/"thing.${id}.3"`);
    expect(etagFor('thing', id, 4)).not.toBe(etagFor('thing', id, 3));
    expect(etagFor('other', id, 3)).not.toBe(etagFor('thing', id, 3));
    expect(etagFor('a.b', 'c', 1)).not.toBe(etagFor('a', 'b.c', 1));
    expect(etagFor('x', 'has "quotes" and spaces', 1)).toMatch(/^"[^"\s]+"$/);
  });

  it('lets a write with the current ETag (or *) through', async () => {
    const response = await put(etagFor('thing', id, 3));
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toBe(etagFor('thing', id, 4));
    expect((await put(`"nope", ${etagFor('thing', id, 3)}`)).status).toBe(200);
    expect((await put('*')).status).toBe(200);
  });

  it('answers 412 problem+json with the current ETag to a stale or weak tag', async () => {
    for (const stale of [etagFor('thing', id, 2), etagFor('thing', id, 3, true), 'garbage']) {
      const response = await put(stale);
      expect(response.status, stale).toBe(412);
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      expect(response.headers.get('ETag')).toBe(etagFor('thing', id, 3));
      expect(await response.json()).toMatchObject({ status: 412, currentVersion: 3 });
    }
  });

  it('answers 428 when a versioned write sends no If-Match', async () => {
    for (const missing of [undefined, '']) {
      const response = await put(missing);
      expect(response.status).toBe(428);
      expect(await response.json()).toMatchObject({ title: 'Precondition Required' });
    }
  });
});
