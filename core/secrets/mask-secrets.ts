/**
 * What every response, log line and audit entry shows instead of a secret. A client that
 * sends it back unchanged means "keep the stored value" (see `mergeSecretUpdate`), so a
 * secret can never be set to this exact string.
 *
 * @example
 * if (body.password === SECRET_MASK) keepStoredPassword();
 */
export const SECRET_MASK = '********';

type Config = Record<string, unknown>;

/**
 * A config whose secret fields may read `SECRET_MASK`.
 *
 * @example
 * const shown: Masked<{ password: string }> = { password: SECRET_MASK };
 */
export type Masked<T extends Config> = { [K in keyof T]: T[K] | typeof SECRET_MASK };

/**
 * A copy of `config` with each secret field that holds a value replaced by `SECRET_MASK`.
 * Absent and `null` secrets stay as they are: whether a password is set is not itself a
 * secret, and showing a mask for a missing one would mislead the steward. The input is not
 * changed.
 *
 * @example
 * maskSecrets({ host: 'db', password: 'pw', apiKey: null }, ['password', 'apiKey']);
 * // { host: 'db', password: '********', apiKey: null }
 */
export function maskSecrets<T extends Config>(
  config: T,
  secretFields: readonly string[],
): Masked<T> {
  const masked: Config = { ...config };
  for (const field of secretFields) {
    if (Object.hasOwn(masked, field) && masked[field] !== undefined && masked[field] !== null) {
      masked[field] = SECRET_MASK;
    }
  }
  return masked as Masked<T>;
}

/**
 * The config to store after an update. The update replaces the whole config (an absent
 * setting is removed), except that a secret field that is absent or equal to `SECRET_MASK`
 * keeps the stored value: clients edit the masked config they were shown and send it back
 * without ever knowing the secret. `null` clears a secret. With nothing stored (a new data
 * source), a masked secret is simply left out, and the config schema reports it missing.
 *
 * @example
 * mergeSecretUpdate(
 *   { host: 'db', password: 'old' },
 *   { host: 'db2', password: '********' },
 *   ['password'],
 * ); // { host: 'db2', password: 'old' }
 */
export function mergeSecretUpdate(
  stored: Config,
  update: Config,
  secretFields: readonly string[],
): Config {
  const merged: Config = { ...update };
  for (const field of secretFields) {
    const next = merged[field];
    if (next !== undefined && next !== SECRET_MASK) continue;
    const kept = Object.hasOwn(stored, field) ? stored[field] : undefined;
    if (kept === undefined) delete merged[field];
    else merged[field] = kept;
  }
  return merged;
}

/**
 * Splits a config into the settings stored in clear and the secrets to seal, so that no
 * secret lands in a plain JSON column by accident.
 *
 * @example
 * splitSecrets({ host: 'db', password: 'pw' }, ['password']);
 * // { settings: { host: 'db' }, secrets: { password: 'pw' } }
 */
export function splitSecrets(
  config: Config,
  secretFields: readonly string[],
): { settings: Config; secrets: Config } {
  const isSecret = new Set(secretFields);
  const entries = Object.entries(config);
  // fromEntries defines own properties: a `__proto__` key from parsed JSON stays a plain key.
  return {
    settings: Object.fromEntries(entries.filter(([field]) => !isSecret.has(field))),
    secrets: Object.fromEntries(entries.filter(([field]) => isSecret.has(field))),
  };
}
