import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Actor } from '../../core/permissions/ability-types.js';
import { ROLES, SENSITIVITY_LEVELS } from '../../core/permissions/vocabulary.js';
import type { Database } from '../../db/schema.js';
import { subjectRowsOf, type PermissionWorld, type SubjectRow } from './permission-fixtures.js';
import type { FilteredSubject } from './random-rules.js';

/** How many workspaces and users each generated world has; rows point into these pools. */
const POOL = 3;
const pick = fc.nat({ max: POOL - 1 });
type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 4 });

/**
 * Small random tables: memberships, data sources, scan runs, catalog assets and audit
 * entries, as indexes into the pools, with nulls where the columns allow them. Small on
 * purpose: fast-check shrinks a failure to the fewest rows that still show it.
 */
export const rowsArbitrary = fc.record({
  memberships: fc.uniqueArray(
    fc.record({ workspace: pick, user: pick, role: fc.constantFrom(...ROLES) }),
    {
      selector: (m) => `${m.workspace}:${m.user}`,
      maxLength: 7,
    },
  ),
  sources: fc.array(
    fc.record({
      workspace: pick,
      createdBy: maybe(pick),
      name: fc.constantFrom('a', "it's", 'b'),
      scanner: fc.constantFrom('postgres', 'csv'),
    }),
    { maxLength: 6 },
  ),
  runs: fc.array(fc.record({ source: fc.nat(), requestedBy: maybe(pick) }), { maxLength: 6 }),
  assets: fc.array(
    fc.record({
      source: fc.nat(),
      kind: fc.constantFrom('table', 'column'),
      sensitivity: fc.constantFrom(...SENSITIVITY_LEVELS),
    }),
    { maxLength: 10 },
  ),
  audit: fc.array(fc.record({ workspace: maybe(pick), actor: maybe(pick) }), { maxLength: 6 }),
});
export type GeneratedRows = ValueOf<typeof rowsArbitrary>;

/** An actor as indexes: one of the pool's users, memberships anywhere (index POOL: nowhere). */
export const actorArbitrary = fc.record({
  user: pick,
  isPlatformAdmin: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, fc.constant(true)),
  memberships: fc.uniqueArray(
    fc.record({ workspace: fc.nat({ max: POOL }), role: fc.constantFrom(...ROLES) }),
    { selector: (m) => m.workspace, maxLength: 4 },
  ),
});
export type GeneratedActor = ValueOf<typeof actorArbitrary>;

const NOWHERE = '00000000-0000-4000-8000-0000000000fe';

/** The generated rows once inserted: subject rows as rules see them, and the actor's ids. */
export interface InsertedWorld {
  world: PermissionWorld;
  actorOf(generated: GeneratedActor): Actor;
}

/**
 * Inserts one generated world (inside the caller's transaction, which rolls it back) and
 * returns its rows in the camelCase shape `ability.can` reads.
 */
