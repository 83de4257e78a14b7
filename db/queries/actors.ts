import type { Kysely } from 'kysely';
import type { Role } from '../../core/permissions/vocabulary.js';
import type { Database } from '../schema.js';

/** A user allowed to act right now, with what the permission rules need to know. */
export interface ActorRecord {
  userId: string;
  email: string;
  displayName: string;
  isPlatformAdmin: boolean;
  memberships: { workspaceId: string; workspaceSlug: string; workspaceName: string; role: Role }[];
}

/**
 * Loads a user and their memberships, or undefined unless the user is `active`: a disabled
 * or invited user holds no rights even with a token that is otherwise valid.
 *
 * @example
 * const actor = await loadActiveActor(db, claims.userId);
 */
export async function loadActiveActor(
  db: Kysely<Database>,
  userId: string,
): Promise<ActorRecord | undefined> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'is_platform_admin'])
    .where('id', '=', userId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!user) return undefined;
  const memberships = await db
    .selectFrom('workspace_memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['m.workspace_id', 'm.role', 'w.slug', 'w.name'])
    .where('m.user_id', '=', userId)
    .orderBy('w.slug')
    .execute();
  return {
    userId: user.id,
    email: user.email,
    displayName: user.display_name,
    isPlatformAdmin: user.is_platform_admin,
    memberships: memberships.map((m) => ({
      workspaceId: m.workspace_id,
      workspaceSlug: m.slug,
      workspaceName: m.name,
      role: m.role,
    })),
  };
}

/** The sign-in record of an e-mail address (case-insensitive), if there is one. */
export async function findLoginByEmail(db: Kysely<Database>, email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'password_hash', 'status'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}
