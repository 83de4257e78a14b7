import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

// Any constant works: it only serialises concurrent start-ups of several API processes.
const BOOTSTRAP_LOCK = 7_342_001;

export interface FirstAdmin {
  email: string;
  passwordHash: string;
}

/**
 * Creates the first platform admin, and a `default` workspace with them as its `admin`,
 * unless a platform admin exists already. Returns whether it created one.
 *
 * @example
 * const created = await bootstrapAdmin(db, { email, passwordHash: await hashPassword(pw) });
 */
export async function bootstrapAdmin(db: Kysely<Database>, admin: FirstAdmin): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`.execute(trx);
    if (await platformAdminExists(trx)) return false;
    const user = await trx
      .insertInto('users')
      .values({
        email: admin.email,
        display_name: 'Administrator',
        password_hash: admin.passwordHash,
        status: 'active',
        is_platform_admin: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('workspaces')
      .values({ slug: 'default', name: 'Default' })
      .onConflict((oc) => oc.column('slug').doNothing())
      .execute();
    const workspace = await trx
      .selectFrom('workspaces')
      .select('id')
      .where('slug', '=', 'default')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('workspace_memberships')
      .values({ workspace_id: workspace.id, user_id: user.id, role: 'admin' })
      .execute();
    return true;
  });
}

/** Whether the platform already has someone who can administer it. */
export async function platformAdminExists(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('is_platform_admin', '=', true)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
