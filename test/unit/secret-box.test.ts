import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, SecretBoxError, secretKeyId } from '../../infra/secret-box.js';

const OWNER = '5d0b5a7e-2f4e-4c1a-9a57-0c2d6a9e1f01';
const OTHER_OWNER = '9e3c0f1d-8b2a-4e6f-b1c7-3a4d5e6f7a80';
const secrets = { password: 'hunter2-is-not-a-password', apiKey: 'AKIA-TEST-123' };

function caught(fn: () => unknown): SecretBoxError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretBoxError);
    return error as SecretBoxError;
  }
  throw new Error('expected a SecretBoxError');
}

describe('secret box', () => {
  const key = randomBytes(32);
  const box = createSecretBox({ currentKey: key });

  it('round-trips a JSON object and names the key by its SHA-256 prefix', () => {
    const sealed = box.seal(secrets, OWNER);
    expect(sealed.keyId).toBe(createHash('sha256').update(key).digest('hex').slice(0, 16));
    expect(sealed.keyId).toBe(box.keyId);
    expect(secretKeyId(key)).toBe(box.keyId);
    expect(box.open(sealed.ciphertext, sealed.keyId, OWNER)).toEqual(secrets);
    expect(sealed.ciphertext.includes(Buffer.from(secrets.password))).toBe(false);
  });

  it('writes a versioned envelope: version byte, 96-bit IV, 128-bit tag, body', () => {
    const { ciphertext } = box.seal(secrets, OWNER);
    expect(ciphertext[0]).toBe(1);
    expect(ciphertext.length).toBe(1 + 12 + 16 + Buffer.byteLength(JSON.stringify(secrets)));
  });

  it('uses a fresh IV for every message', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 2000; i += 1) {
      ivs.add(box.seal(secrets, OWNER).ciphertext.subarray(1, 13).toString('hex'));
    }
    expect(ivs.size).toBe(2000);
    const a = box.seal(secrets, OWNER).ciphertext;
    const b = box.seal(secrets, OWNER).ciphertext;
    expect(a.equals(b)).toBe(false);
  });

  it('opens what an old key sealed after a rotation and says it needs re-sealing', () => {
    const oldKey = randomBytes(32);
    const before = createSecretBox({ currentKey: oldKey });
    const sealed = before.seal(secrets, OWNER);

    const after = createSecretBox({ currentKey: key, previousKeys: [oldKey] });
    expect(after.open(sealed.ciphertext, sealed.keyId, OWNER)).toEqual(secrets);
    expect(after.needsRotation(sealed.keyId)).toBe(true);
    expect(after.needsRotation(after.keyId)).toBe(false);

    const resealed = after.reseal(sealed.ciphertext, sealed.keyId, OWNER);
    expect(resealed.keyId).toBe(after.keyId);
    expect(after.needsRotation(resealed.keyId)).toBe(false);
    expect(box.open(resealed.ciphertext, resealed.keyId, OWNER)).toEqual(secrets);
  });

  it('refuses a key id it does not hold', () => {
    const stranger = createSecretBox({ currentKey: randomBytes(32) }).seal(secrets, OWNER);
    const error = caught(() => box.open(stranger.ciphertext, stranger.keyId, OWNER));
    expect(error.code).toBe('unknown-key');
    expect(error.message).toContain(stranger.keyId);
    expect(error.message).toContain('DATA_ENCRYPTION_PREVIOUS_KEYS');
  });

  it('refuses a ciphertext relabelled with another known key id', () => {
    const oldKey = randomBytes(32);
    const both = createSecretBox({ currentKey: key, previousKeys: [oldKey] });
    const sealed = both.seal(secrets, OWNER);
    const error = caught(() => both.open(sealed.ciphertext, secretKeyId(oldKey), OWNER));
    expect(error.code).toBe('authentication-failed');
  });

  it('detects tampering with any byte, truncation and appended bytes', () => {
    const { ciphertext, keyId } = box.seal(secrets, OWNER);
    for (let index = 0; index < ciphertext.length; index += 1) {
      const damaged = Buffer.from(ciphertext);
      damaged[index] = damaged[index]! ^ 0x01;
      const error = caught(() => box.open(damaged, keyId, OWNER));
      expect(error.code).toBe(index === 0 ? 'unsupported-version' : 'authentication-failed');
    }
    expect(caught(() => box.open(ciphertext.subarray(0, 20), keyId, OWNER)).code).toBe('malformed');
    const longer = Buffer.concat([ciphertext, Buffer.of(0)]);
    expect(caught(() => box.open(longer, keyId, OWNER)).code).toBe('authentication-failed');
    const shorter = ciphertext.subarray(0, ciphertext.length - 1);
    expect(caught(() => box.open(shorter, keyId, OWNER)).code).toBe('authentication-failed');
  });

  it('binds the ciphertext to its owner: another owner id does not open it', () => {
    const { ciphertext, keyId } = box.seal(secrets, OWNER);
    expect(caught(() => box.open(ciphertext, keyId, OTHER_OWNER)).code).toBe(
      'authentication-failed',
    );
    expect(caught(() => box.open(ciphertext, keyId, `${OWNER} `)).code).toBe(
      'authentication-failed',
    );
    expect(caught(() => box.seal(secrets, '')).code).toBe('invalid-aad');
    expect(caught(() => box.open(ciphertext, keyId, '')).code).toBe('invalid-aad');
  });

  it('never puts the plaintext or a key into an error', () => {
    const oldKey = randomBytes(32);
    const rotated = createSecretBox({ currentKey: key, previousKeys: [oldKey] });
    const { ciphertext, keyId } = rotated.seal(secrets, OWNER);
    const tampered = Buffer.from(ciphertext);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
    const errors = [
      caught(() => rotated.open(tampered, keyId, OWNER)),
      caught(() => rotated.open(ciphertext, keyId, OTHER_OWNER)),
      caught(() => createSecretBox({ currentKey: key }).open(ciphertext, 'f'.repeat(16), OWNER)),
      caught(() => createSecretBox({ currentKey: key.subarray(0, 16) })),
      caught(() => createSecretBox({ currentKey: key, previousKeys: [oldKey.subarray(1)] })),
    ];
    const forbidden = [
      secrets.password,
      secrets.apiKey,
      ...[key, oldKey].flatMap((k) => [k.toString('base64'), k.toString('hex')]),
    ];
    for (const error of errors) {
      const text = `${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}`;
      for (const secret of forbidden) expect(text).not.toContain(secret);
    }
  });

  it('refuses keys that are not 32 bytes and secrets that are not an object', () => {
    expect(caught(() => createSecretBox({ currentKey: randomBytes(16) })).code).toBe('invalid-key');
    expect(caught(() => box.seal([] as unknown as Record<string, unknown>, OWNER)).code).toBe(
      'invalid-secrets',
    );
    expect(caught(() => box.seal(null as unknown as Record<string, unknown>, OWNER)).code).toBe(
      'invalid-secrets',
    );
  });

  it('treats the current key listed again among previous keys as the current key', () => {
    const same = createSecretBox({ currentKey: key, previousKeys: [Buffer.from(key)] });
    const sealed = same.seal(secrets, OWNER);
    expect(same.needsRotation(sealed.keyId)).toBe(false);
    expect(same.open(sealed.ciphertext, sealed.keyId, OWNER)).toEqual(secrets);
  });

  it('does not depend on the caller keeping the key buffer intact', () => {
    const mutable = randomBytes(32);
    const copy = Buffer.from(mutable);
    const own = createSecretBox({ currentKey: mutable });
    const sealed = own.seal(secrets, OWNER);
    mutable.fill(0);
    expect(
      createSecretBox({ currentKey: copy }).open(sealed.ciphertext, sealed.keyId, OWNER),
    ).toEqual(secrets);
    expect(own.open(sealed.ciphertext, sealed.keyId, OWNER)).toEqual(secrets);
  });
});
