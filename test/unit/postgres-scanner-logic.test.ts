import { describe, expect, it } from 'vitest';
import { postgresConfigSchema } from '../../scanners/postgres/postgres-config.js';
import { toScannerError } from '../../scanners/postgres/postgres-errors.js';
import {
  planSample,
  qualifiedName,
  quoteIdentifier,
  sampleQuery,
  selectList,
} from '../../scanners/postgres/postgres-sample-plan.js';
import { hintsOf } from '../../scanners/postgres/postgres-sample-hints.js';

const scene = {
  host: 'db.internal',
  port: 5432,
  user: 'scanner',
  database: 'shop',
  password: 'hunter2-secret',
};
const pgError = (code: string, message = 'server said no') =>
  Object.assign(new Error(message), { code });

describe('PostgreSQL sample planning', () => {
  it('block-samples big tables, reading about 4 × rows rows and at least 32 pages', () => {
    expect(planSample({ kind: 'r', rows: 1_000_000, pages: 10_000 }, 100)).toEqual({
      method: 'system',
      percent: 0.32,
    });
    expect(planSample({ kind: 'r', rows: 10_000_000, pages: 1_000 }, 1000)).toEqual({
      method: 'system',
      percent: 3.2,
    });
    expect(planSample({ kind: 'p', rows: 200_000, pages: 1_667 }, 100)).toMatchObject({
      method: 'system',
    });
    expect(planSample({ kind: 'm', rows: 50_000, pages: 20 }, 100)).toEqual({
      method: 'system',
      percent: 100,
    });
  });

  it('reads the first rows of views, foreign, small and never analysed tables', () => {
    expect(planSample({ kind: 'v', rows: 1_000_000, pages: 1 }, 100)).toEqual({ method: 'scan' });
    expect(planSample({ kind: 'f', rows: 1_000_000, pages: 1 }, 100)).toEqual({ method: 'scan' });
    expect(planSample({ kind: 'r', rows: 900, pages: 10 }, 10)).toEqual({ method: 'scan' });
    expect(planSample({ kind: 'r', rows: 5_000, pages: 40 }, 1_000)).toEqual({ method: 'scan' });
    expect(planSample({ kind: 'r', rows: undefined, pages: 0 }, 100)).toEqual({ method: 'scan' });
  });

  it('quotes any name as one identifier and refuses NUL', () => {
    expect(quoteIdentifier('x"; drop table y --')).toBe('"x""; drop table y --"');
    expect(qualifiedName('with space', 'ünïcödé')).toBe('"with space"."ünïcödé"');
    expect(() => quoteIdentifier('a\0b')).toThrow('NUL');
  });

  it('reads numbers natively and cuts everything else in the server', () => {
    expect(
      selectList([
        { name: 'id', category: 'N', type: 'int4' },
        { name: 'ok', category: 'B', type: 'bool' },
        { name: 'Raw', category: 'U', type: 'bytea' },
        { name: 'doc', category: 'U', type: 'jsonb' },
      ]),
    ).toBe(
      '"id", "ok", substring("Raw" from 1 for 1536) as "Raw", left(("doc")::text, 2048) as "doc"',
    );
    expect(sampleQuery('"s"."t"', '"id"', { method: 'system', percent: 0.5 }, 10)).toBe(
      'select "id" from "s"."t" tablesample system (0.5) order by random() limit 10',
    );
    expect(() => sampleQuery('"s"."t"', '"id"', { method: 'scan' }, 0)).toThrow(RangeError);
    expect(() =>
      sampleQuery('"s"."t"', '"id"', { method: 'system', percent: Number.NaN }, 5),
    ).toThrow(RangeError);
  });
});

