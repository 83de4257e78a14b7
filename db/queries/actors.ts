import { sql, type Kysely } from 'kysely';
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
  // One round trip: this runs on every authenticated request.
  const row = await db
    .selectFrom('users as u')
    .select((eb) => [
      'u.id',
      'u.email',
      'u.display_name',
      'u.is_platform_admin',
      eb
        .selectFrom('workspace_memberships as m')
        .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
        .select(
          sql<ActorRecord['memberships']>`coalesce(json_agg(json_build_object(
            'workspaceId', m.workspace_id, 'workspaceSlug', w.slug,
            'workspaceName', w.name, 'role', m.role) order by w.slug), '[]'::json)`.as('list'),
        )
        .whereRef('m.user_id', '=', 'u.id')
        .as('memberships'),
    ])
    .where('u.id', '=', userId)
    .where('u.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    userId: row.id,
    email: row.email,
    displayName: row.display_name,
    isPlatformAdmin: row.is_platform_admin,
    memberships: row.memberships ?? [],
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
