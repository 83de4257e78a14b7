import { createHash } from 'node:crypto';

/**
 * Serialises a value as JSON with object keys sorted at every depth, so that two equal
 * structures give the same text whatever order their keys were built in. Follows
 * `JSON.stringify` otherwise (`undefined` members are dropped, `toJSON` is honoured), except
 * that big integers become decimal strings instead of throwing.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, { d: null, c: 2n }] }); // '{"a":[true,{"c":"2","d":null}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value, new Set())) ?? 'null';
}

/**
 * A stable hash of a value's structure: the SHA-256 (hex) of its canonical JSON. Plugins
 * compute `DiscoveredDataset.fingerprint` with it from what defines a dataset's shape
 * (columns, types, keys, definition), so the engine can skip datasets that did not change.
 *
 * @example
 * fingerprintOf({ columns: [{ name: 'id', dataType: 'integer' }] }) ===
 *   fingerprintOf({ columns: [{ dataType: 'integer', name: 'id' }] }); // true
 */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function normalise(value: unknown, seen: Set<object>): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return normalise(withJson.toJSON(), seen);
  // A cycle has no JSON form; fail loudly rather than hash something arbitrary.
  if (seen.has(value)) throw new TypeError('fingerprintOf: the value contains a cycle');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item) => {
        const inner = normalise(item, seen);
        return inner === undefined || typeof inner === 'function' ? null : inner;
      });
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const inner = normalise((value as Record<string, unknown>)[key], seen);
      if (inner !== undefined && typeof inner !== 'function' && typeof inner !== 'symbol') {
        out[key] = inner;
      }
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
