import { sql, type Kysely } from 'kysely';
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
}

const columns = ['id', 'email', 'display_name', 'status', 'is_platform_admin'] as const;
const toView = (row: {
  id: string;
  email: string;
  display_name: string;
  status: UserStatus;
  is_platform_admin: boolean;
}): UserView => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  status: row.status,
  isPlatformAdmin: row.is_platform_admin,
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

/** Sets a user's status; returns false when there is no such user. */
export async function setUserStatus(
  db: Kysely<Database>,
  userId: string,
  status: UserStatus,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set((eb) => ({ status, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', userId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
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
