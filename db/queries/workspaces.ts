import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { keysetPage, type Page, type PageRequest } from '../keyset-page.js';
import type { Database, Role, UserStatus } from '../schema.js';

export interface WorkspaceView {
  id: string;
  slug: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface MemberView {
  userId: string;
  email: string;
  displayName: string;
  status: UserStatus;
  role: Role;
}

const toView = (row: {
  id: string;
  slug: string;
  name: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}): WorkspaceView => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const COLUMNS = ['id', 'slug', 'name', 'version', 'created_at', 'updated_at'] as const;

/** @example const workspace = await findWorkspace(db, id); */
export async function findWorkspace(
  db: Kysely<Database>,
  id: string,
): Promise<WorkspaceView | undefined> {
  const row = await db
    .selectFrom('workspaces')
    .select(COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toView(row);
}

/**
 * Workspaces the caller may see (`visibleTo`, from the CASL rules), by slug, one page.
 *
 * @example
 * await listWorkspaces(db, caslToKysely(ability, 'read', 'Workspace', columns), { limit: 50, after: null });
 */
export async function listWorkspaces(
  db: Kysely<Database>,
  visibleTo: Expression<SqlBool>,
  page: PageRequest<{ slug: string }>,
): Promise<Page<WorkspaceView>> {
  const result = await keysetPage({
    ...page,
    fetch: ({ limit, after }) => {
      let query = db
        .selectFrom('workspaces')
        .select(COLUMNS)
        .where(visibleTo)
        .orderBy('slug')
        .limit(limit);
      if (after) query = query.where('slug', '>', after.slug);
      return query.execute();
    },
    cursorOf: (row) => ({ slug: row.slug }),
  });
  return { items: result.items.map(toView), nextCursor: result.nextCursor };
}

/** Creates a workspace; undefined when the slug is taken. */
export async function createWorkspace(
  db: Kysely<Database>,
  input: { slug: string; name: string },
): Promise<WorkspaceView | undefined> {
  const row = await db
    .insertInto('workspaces')
    .values(input)
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
  return row && toView(row);
}

/**
 * Renames a workspace if it is still at `version`; undefined when another write came first
 * (the caller answers 412).
 */
export async function updateWorkspace(
  db: Kysely<Database>,
  id: string,
  version: number,
  change: { name: string },
): Promise<WorkspaceView | undefined> {
  const row = await db
    .updateTable('workspaces')
    .set((eb) => ({ name: change.name, version: eb('version', '+', 1), updated_at: sql`now()` }))
    .where('id', '=', id)
    .where('version', '=', version)
    .returning(COLUMNS)
    .executeTakeFirst();
  return row && toView(row);
}

/** Members of a workspace the caller may see, by e-mail, one page. */
export async function listMembers(
  db: Kysely<Database>,
  workspaceId: string,
  visibleTo: Expression<SqlBool>,
  page: PageRequest<{ email: string; id: string }>,
): Promise<Page<MemberView>> {
  const result = await keysetPage({
    ...page,
    fetch: ({ limit, after }) => {
      let query = db
        .selectFrom('workspace_memberships')
        .innerJoin('users', 'users.id', 'workspace_memberships.user_id')
        .select([
          'users.id',
          'users.email',
          'users.display_name',
          'users.status',
          'workspace_memberships.role',
        ])
        .where('workspace_memberships.workspace_id', '=', workspaceId)
        .where(visibleTo)
        .orderBy('users.email')
        .orderBy('users.id')
        .limit(limit);
      if (after) {
        query = query.where(
          sql<boolean>`(users.email, users.id) > (${after.email}, ${after.id}::uuid)`,
        );
      }
      return query.execute();
    },
    cursorOf: (row) => ({ email: row.email, id: row.id }),
  });
  return {
    nextCursor: result.nextCursor,
    items: result.items.map((row) => ({
      userId: row.id,
      email: row.email,
      displayName: row.display_name,
      status: row.status,
      role: row.role,
    })),
  };
}