export async function insertRows(
  trx: Kysely<Database>,
  rows: GeneratedRows,
): Promise<InsertedWorld> {
  const tag = randomBytes(4).toString('hex');
  const range = Array.from({ length: POOL }, (_, i) => i);
  const workspaces = (
    await trx
      .insertInto('workspaces')
      .values(range.map((i) => ({ slug: `p-${tag}-${i}`, name: 'P' })))
      .returning('id')
      .execute()
  ).map((w) => w.id);
  const users = (
    await trx
      .insertInto('users')
      .values(range.map((i) => ({ email: `p-${tag}-${i}@example.test`, display_name: 'P' })))
      .returning('id')
      .execute()
  ).map((u) => u.id);
  const insert = async <T>(run: () => Promise<T[]>, count: number) => (count > 0 ? run() : []);
  const memberships = rows.memberships.map((m) => ({
    workspace_id: workspaces[m.workspace]!,
    user_id: users[m.user]!,
    role: m.role,
  }));
  await insert(
    () => trx.insertInto('workspace_memberships').values(memberships).execute(),
    memberships.length,
  );
  const sources = await insert(
    () =>
      trx
        .insertInto('data_sources')
        .values(
          rows.sources.map((s, i) => ({
            workspace_id: workspaces[s.workspace]!,
            name: `${s.name}-${i}`,
            scanner: s.scanner,
            created_by: s.createdBy === null ? null : users[s.createdBy]!,
          })),
        )
        .returning(['id', 'workspace_id', 'created_by', 'name', 'scanner'])
        .execute(),
    rows.sources.length,
  );
  const sourceOf = (index: number) => sources[index % sources.length]!;
  const runs = await insert(
    () =>
      trx
        .insertInto('scan_runs')
        .values(
          rows.runs.map((r) => ({
            data_source_id: sourceOf(r.source).id,
            workflow_id: `scan:${sourceOf(r.source).id}`,
            requested_by: r.requestedBy === null ? null : users[r.requestedBy]!,
          })),
        )
        .returning(['id', 'data_source_id', 'requested_by'])
        .execute(),
    sources.length > 0 ? rows.runs.length : 0,
  );
  const assets = await insert(
    () =>
      trx
        .insertInto('catalog_assets')
        .values(
          rows.assets.map((a, i) => ({
            workspace_id: sourceOf(a.source).workspace_id,
            data_source_id: sourceOf(a.source).id,
            kind: a.kind,
            fqn: `db.t${i}`,
            name: `t${i}`,
            sensitivity: a.sensitivity,
          })),
        )
        .returning(['id', 'workspace_id', 'data_source_id', 'kind', 'sensitivity'])
        .execute(),
    sources.length > 0 ? rows.assets.length : 0,
  );
  const audit = await insert(
    () =>
      trx
        .insertInto('audit_log')
        .values(
          rows.audit.map((e) => ({
            workspace_id: e.workspace === null ? null : workspaces[e.workspace]!,
            actor_user_id: e.actor === null ? null : users[e.actor]!,
            actor_label: 'generated',
            action: 'generated',
            object_type: 'test',
          })),
        )
        .returning(['id', 'workspace_id', 'actor_user_id'])
        .execute(),
    rows.audit.length,
  );
  const world: PermissionWorld = {
    actors: [],
    ...subjectRowsOf({
      workspaceIds: workspaces,
      userIds: users,
      memberships,
      sources,
      runs,
      assets,
      audit,
    }),
  };
  return {
    world,
    actorOf: (generated) => ({
      userId: users[generated.user]!,
      isPlatformAdmin: generated.isPlatformAdmin,
      memberships: generated.memberships.map((m) => ({
        workspaceId: workspaces[m.workspace] ?? NOWHERE,
        role: m.role,
      })),
    }),
  };
}

/** One labelled check: which keys of the world a filter lets through. */
export interface WorldCheck {
  label: string;
  type: FilteredSubject;
  where: Expression<SqlBool>;
}

/**
 * Runs many checks against one world in a single round trip (`union all` of one select per
 * check), and returns the visible keys of each, sorted. Rows of other worlds in the same
 * database (the seeded fixtures) are left out by key.
 */
export async function visibleInWorld(
  trx: Kysely<Database>,
  world: PermissionWorld,
  checks: WorldCheck[],
): Promise<Map<string, string[]>> {
  const selects = checks
    .filter(({ type }) => world[type].length > 0)
    .map(({ label, type, where }) => {
      const keys = world[type].map((row: SubjectRow) => row.key);
      const check = sql<string>`${label}::text`.as('check');
      switch (type) {
        case 'Membership':
          return trx
            .selectFrom('workspace_memberships')
            .select([check, sql<string>`workspace_id || ':' || user_id`.as('key')])
            .where(
              'workspace_id',
              'in',
              world.Workspace.map((w) => w.key),
            )
            .where(where);
        case 'ScanRun':
          return trx
            .selectFrom('scan_runs')
            .innerJoin('data_sources', 'data_sources.id', 'scan_runs.data_source_id')
            .select([check, sql<string>`scan_runs.id::text`.as('key')])
            .where('scan_runs.id', 'in', keys)
            .where(where);
        default: {
          const table = TABLES[type];
          return trx
            .selectFrom(table)
            .select([check, sql<string>`id::text`.as('key')])
            .where(sql.ref(`${table}.id`), 'in', keys)
            .where(where);
        }
      }
    });
  const visible = new Map(checks.map(({ label }) => [label, [] as string[]]));
  if (selects.length === 0) return visible;
  const [first, ...rest] = selects;
  const rows = await rest.reduce((query, next) => query.unionAll(next), first!).execute();
  for (const row of rows) visible.get(row.check)!.push(row.key);
  for (const keys of visible.values()) keys.sort();
  return visible;
}

const TABLES = {
  Workspace: 'workspaces',
  User: 'users',
  DataSource: 'data_sources',
  CatalogAsset: 'catalog_assets',
  AuditLog: 'audit_log',
} as const;
