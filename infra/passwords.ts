import { hash, verify, type Algorithm } from '@node-rs/argon2';

// The package ships `Algorithm` as a const enum, which isolated modules cannot read.
const ARGON2ID = 2 as Algorithm;

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): strong enough, and a login stays
// well under a tenth of a second.
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

let dummyHash: Promise<string> | undefined;

/**
 * Hashes a password with argon2id; the salt and parameters travel inside the PHC string.
 *
 * @example
 * const passwordHash = await hashPassword('correct horse battery staple');
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/**
 * Checks a password against a stored hash. With no hash (unknown user, or a user who has
 * none yet) it still runs a full verification against a dummy hash, so that the answer time
 * does not tell an attacker which e-mail addresses have accounts.
 *
 * @example
 * const ok = await verifyPassword(user?.password_hash ?? null, body.password);
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    dummyHash ??= hashPassword('dummy password that never matches');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
