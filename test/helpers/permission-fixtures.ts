import type { Kysely } from 'kysely';
import type { Actor, SubjectName } from '../../core/permissions/ability-types.js';
import { ROLES, SENSITIVITY_LEVELS } from '../../core/permissions/vocabulary.js';
import type { Database } from '../../db/schema.js';
import type { SeededRandom } from '../../scripts/demo/seeded-random.js';

/** A row as permission rules see it: camelCase fields plus a key to compare result sets by. */
export type SubjectRow = { key: string } & Record<string, unknown>;

/** Seeded rows per subject, as the API would present them to `ability.can`. */
export type PermissionWorld = Record<
  Exclude<
    SubjectName,
    | 'Pipeline'
    | 'Classifier'
    | 'InfoTypeSetting'
    | 'ComplianceRule'
    | 'ComplianceFinding'
    | 'ComplianceWaiver'
  >,
  SubjectRow[]
> & {
  actors: Actor[];
};

const SIZES = { users: 30, workspaces: 6, dataSources: 60, scanRuns: 80, assets: 220, audit: 60 };

function maybe<T>(rng: SeededRandom, value: T, probability = 0.8): T | null {
  return rng.chance(probability) ? value : null;
}

/**
 * Fills an empty, migrated database with random but reproducible workspaces, users,
 * memberships, data sources, scan runs, catalog assets and audit entries, and returns the
 * rows in the shape permission rules are written against. `actors` holds one actor per
 * seeded user, built from their memberships the way a request would build it.
 *
 * @example
 * const world = await seedPermissionWorld(db, SeededRandom.derive(7, 'permissions'));
 */
export async function seedPermissionWorld(
  db: Kysely<Database>,
  rng: SeededRandom,
): Promise<PermissionWorld> {
  const users = await db
    .insertInto('users')
    .values(
      Array.from({ length: SIZES.users }, (_, i) => ({
        email: `user${i}@example.test`,
        display_name: `User ${i}`,
        is_platform_admin: rng.chance(0.07),
      })),
    )
    .returning(['id', 'is_platform_admin'])
    .execute();
  const workspaces = await db
    .insertInto('workspaces')
    .values(Array.from({ length: SIZES.workspaces }, (_, i) => ({ slug: `w${i}`, name: `W ${i}` })))
    .returning('id')
    .execute();
  const memberships = users.flatMap((user) =>
    workspaces
      .filter(() => rng.chance(0.45))
      .map((w) => ({ workspace_id: w.id, user_id: user.id, role: rng.pick(ROLES) })),
  );
  await db.insertInto('workspace_memberships').values(memberships).execute();

  const userIds = users.map((u) => u.id);
  const sources = await db
    .insertInto('data_sources')
    .values(
      Array.from({ length: SIZES.dataSources }, (_, i) => ({
        workspace_id: rng.pick(workspaces).id,
        name: i % 7 === 0 ? `it's "source" ${i}` : `source-${i}`,
        scanner: rng.pick(['postgres', 'csv', 'mysql']),
        created_by: maybe(rng, rng.pick(userIds)),
      })),
    )
    .returning(['id', 'workspace_id', 'created_by', 'name', 'scanner'])
    .execute();
  const runs = await db
    .insertInto('scan_runs')
    .values(
      Array.from({ length: SIZES.scanRuns }, () => {
        const source = rng.pick(sources);
        return {
          data_source_id: source.id,
          workflow_id: `scan:${source.id}`,
          requested_by: maybe(rng, rng.pick(userIds)),
        };
      }),
    )
    .returning(['id', 'data_source_id', 'requested_by'])
    .execute();
  const assets = await db
    .insertInto('catalog_assets')
    .values(
      Array.from({ length: SIZES.assets }, (_, i) => {
        const source = rng.pick(sources);
        return {
          workspace_id: source.workspace_id,
          data_source_id: source.id,
          kind: rng.pick(['schema', 'table', 'column']),
          fqn: `db.t${i}`,
          name: `t${i}`,
          sensitivity: rng.pick(SENSITIVITY_LEVELS),
        };
      }),
    )
    .returning(['id', 'workspace_id', 'data_source_id', 'kind', 'sensitivity'])
    .execute();
  const audit = await db
    .insertInto('audit_log')
    .values(
      Array.from({ length: SIZES.audit }, () => ({
        workspace_id: maybe(rng, rng.pick(workspaces).id),
        actor_user_id: maybe(rng, rng.pick(userIds)),
        actor_label: 'seed',
        action: 'seeded',
        object_type: 'test',
      })),
    )
    .returning(['id', 'workspace_id', 'actor_user_id'])
    .execute();

  return {
    actors: users.map((user) => ({
      userId: user.id,
      isPlatformAdmin: user.is_platform_admin,
      memberships: memberships
        .filter((m) => m.user_id === user.id)
        .map((m) => ({ workspaceId: m.workspace_id, role: m.role })),
    })),
    ...subjectRowsOf({
      workspaceIds: workspaces.map((w) => w.id),
      userIds,
      memberships,
      sources,
      runs,
      assets,
      audit,
    }),
  };
}

/**
 * Inserted rows of a permission world, as the database returned them.
 *
 * @example
 * const rows: InsertedRows = { workspaceIds, userIds, memberships, sources, runs, assets, audit };
 */
export interface InsertedRows {
  workspaceIds: readonly string[];
  userIds: readonly string[];
  memberships: readonly { workspace_id: string; user_id: string; role: string }[];
  sources: readonly {
    id: string;
    workspace_id: string;
    created_by: string | null;
    name: string;
    scanner: string;
  }[];
  runs: readonly { id: string; data_source_id: string; requested_by: string | null }[];
  assets: readonly {
    id: string;
    workspace_id: string;
    data_source_id: string;
    kind: string;
    sensitivity: string;
  }[];
  audit: readonly { id: string; workspace_id: string | null; actor_user_id: string | null }[];
}

/**
 * The rows per subject that permission rules are written against, from inserted rows: the
 * one mapping both the seeded and the generated worlds use.
 *
 * @example
 * const world: PermissionWorld = { actors, ...subjectRowsOf(rows) };
 */
export function subjectRowsOf(rows: InsertedRows): Omit<PermissionWorld, 'actors'> {
  const { memberships, sources, runs, assets, audit } = rows;
  const workspaceOf = new Map(sources.map((s) => [s.id, s.workspace_id]));
  return {
    Workspace: rows.workspaceIds.map((id) => ({ key: id, id })),
    User: rows.userIds.map((id) => ({ key: id, id })),
    Membership: memberships.map((m) => ({
      key: `${m.workspace_id}:${m.user_id}`,
      workspaceId: m.workspace_id,
      userId: m.user_id,
      role: m.role,
    })),
    DataSource: sources.map((s) => ({
      key: s.id,
      id: s.id,
      workspaceId: s.workspace_id,
      createdBy: s.created_by,
      name: s.name,
      scanner: s.scanner,
    })),
    ScanRun: runs.map((r) => ({
      key: r.id,
      id: r.id,
      workspaceId: workspaceOf.get(r.data_source_id),
      dataSourceId: r.data_source_id,
      requestedBy: r.requested_by,
    })),
    CatalogAsset: assets.map((a) => ({
      key: a.id,
      id: a.id,
      workspaceId: a.workspace_id,
      dataSourceId: a.data_source_id,
      kind: a.kind,
      sensitivity: a.sensitivity,
    })),
    AuditLog: audit.map((e) => ({
      key: e.id,
      id: e.id,
      workspaceId: e.workspace_id,
      actorUserId: e.actor_user_id,
    })),
  };
}
