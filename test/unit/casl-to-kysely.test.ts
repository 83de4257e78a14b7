import { createMongoAbility, type AnyMongoAbility } from '@casl/ability';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { defineAbilityFor } from '../../core/permissions/define-ability.js';
import { caslToKysely, PermissionTranslationError } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import type { Database } from '../../db/schema.js';

const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

function compile(ability: AnyMongoAbility, subjectType = 'DataSource') {
  const query = db
    .selectFrom('data_sources')
    .select('id')
    .where(caslToKysely(ability, 'read', subjectType, permissionColumns.DataSource))
    .compile();
  return {
    sql: query.sql.replace(/^select "id" from "data_sources" where /, ''),
    parameters: query.parameters,
  };
}

const ability = (rules: Parameters<typeof createMongoAbility>[0]) => createMongoAbility(rules);

describe('caslToKysely (compiled SQL)', () => {
  it('gives false without a rule and true for an unconditional can', () => {
    expect(compile(ability([])).sql).toBe('false');
    expect(compile(ability([{ action: 'read', subject: 'Pipeline' }])).sql).toBe('false');
    expect(compile(ability([{ action: 'read', subject: 'DataSource' }])).sql).toBe('true');
    expect(compile(ability([{ action: 'manage', subject: 'all' }])).sql).toBe('true');
  });

  it('binds every value as a parameter', () => {
    const name = "x' or '1'='1";
    const out = compile(ability([{ action: 'read', subject: 'DataSource', conditions: { name } }]));
    expect(out).toEqual({ sql: '"data_sources"."name" = $1', parameters: [name] });
  });

  it('ors can rules and keeps null rows when negating a cannot', () => {
    const out = compile(
      ability([
        {
          action: 'read',
          subject: 'DataSource',
          conditions: { workspaceId: { $in: ['w1', 'w2'] } },
        },
        { action: 'read', subject: 'DataSource', conditions: { scanner: 'csv' } },
        { action: 'read', subject: 'DataSource', conditions: { createdBy: 'u1' }, inverted: true },
      ]),
    );
    expect(out.sql).toBe(
      '(("data_sources"."scanner" = $1 and "data_sources"."created_by" is distinct from $2) or ' +
        '("data_sources"."workspace_id" in ($3, $4) and "data_sources"."created_by" is distinct from $5))',
    );
  });

  it('compares sensitivity by rank, as a list of levels', () => {
    const out = db
      .selectFrom('catalog_assets')
      .select('id')
      .where(
        caslToKysely(
          ability([
            {
              action: 'read',
              subject: 'CatalogAsset',
              conditions: { sensitivity: { $lte: 'internal' } },
            },
          ]),
          'read',
          'CatalogAsset',
          permissionColumns.CatalogAsset,
        ),
      )
      .compile();
    expect(out.sql).toMatch(/"catalog_assets"\."sensitivity" in \(\$1, \$2\)$/);
    expect(out.parameters).toEqual(['public', 'internal']);
  });

  it('ignores field-level rules when filtering rows', () => {
    const viewer = defineAbilityFor({
      userId: 'u1',
      isPlatformAdmin: false,
      memberships: [{ workspaceId: 'w1', role: 'viewer' }],
    });
    expect(compile(viewer)).toEqual({
      sql: '"data_sources"."workspace_id" in ($1)',
      parameters: ['w1'],
    });
  });

  it.each([
    [
      'an unknown field',
      { settings: { host: 'db' } },
      /field "settings" is not in the column allow-list/,
    ],
    ['an unsupported operator', { name: { $regex: '^a' } }, /unsupported operator "regex"/],
    ['an object value', { name: { $eq: { nested: true } } }, /cannot be compared with a object/],
    ['a field of another subject', { sensitivity: 'public' }, /not in the column allow-list/],
  ])('throws on %s instead of dropping the condition', (_label, conditions, message) => {
    const rules = [{ action: 'read', subject: 'DataSource', conditions }];
    expect(() => compile(ability(rules))).toThrow(PermissionTranslationError);
    expect(() => compile(ability(rules))).toThrow(message);
  });

  it('throws on a level that is not a sensitivity level', () => {
    const rules = [
      { action: 'read', subject: 'CatalogAsset', conditions: { sensitivity: { $lt: 'secret' } } },
    ];
    expect(() =>
      caslToKysely(ability(rules), 'read', 'CatalogAsset', permissionColumns.CatalogAsset),
    ).toThrow(/"secret" is not one of the levels/);
  });
});