describe('PostgreSQL sample hints', () => {
  const columns = [
    { name: 'id', category: 'N', type: 'int4' },
    { name: '__proto__', category: 'S', type: 'text' },
  ];

  it('reads the hints discovery left in properties.sampling', () => {
    expect(hintsOf({ owner: 'x', sampling: { kind: 'r', rows: 200, pages: 5, columns } })).toEqual({
      kind: 'r',
      rows: 200,
      pages: 5,
      columns,
    });
    // A never analysed table or a view has no estimate: JSON left it out.
    expect(hintsOf({ sampling: { kind: 'v', pages: 0, columns } })).toEqual({
      kind: 'v',
      rows: undefined,
      pages: 0,
      columns,
    });
  });

  it('ignores missing or malformed hints, so that the relation is looked up instead', () => {
    const good = { kind: 'r', rows: 1, pages: 1, columns };
    const bad: unknown[] = [
      undefined,
      null,
      'r',
      { ...good, kind: 'x' },
      { ...good, kind: 'p', pages: -1 },
      { ...good, rows: '12' },
      { ...good, pages: Number.NaN },
      { ...good, columns: [] },
      { ...good, columns: 'id' },
      { ...good, columns: [{ name: 'id', category: 'N' }] },
      { ...good, columns: [{ name: '', category: 'N', type: 'int4' }] },
      { ...good, columns: [{ name: 'a\0b', category: 'N', type: 'int4' }] },
      { ...good, columns: [null] },
    ];
    expect(hintsOf(undefined)).toBeUndefined();
    expect(hintsOf({ owner: 'x' })).toBeUndefined();
    for (const sampling of bad)
      expect(hintsOf({ sampling }), JSON.stringify(sampling)).toBeUndefined();
  });
});

describe('PostgreSQL errors', () => {
  it('maps SQLSTATE codes and socket errors to scanner error kinds', () => {
    const cases: [Error, string, boolean][] = [
      [pgError('28P01'), 'authentication', false],
      [pgError('28000'), 'authentication', false],
      [pgError('3D000'), 'configuration', false],
      [pgError('42501'), 'permission', false],
      [pgError('42P01'), 'not-found', false],
      [pgError('57014'), 'unavailable', true],
      [pgError('53300'), 'unavailable', true],
      [pgError('ECONNREFUSED'), 'network', true],
      [pgError('ENOTFOUND'), 'network', true],
      [pgError('08006'), 'network', true],
      [new Error('Connection terminated due to connection timeout'), 'network', true],
      [pgError('DEPTH_ZERO_SELF_SIGNED_CERT'), 'configuration', false],
      [new Error('The server does not support SSL connections'), 'configuration', false],
    ];
    for (const [error, kind, retryable] of cases) {
      expect(toScannerError(error, scene), String(error)).toMatchObject({ kind, retryable });
    }
  });

  it('names user and host, never the password, on one line', () => {
    expect(toScannerError(pgError('28P01'), scene).message).toBe(
      'wrong password for user "scanner" on PostgreSQL db.internal:5432',
    );
    const echoed = toScannerError(pgError('XX000', 'bad hunter2-secret here\nDETAIL: more'), scene);
    expect(echoed.message).toBe('PostgreSQL db.internal:5432: bad ******** here');
  });

  it('parses settings strictly, with documented defaults', () => {
    expect(
      postgresConfigSchema.parse({ host: 'db', database: 'shop', user: 'u', password: 'p' }),
    ).toEqual({
      host: 'db',
      port: 5432,
      database: 'shop',
      user: 'u',
      password: 'p',
      sslMode: 'disable',
      catalogBatchSize: 500,
    });
    expect(
      postgresConfigSchema.safeParse({
        host: 'db',
        database: 'shop',
        user: 'u',
        password: 'p',
        pwd: 1,
      }).success,
    ).toBe(false);
    expect(
      postgresConfigSchema.safeParse({ host: 'a b', database: 'shop', user: 'u', password: 'p' })
        .success,
    ).toBe(false);
    expect(
      postgresConfigSchema.safeParse({
        host: 'db',
        database: 'x'.repeat(64),
        user: 'u',
        password: 'p',
      }).success,
    ).toBe(false);
  });
});
