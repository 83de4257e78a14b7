import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../config/load-config.js';
import { bootstrapAdmin, platformAdminExists } from '../db/queries/bootstrap-admin.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../infra/logger.js';
import { hashPassword } from '../infra/passwords.js';

/**
 * Makes sure a fresh installation can be signed into: creates the first platform admin from
 * `ADMIN_EMAIL` / `ADMIN_PASSWORD`. Outside production a missing password is generated and
 * printed once, on the start that creates the admin; production never invents one.
 *
 * @example
 * await ensureFirstAdmin(deps.db, config, logger, (line) => process.stdout.write(line));
 */
export async function ensureFirstAdmin(
  db: Kysely<Database>,
  config: Config,
  logger: Logger,
  print: (line: string) => void,
): Promise<void> {
  if (await platformAdminExists(db)) return;
  const { adminEmail } = config.auth;
  let password = config.auth.adminPassword;
  const generated = password === undefined;
  if (password === undefined) {
    if (config.env === 'production') {
      logger.warn('no platform admin exists and ADMIN_PASSWORD is not set: nobody can sign in');
      return;
    }
    password = randomBytes(18).toString('base64url');
  }
  const created = await bootstrapAdmin(db, {
    email: adminEmail,
    passwordHash: await hashPassword(password),
  });
  if (!created) return;
  logger.info({ email: adminEmail }, 'first platform admin created');
  if (generated) {
    print(
      `\nFirst platform admin created: ${adminEmail}\n` +
        `Generated password (shown once, change it): ${password}\n\n`,
    );
  }
}
