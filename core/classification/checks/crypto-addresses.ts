import { createHash } from 'node:crypto';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
// The constant the checksum must come to: bech32 for segwit v0, bech32m from v1 (taproot).
const BECH32_CONSTANT = 1;
const BECH32M_CONSTANT = 0x2bc830a3;

function base58Decode(text: string): Uint8Array | null {
  const bytes: number[] = [];
  for (const char of text) {
    let carry = BASE58.indexOf(char);
    if (carry < 0) return null;
    for (let i = 0; i < bytes.length; i++) {
      carry += (bytes[i] ?? 0) * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < text.length && text[i] === '1'; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

function isBase58CheckAddress(value: string): boolean {
  const bytes = base58Decode(value);
  if (bytes?.length !== 25) return false;
  const payload = bytes.subarray(0, 21);
  const first = createHash('sha256').update(payload).digest();
  const second = createHash('sha256').update(first).digest();
  for (let i = 0; i < 4; i++) if (second[i] !== bytes[21 + i]) return false;
  // Version bytes: 0x00 pay-to-public-key-hash, 0x05 pay-to-script-hash.
  return payload[0] === 0x00 || payload[0] === 0x05;
}

function bech32Polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i++) {
      if ((top >>> i) & 1) checksum ^= BECH32_GENERATORS[i] ?? 0;
    }
  }
  return checksum >>> 0;
}

function isSegwitAddress(value: string): boolean {
  const lower = value.toLowerCase();
  if (lower !== value && value.toUpperCase() !== value) return false;
  if (!lower.startsWith('bc1') || (lower.length !== 42 && lower.length !== 62)) return false;
  const data: number[] = [];
  for (let i = 3; i < lower.length; i++) {
    const index = BECH32.indexOf(lower.charAt(i));
    if (index < 0) return false;
    data.push(index);
  }
  const checksum = bech32Polymod([3, 3, 0, 2, 3, ...data]);
  const version = data[0];
  return version === 0 ? checksum === BECH32_CONSTANT : checksum === BECH32M_CONSTANT;
}

/**
 * A cryptocurrency wallet address: a Bitcoin address (base58check legacy or script
 * address, or bech32/bech32m segwit address, each with its checksum verified), or an
 * Ethereum address (`0x` and 40 hex digits; layout only).
 *
 * @example
 * isCryptoAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'); // true
 * isCryptoAddress('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'); // true
 */
export function isCryptoAddress(value: string): boolean {
  const length = value.length;
  if (length < 26 || length > 62) return false;
  const first = value.charAt(0);
  if (first === '1' || first === '3') return length <= 35 && isBase58CheckAddress(value);
  if (first === '0') return length === 42 && /^0x[0-9a-fA-F]{40}$/.test(value);
  return isSegwitAddress(value);
}
