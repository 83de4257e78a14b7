import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { keysetPage, type Page, type PageRequest } from '../keyset-page.js';
import type { Database, Role, UserStatus } from '../schema.js';

export interface NewUser {
  email: string;
  displayName: string;
  passwordHash: string | null;
  isPlatformAdmin: boolean;
}

export interface UserView {
  id: string;
  email: string;
  displayName: string;
  status: UserStatus;
  isPlatformAdmin: boolean;
  version: number;
}

const columns = ['id', 'email', 'display_name', 'status', 'is_platform_admin', 'version'] as const;
const toView = (row: {
  id: string;
  email: string;
  display_name: string;
  status: UserStatus;
  is_platform_admin: boolean;
  version: number;
}): UserView => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  status: row.status,
  isPlatformAdmin: row.is_platform_admin,
  version: row.version,
});

/**
 * Creates a user; without a password they are `invited` and cannot sign in yet. Returns
 * undefined when the e-mail address (case-insensitive) is taken.
 *
 * @example
 * const user = await createUser(db, { email, displayName, passwordHash, isPlatformAdmin });
 */
export async function createUser(db: Kysely<Database>, user: NewUser) {
  const row = await db
    .insertInto('users')
    .values({
      email: user.email,
      display_name: user.displayName,
      password_hash: user.passwordHash,
      status: user.passwordHash === null ? 'invited' : 'active',
      is_platform_admin: user.isPlatformAdmin,
    })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returning(columns)
    .executeTakeFirst();
  return row && toView(row);
}

/** @example const user = await findUser(db, id); */
export async function findUser(db: Kysely<Database>, id: string): Promise<UserView | undefined> {
  const row = await db.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst();
  return row && toView(row);
}

/**
 * Users the caller may see (`visibleTo` from the CASL rules), by e-mail, one page; `email`
 * narrows to one address (case-insensitive).
 */
export async function listUsers(
  db: Kysely<Database>,
  filters: { visibleTo: Expression<SqlBool>; email?: string },
  page: PageRequest<{ email: string; id: string }>,
): Promise<Page<UserView>> {
  const result = await keysetPage({
    ...page,
    fetch: ({ limit, after }) => {
      let query = db
        .selectFrom('users')
        .select(columns)
        .where(filters.visibleTo)
        .orderBy('email')
        .orderBy('id')
        .limit(limit);
      if (filters.email) {
        query = query.where((eb) =>
          eb(eb.fn('lower', ['email']), '=', filters.email!.toLowerCase()),
        );
      }
      if (after)
        query = query.where(sql<boolean>`(email, id) > (${after.email}, ${after.id}::uuid)`);
      return query.execute();
    },
    cursorOf: (row) => ({ email: row.email, id: row.id }),
  });
  return { items: result.items.map(toView), nextCursor: result.nextCursor };
}

/**
 * Changes a user if they are still at `version`; undefined when another write came first.
 *
 * @example
 * await updateUser(db, id, 3, { status: 'disabled' });
 */
export async function updateUser(
  db: Kysely<Database>,
  id: string,
  version: number,
  change: { displayName?: string; status?: UserStatus; passwordHash?: string },
): Promise<UserView | undefined> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({
      ...(change.displayName !== undefined && { display_name: change.displayName }),
      ...(change.status !== undefined && { status: change.status }),
      ...(change.passwordHash !== undefined && { password_hash: change.passwordHash }),
      version: eb('version', '+', 1),
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .returning(columns)
    .executeTakeFirst();
  return row && toView(row);
}

/** A user's role in a workspace, if they are a member. */
export async function findMembership(
  db: Kysely<Database>,
  userId: string,
  workspaceId: string,
): Promise<Role | undefined> {
  const row = await db
    .selectFrom('workspace_memberships')
    .select('role')
    .where('user_id', '=', userId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row?.role;
}

/** Gives a user a role in a workspace, replacing the one they had there. */
export async function setMembership(
  db: Kysely<Database>,
  membership: { workspaceId: string; userId: string; role: Role },
): Promise<void> {
  await db
    .insertInto('workspace_memberships')
    .values({
      workspace_id: membership.workspaceId,
      user_id: membership.userId,
      role: membership.role,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role: membership.role }),
    )
    .execute();
}

/** Removes a user from a workspace; false when they were not a member. */
export async function removeMembership(
  db: Kysely<Database>,
  userId: string,
  workspaceId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('workspace_memberships')
    .where('user_id', '=', userId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Whether both the user and the workspace exist. */
export async function userAndWorkspaceExist(
  db: Kysely<Database>,
  userId: string,
  workspaceId: string,
): Promise<boolean> {
  const [user, workspace] = await Promise.all([
    db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst(),
    db.selectFrom('workspaces').select('id').where('id', '=', workspaceId).executeTakeFirst(),
  ]);
  return user !== undefined && workspace !== undefined;
}
