import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * The secret fields of one data source's config.
 *
 * @example
 * const secrets: SecretFields = { password: 's3cret' };
 */
export type SecretFields = Record<string, unknown>;

/**
 * What `seal` returns: store both, the key id next to the ciphertext.
 *
 * @example
 * const { ciphertext, keyId } = box.seal({ password: 's3cret' }, dataSource.id);
 */
export interface SealedSecrets {
  ciphertext: Buffer;
  keyId: string;
}

/**
 * Encrypts connection secrets at rest with the current key; reads old keys after rotation.
 *
 * @example
 * if (box.needsRotation(row.key_id)) box.reseal(row.secrets, row.key_id, row.id);
 */
export interface SecretBox {
  /** Id of the current key (16 hex digits: the first 8 bytes of the key's SHA-256). */
  readonly keyId: string;
  /** `aad` binds the ciphertext to its owner (the data source id): elsewhere it won't open. */
  seal(secrets: SecretFields, aad: string): SealedSecrets;
  /** Throws a `SecretBoxError` for an unknown key, a wrong `aad` or a damaged ciphertext. */
  open(ciphertext: Buffer, keyId: string, aad: string): SecretFields;
  /** True when `keyId` is not the current key: re-seal the row with `reseal`. */
  needsRotation(keyId: string): boolean;
  /** Opens with whichever key sealed it and seals again with the current key. */
  reseal(ciphertext: Buffer, keyId: string, aad: string): SealedSecrets;
}

/**
 * Why sealing or opening failed; `unknown-key` means a key is missing from the configuration.
 *
 * @example
 * if (error instanceof SecretBoxError && error.code === 'unknown-key') alertOperator();
 */
export type SecretBoxErrorCode =
  | 'invalid-key'
  | 'unknown-key'
  | 'unsupported-version'
  | 'malformed'
  | 'authentication-failed'
  | 'invalid-secrets'
  | 'invalid-aad';

/**
 * A failure to seal or open; messages never carry key material or plaintext.
 *
 * @example
 * try {
 *   box.open(ciphertext, keyId, dataSource.id);
 * } catch (error) {
 *   if (error instanceof SecretBoxError) log.error({ code: error.code }, error.message);
 * }
 */
export class SecretBoxError extends Error {
  constructor(
    readonly code: SecretBoxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

// Envelope v1: version (1 byte) | IV (12 bytes) | GCM tag (16 bytes) | ciphertext.
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;
const KEY_BYTES = 32;
// Separates these ciphertexts from anything else that might ever use the same key.
const PURPOSE = 'governance-platform/connection-secrets';

/**
 * The key id: first 8 bytes of SHA-256 of the raw key, in hex. Not secret, and computable by
 * an operator: `echo "$KEY" | base64 -d | sha256sum | cut -c1-16`.
 *
 * @example
 * secretKeyId(config.secrets.dataEncryptionKey); // 'a1b2c3d4e5f60718'
 */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * AES-256-GCM with a random 96-bit IV per message. The associated data covers the envelope
 * version, the key id and the caller's `aad`, so a ciphertext copied to another data source's
 * row, or relabelled with another key id, fails authentication instead of decrypting.
 * Random IVs are safe for far more than 2^32 messages per key at the rate secrets are
 * written; rotate keys long before then.
 *
 * @example
 * const box = createSecretBox({
 *   currentKey: config.secrets.dataEncryptionKey,
 *   previousKeys: config.secrets.previousEncryptionKeys,
 * });
 * const { ciphertext, keyId } = box.seal({ password: 's3cret' }, dataSource.id);
 * const secrets = box.open(ciphertext, keyId, dataSource.id); // { password: 's3cret' }
 */
export function createSecretBox(options: {
  currentKey: Buffer;
  previousKeys?: readonly Buffer[];
}): SecretBox {
  const keys = new Map<string, Buffer>();
  const keyId = addKey(keys, options.currentKey, 'current key');
  (options.previousKeys ?? []).forEach((key, index) =>
    addKey(keys, key, `previous key ${index + 1}`),
  );
  const currentKey = Buffer.from(options.currentKey);

  function seal(secrets: SecretFields, aad: string): SealedSecrets {
    requireAad(aad);
    if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) {
      throw new SecretBoxError('invalid-secrets', 'secrets must be a JSON object');
    }
    const plaintext = Buffer.from(JSON.stringify(secrets), 'utf8');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', currentKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(VERSION, keyId, aad));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    plaintext.fill(0);
    const ciphertext = Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
    return { ciphertext, keyId };
  }

  function open(ciphertext: Buffer, sealedWith: string, aad: string): SecretFields {
    requireAad(aad);
    const key = keys.get(sealedWith);
    if (!key) {
      throw new SecretBoxError(
        'unknown-key',
        `no encryption key with id ${JSON.stringify(sealedWith.slice(0, 32))}; add the key ` +
          'that sealed it to DATA_ENCRYPTION_PREVIOUS_KEYS',
      );
    }
    if (ciphertext.length < HEADER_BYTES) {
      throw new SecretBoxError('malformed', 'sealed secrets are truncated');
    }
    const version = ciphertext[0]!;
    if (version !== VERSION) {
      throw new SecretBoxError('unsupported-version', `unknown sealed-secrets version ${version}`);
    }
    const iv = ciphertext.subarray(1, 1 + IV_BYTES);
    const tag = ciphertext.subarray(1 + IV_BYTES, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(version, sealedWith, aad));
    decipher.setAuthTag(tag);
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([
        decipher.update(ciphertext.subarray(HEADER_BYTES)),
        decipher.final(),
      ]);
    } catch {
      // OpenSSL's message says nothing useful; which of the three it was cannot be known.
      throw new SecretBoxError(
        'authentication-failed',
        'sealed secrets failed authentication: tampered, sealed for another owner, or another key',
      );
    }
    try {
      const parsed: unknown = JSON.parse(plaintext.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
      return parsed as SecretFields;
    } catch {
      // Never echo the parse error: it quotes the plaintext.
      throw new SecretBoxError('malformed', 'sealed secrets do not hold a JSON object');
    } finally {
      plaintext.fill(0);
    }
  }

  return {
    keyId,
    seal,
    open,
    needsRotation: (sealedWith) => sealedWith !== keyId,
    reseal: (ciphertext, sealedWith, aad) => seal(open(ciphertext, sealedWith, aad), aad),
  };
}

/** An empty owner would bind nothing: every row's ciphertext would fit every other row. */
function requireAad(aad: string): void {
  if (typeof aad !== 'string' || aad.length === 0) {
    throw new SecretBoxError('invalid-aad', 'aad (the owner id) must be a non-empty string');
  }
}

function addKey(keys: Map<string, Buffer>, key: Buffer, name: string): string {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new SecretBoxError(
      'invalid-key',
      `${name} must be ${KEY_BYTES} bytes (openssl rand -base64 32), got ${key.length}`,
    );
  }
  const id = secretKeyId(key);
  // The current key is added first, so a previous key equal to it changes nothing.
  if (!keys.has(id)) keys.set(id, Buffer.from(key));
  return id;
}

/** Length-prefixed fields, so that no two (key id, aad) pairs encode alike. */
function associatedData(version: number, keyId: string, aad: string): Buffer {
  const fields = [PURPOSE, String(version), keyId, aad].map((field) => Buffer.from(field, 'utf8'));
  return Buffer.concat(
    fields.flatMap((field) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(field.length);
      return [length, field];
    }),
  );
}
