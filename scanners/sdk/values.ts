import type { SampleValue } from './contract.js';

/** Longest string kept of one sampled value; longer ones are cut (classification needs no more). */
export const MAX_SAMPLE_VALUE_LENGTH = 2048;

/**
 * Turns a driver's value into one that survives JSON unchanged: big integers and decimals
 * as strings, dates as ISO-8601, bytes as base64, nested values as JSON text.
 *
 * @example
 * toSampleValue(12n); // '12'
 * toSampleValue(new Date(0)); // '1970-01-01T00:00:00.000Z'
 */
export function toSampleValue(value: unknown): SampleValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return cut(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return cut(Buffer.from(value).toString('base64'));
  return cut(
    JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === 'bigint' ? inner.toString() : inner,
    ),
  );
}

function cut(text: string): string {
  return text.length > MAX_SAMPLE_VALUE_LENGTH ? text.slice(0, MAX_SAMPLE_VALUE_LENGTH) : text;
}
