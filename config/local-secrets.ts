import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Secrets that development and test set-ups generate once and keep in the git-ignored data
 * folder, so that a restart keeps sessions, encrypted settings and the local services'
 * passwords working. Production never reads this file.
 */
export interface LocalSecrets {
  jwtSigningKey: string;
  dataEncryptionKey: string;
  postgresPassword: string;
  redisPassword: string;
  mariadbPassword: string;
  minioAccessKey: string;
  minioSecretKey: string;
}

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

function generate(): LocalSecrets {
  return {
    jwtSigningKey: token(48),
    dataEncryptionKey: randomBytes(32).toString('base64'),
    postgresPassword: token(24),
    redisPassword: token(24),
    mariadbPassword: token(24),
    minioAccessKey: 'governance-admin',
    minioSecretKey: token(24),
  };
}

/** Reads `<dataDir>/secrets.json`, creating it (mode 0600) or filling in missing keys. */
export function loadLocalSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  const stored: Partial<LocalSecrets> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>)
    : {};
  const secrets = { ...generate(), ...stored };
  if (Object.keys(generate()).some((key) => !(key in stored))) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return secrets;
}
