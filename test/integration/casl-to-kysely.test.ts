import { isDeepStrictEqual } from 'node:util';
import { createMongoAbility, subject, type AnyMongoAbility } from '@casl/ability';
import fc from 'fast-check';
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, type Actor } from '../../core/permissions/ability-types.js';
import { permissionConditionsMatcher } from '../../core/permissions/conditions-matcher.js';
import { defineAbilityFor } from '../../core/permissions/define-ability.js';
import { ROLES } from '../../core/permissions/vocabulary.js';
import { caslToKysely, PermissionTranslationError } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import type { Database } from '../../db/schema.js';
import { SeededRandom } from '../../scripts/demo/seeded-random.js';
import {
  actorArbitrary,
  insertRows,
  rowsArbitrary,
  visibleInWorld,
} from '../helpers/permission-arbitraries.js';
import { seedPermissionWorld, type PermissionWorld } from '../helpers/permission-fixtures.js';
import { randomRules, type FilteredSubject } from '../helpers/random-rules.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const SEED = 20260501;
const SUBJECTS: FilteredSubject[] = [
  'Workspace',
  'User',
  'Membership',
  'DataSource',
  'ScanRun',
  'CatalogAsset',
  'AuditLog',
];
const NOWHERE = '00000000-0000-4000-8000-0000000000ff';

let test: TestDatabase;
let world: PermissionWorld;

beforeAll(async () => {
  test = await createTestDatabase();
  world = await seedPermissionWorld(test.db, SeededRandom.derive(SEED, 'world'));
});
afterAll(async () => {
  await test?.drop();
});

/** Keys of the rows the SQL filter lets through, in the same form the fixtures use. */
async function visibleKeys(type: FilteredSubject, where: Expression<SqlBool>): Promise<string[]> {
  const { db } = test;
  const queries: Record<FilteredSubject, () => Promise<{ key: string }[]>> = {
    Workspace: () => db.selectFrom('workspaces').select('id as key').where(where).execute(),
    User: () => db.selectFrom('users').select('id as key').where(where).execute(),
    Membership: () =>
      db
        .selectFrom('workspace_memberships')
        .select(sql<string>`workspace_id || ':' || user_id`.as('key'))
        .where(where)
        .execute(),
    DataSource: () => db.selectFrom('data_sources').select('id as key').where(where).execute(),
    ScanRun: () =>
      db
        .selectFrom('scan_runs')
        .innerJoin('data_sources', 'data_sources.id', 'scan_runs.data_source_id')
        .select('scan_runs.id as key')
        .where(where)
        .execute(),
    CatalogAsset: () => db.selectFrom('catalog_assets').select('id as key').where(where).execute(),
    AuditLog: () => db.selectFrom('audit_log').select('id as key').where(where).execute(),
  };
  const rows = await queries[type]();
  return rows.map((row) => row.key).sort();
}

function allowedKeys(ability: AnyMongoAbility, action: string, type: FilteredSubject): string[] {
  return world[type]
    .filter((row) => ability.can(action, subject(type, { ...row })))
    .map((row) => row.key)
    .sort();
}

async function compare(ability: AnyMongoAbility, action: string, type: FilteredSubject) {
  const where = caslToKysely(ability, action, type, permissionColumns[type]);
  const got = await visibleKeys(type, where);
  const want = allowedKeys(ability, action, type);
  return { got, want, total: world[type].length };
}

function randomActor(rng: SeededRandom): Actor {
  const memberships = world.Workspace.filter(() => rng.chance(0.4)).map((w) => ({
    workspaceId: w.key,
    role: rng.pick(ROLES),
  }));
  if (rng.chance(0.2)) memberships.push({ workspaceId: NOWHERE, role: rng.pick(ROLES) });
  return {
    userId: rng.pick(world.User).key,
    isPlatformAdmin: rng.chance(0.05),
    memberships,
  };
}

