import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { hashRefreshToken as hashToken } from './refresh-tokens.js';

/**
 * Issues a one-time invitation for a user, replacing any earlier one, and returns the token
 * (shown once; only its hash is stored).
 *
 * @example
 * const { token, expiresAt } = await issueInvitation(db, { userId, createdBy, ttlSeconds });
 */
export async function issueInvitation(
  db: Kysely<Database>,
  input: { userId: string; createdBy: string; ttlSeconds: number },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + input.ttlSeconds * 1000);
  await db
    .insertInto('user_invitations')
    .values({
      user_id: input.userId,
      token_hash: hashToken(token),
      expires_at: expiresAt,
      created_by: input.createdBy,
    })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        token_hash: hashToken(token),
        expires_at: expiresAt,
        created_by: input.createdBy,
      }),
    )
    .execute();
  return { token, expiresAt };
}

/**
 * Spends an invitation: returns the invited user's id and deletes the invitation, or
 * undefined when the token is unknown, expired, or its user is no longer `invited`.
 */
export async function redeemInvitation(
  db: Kysely<Database>,
  token: string,
): Promise<string | undefined> {
  const row = await db
    .deleteFrom('user_invitations')
    .using('users')
    .whereRef('users.id', '=', 'user_invitations.user_id')
    .where('user_invitations.token_hash', '=', hashToken(token))
    .where('user_invitations.expires_at', '>', new Date())
    .where('users.status', '=', 'invited')
    .returning('user_invitations.user_id')
    .executeTakeFirst();
  return row?.user_id;
}
