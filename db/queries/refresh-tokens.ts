import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The SHA-256 under which a refresh token is stored; the token itself never is. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewRefreshToken {
  familyId: string;
  userId: string;
  ttlSeconds: number;
  userAgent?: string | undefined;
  ip?: string | undefined;
}

/**
 * Stores a new opaque refresh token (256 random bits) and returns it.
 *
 * @example
 * const token = await issueRefreshToken(db, { familyId: sessionId, userId, ttlSeconds });
 */
export async function issueRefreshToken(
  db: Kysely<Database>,
  { familyId, userId, ttlSeconds, userAgent, ip }: NewRefreshToken,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('refresh_tokens')
    .values({
      family_id: familyId,
      user_id: userId,
      token_hash: hashRefreshToken(token),
      expires_at: new Date(Date.now() + ttlSeconds * 1000),
      user_agent: userAgent?.slice(0, 500) ?? null,
      ip: ip ?? null,
    })
    .execute();
  return token;
}

export type RotationResult =
  | { outcome: 'rotated'; token: string; familyId: string; userId: string }
  | { outcome: 'reused'; familyId: string; userId: string }
  | { outcome: 'invalid' };

/**
 * Exchanges a refresh token for a new one of the same family. A token that was already
 * used (or belongs to a revoked family) means two parties hold it: the whole family is
 * revoked and the caller must end the session too.
 *
 * @example
 * const result = await rotateRefreshToken(db, presented, ttlSeconds);
 * if (result.outcome === 'reused') await sessions.revoke(result.familyId);
 */
export async function rotateRefreshToken(
  db: Kysely<Database>,
  token: string,
  ttlSeconds: number,
  client: { userAgent?: string | undefined; ip?: string | undefined } = {},
): Promise<RotationResult> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('refresh_tokens')
      .select(['id', 'family_id', 'user_id', 'expires_at', 'used_at', 'revoked_at'])
      .where('token_hash', '=', hashRefreshToken(token))
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { outcome: 'invalid' } as const;
    if (row.used_at !== null || row.revoked_at !== null) {
      await revokeRefreshFamily(trx, row.family_id);
      return { outcome: 'reused', familyId: row.family_id, userId: row.user_id } as const;
    }
    if (row.expires_at.getTime() <= Date.now()) return { outcome: 'invalid' } as const;
    await trx
      .updateTable('refresh_tokens')
      .set({ used_at: new Date() })
      .where('id', '=', row.id)
      .execute();
    const next = await issueRefreshToken(trx, {
      familyId: row.family_id,
      userId: row.user_id,
      ttlSeconds,
      ...client,
    });
    return { outcome: 'rotated', token: next, familyId: row.family_id, userId: row.user_id };
  });
}

/** Revokes every token of one session's family (logout, detected reuse). */
export async function revokeRefreshFamily(db: Kysely<Database>, familyId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Revokes every refresh token of a user (the user was disabled). */
export async function revokeRefreshTokensOfUser(
  db: Kysely<Database>,
  userId: string,
): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