describe('caslToKysely against PostgreSQL', () => {
  it('returns exactly the rows ability.can accepts, for every role, action and subject', async () => {
    const rng = SeededRandom.derive(SEED, 'actors');
    const actors = [...world.actors, ...Array.from({ length: 220 }, () => randomActor(rng))];
    const mismatches: string[] = [];
    let partial = 0;
    for (const [index, actor] of actors.entries()) {
      const ability = defineAbilityFor(actor);
      const checks = SUBJECTS.flatMap((type) => ACTIONS.map((action) => ({ type, action })));
      await Promise.all(
        checks.map(async ({ type, action }) => {
          const { got, want, total } = await compare(ability, action, type);
          if (want.length > 0 && want.length < total) partial += 1;
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            mismatches.push(
              `actor #${index} ${action} ${type}: sql ${got.length}, can ${want.length}`,
            );
          }
        }),
      );
    }
    expect(actors.length).toBeGreaterThanOrEqual(250);
    expect(mismatches).toEqual([]);
    // Guards against a vacuous pass: most answers must be neither "nothing" nor "everything".
    expect(partial).toBeGreaterThan(actors.length * 15);
  });

  it('agrees with ability.can for random rule sets, inverted rules and null values included', async () => {
    const rng = SeededRandom.derive(SEED, 'rules');
    const mismatches: string[] = [];
    let partial = 0;
    const types: FilteredSubject[] = [
      'DataSource',
      'CatalogAsset',
      'ScanRun',
      'Membership',
      'AuditLog',
    ];
    for (let round = 0; round < 400; round++) {
      const type = rng.pick(types);
      const rules = randomRules(rng, type, world);
      const ability = createMongoAbility(rules, {
        conditionsMatcher: permissionConditionsMatcher,
      });
      const { got, want, total } = await compare(ability, 'read', type);
      if (want.length > 0 && want.length < total) partial += 1;
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        mismatches.push(`${type} ${JSON.stringify(rules)}: sql ${got.length}, can ${want.length}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(partial).toBeGreaterThan(150);
  });

  it('returns no rows without a rule and every row for an unconditional rule', async () => {
    expect(
      await visibleKeys(
        'DataSource',
        caslToKysely(createMongoAbility([]), 'read', 'DataSource', permissionColumns.DataSource),
      ),
    ).toEqual([]);
    const all = createMongoAbility([{ action: 'read', subject: 'DataSource' }]);
    const { got } = await compare(all, 'read', 'DataSource');
    expect(got).toHaveLength(world.DataSource.length);
  });

  it('passes quoted values as parameters, never as SQL', async () => {
    const quoted = world.DataSource.find((row) => String(row.name).includes("'"))!;
    const named = (name: unknown) =>
      createMongoAbility([{ action: 'read', subject: 'DataSource', conditions: { name } }]);
    expect((await compare(named(quoted.name), 'read', 'DataSource')).got).toEqual([quoted.key]);
    expect((await compare(named("x' or '1'='1"), 'read', 'DataSource')).got).toEqual([]);
    const drop = { $in: ["'); drop table data_sources; --"] };
    expect((await compare(named(drop), 'read', 'DataSource')).got).toEqual([]);
    const left = await test.db.selectFrom('data_sources').select('id').execute();
    expect(left).toHaveLength(world.DataSource.length);
  });

  it('refuses a rule on a field outside the allow-list before querying', () => {
    const ability = createMongoAbility([
      { action: 'read', subject: 'DataSource', conditions: { settings: { host: 'db' } } },
    ]);
    expect(() => caslToKysely(ability, 'read', 'DataSource', permissionColumns.DataSource)).toThrow(
      PermissionTranslationError,
    );
  });
});

const ROLLBACK = new Error('rolled back on purpose');

/** Runs `fn` in a transaction that is always rolled back, so each generated world vanishes. */
async function rolledBack<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await test.db
    .transaction()
    .execute(async (trx) => {
      result = await fn(trx);
      throw ROLLBACK;
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  return result as T;
}

// The tests above use one seeded world. Here fast-check draws a fresh small world per run
// (nulls, duplicate values, empty tables), a random actor and a random rule set, and on a
// mismatch shrinks to the fewest rows and rules that still show it. The seed is printed on
// failure; `fc.assert(…, { seed })` replays it.
describe('caslToKysely on generated rows (property)', () => {
  it('returns exactly the rows ability.can accepts, row by row, for any rows, actor and rules', async () => {
    let partial = 0;
    let runs = 0;
    const property = fc.asyncProperty(
      rowsArbitrary,
      actorArbitrary,
      fc.integer(),
      async (rows, generatedActor, ruleSeed) => {
        const mismatches = await rolledBack(async (trx) => {
          const { world, actorOf } = await insertRows(trx, rows);
          const abilities: { ability: AnyMongoAbility; action: string; type: FilteredSubject }[] =
            [];
          const ability = defineAbilityFor(actorOf(generatedActor));
          for (const type of SUBJECTS) {
            for (const action of ACTIONS) abilities.push({ ability, action, type });
          }
          const rng = new SeededRandom(ruleSeed);
          for (const type of [
            'DataSource',
            'CatalogAsset',
            'ScanRun',
            'Membership',
            'AuditLog',
          ] as const) {
            if (world[type].length === 0) continue;
            try {
              const rules = randomRules(rng, type, world);
              const custom = createMongoAbility(rules, {
                conditionsMatcher: permissionConditionsMatcher,
              });
              abilities.push({ ability: custom, action: 'read', type });
            } catch {
              // An ordering rule needs a non-null value to compare with; an all-null column has none.
            }
          }
          const checks = abilities.map(({ ability, action, type }, index) => ({
            label: `#${index} ${action} ${type}`,
            type,
            where: caslToKysely(ability, action, type, permissionColumns[type]),
          }));
          const visible = await visibleInWorld(trx, world, checks);
          const found: string[] = [];
          abilities.forEach(({ ability, action, type }, index) => {
            const got = visible.get(checks[index]!.label)!;
            const want = world[type]
              .filter((row) => ability.can(action, subject(type, { ...row })))
              .map((row) => row.key)
              .sort();
            if (want.length > 0 && want.length < world[type].length) partial += 1;
            if (!isDeepStrictEqual(got, want)) {
              found.push(`${checks[index]!.label}: sql ${got.length} rows, can ${want.length}`);
            }
          });
          return found;
        });
        runs += 1;
        expect(mismatches).toEqual([]);
      },
    );
    await fc.assert(property, { numRuns: 60 });
    expect(runs).toBeGreaterThanOrEqual(60);
    // Guards against a vacuous pass, as above: many answers must be partial.
    expect(partial).toBeGreaterThan(runs * 3);
  });
});
