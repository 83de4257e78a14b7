import { describe, expect, it } from 'vitest';
import {
  maskSecrets,
  mergeSecretUpdate,
  SECRET_MASK,
  splitSecrets,
} from '../../core/secrets/mask-secrets.js';

const SECRET_FIELDS = ['password', 'sslKey'] as const;

describe('maskSecrets', () => {
  it('replaces every secret that holds a value with ********', () => {
    const config = { host: 'db.internal', port: 5432, password: 'pw', sslKey: '-----BEGIN' };
    expect(maskSecrets(config, SECRET_FIELDS)).toEqual({
      host: 'db.internal',
      port: 5432,
      password: '********',
      sslKey: '********',
    });
    expect(SECRET_MASK).toBe('********');
  });

  it('masks secrets of any type, including empty strings and numbers', () => {
    expect(maskSecrets({ password: '', sslKey: 1234 }, SECRET_FIELDS)).toEqual({
      password: SECRET_MASK,
      sslKey: SECRET_MASK,
    });
    expect(maskSecrets({ password: { nested: 'x' } }, SECRET_FIELDS)).toEqual({
      password: SECRET_MASK,
    });
  });

  it('leaves absent and null secrets as they are', () => {
    const masked = maskSecrets({ host: 'db', sslKey: null }, SECRET_FIELDS);
    expect(masked).toEqual({ host: 'db', sslKey: null });
    expect(Object.hasOwn(masked, 'password')).toBe(false);
  });

  it('does not change its input', () => {
    const config = { host: 'db', password: 'pw' };
    maskSecrets(config, SECRET_FIELDS);
    expect(config.password).toBe('pw');
  });

  it('leaves no secret value anywhere in the serialised result', () => {
    const config = { host: 'db', password: 'very-secret-value', sslKey: 'another-secret' };
    const text = JSON.stringify(maskSecrets(config, SECRET_FIELDS));
    expect(text).not.toContain('very-secret-value');
    expect(text).not.toContain('another-secret');
  });
});

describe('mergeSecretUpdate', () => {
  const stored = { host: 'db', port: 5432, password: 'old-password', sslKey: 'old-key' };

  it('keeps a stored secret when the update sends the mask', () => {
    const update = { host: 'db2', port: 5432, password: SECRET_MASK, sslKey: SECRET_MASK };
    expect(mergeSecretUpdate(stored, update, SECRET_FIELDS)).toEqual({
      host: 'db2',
      port: 5432,
      password: 'old-password',
      sslKey: 'old-key',
    });
  });

  it('keeps a stored secret when the update leaves it out', () => {
    expect(mergeSecretUpdate(stored, { host: 'db', port: 6432 }, SECRET_FIELDS)).toEqual({
      host: 'db',
      port: 6432,
      password: 'old-password',
      sslKey: 'old-key',
    });
  });

  it('takes a new secret value and clears one set to null', () => {
    const update = { host: 'db', port: 5432, password: 'new-password', sslKey: null };
    expect(mergeSecretUpdate(stored, update, SECRET_FIELDS)).toEqual({
      host: 'db',
      port: 5432,
      password: 'new-password',
      sslKey: null,
    });
  });

  it('replaces the settings: a setting left out of the update is removed', () => {
    const merged = mergeSecretUpdate(stored, { host: 'db', password: SECRET_MASK }, SECRET_FIELDS);
    expect(Object.hasOwn(merged, 'port')).toBe(false);
  });

  it('leaves a masked secret out when nothing is stored, so validation reports it missing', () => {
    const merged = mergeSecretUpdate({}, { host: 'db', password: SECRET_MASK }, SECRET_FIELDS);
    expect(merged).toEqual({ host: 'db' });
  });

  it('treats the mask in a setting that is not secret as a plain value', () => {
    const merged = mergeSecretUpdate(stored, { host: SECRET_MASK }, SECRET_FIELDS);
    expect(merged.host).toBe(SECRET_MASK);
  });

  it('round-trips: masking then merging the masked config back changes nothing', () => {
    const masked = maskSecrets(stored, SECRET_FIELDS);
    expect(mergeSecretUpdate(stored, masked, SECRET_FIELDS)).toEqual(stored);
  });

  it('does not change its inputs', () => {
    const update = { host: 'db', password: SECRET_MASK };
    mergeSecretUpdate(stored, update, SECRET_FIELDS);
    expect(update).toEqual({ host: 'db', password: SECRET_MASK });
    expect(stored.password).toBe('old-password');
  });
});

describe('splitSecrets', () => {
  it('separates the settings stored in clear from the secrets to seal', () => {
    expect(splitSecrets({ host: 'db', port: 1, password: 'pw' }, SECRET_FIELDS)).toEqual({
      settings: { host: 'db', port: 1 },
      secrets: { password: 'pw' },
    });
  });

  it('keeps a __proto__ key from parsed JSON as a plain key', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "password": "pw"}') as Record<
      string,
      unknown
    >;
    const { settings, secrets } = splitSecrets(parsed, SECRET_FIELDS);
    expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
    expect(Object.hasOwn(settings, '__proto__')).toBe(true);
    expect(secrets).toEqual({ password: 'pw' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
