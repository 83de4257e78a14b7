import { HIVE_NULL_PARTITION } from './infer-types.js';

/** One `name=value` directory of a Hive-style partitioned key. */
export interface PartitionValue {
  name: string;
  /** Percent-decoded as Hive escapes it; `null` for Hive's default (null) partition or `k=`. */
  value: string | null;
}

/** A key split around its partition directories. */
export interface PartitionedKey {
  /** Everything before the first partition directory, e.g. `sales/` (empty at the bucket root). */
  root: string;
  partitions: PartitionValue[];
  /** The key up to and including the last partition directory: one partition's identity. */
  partitionPath: string;
  /** What follows the partition directories, e.g. `part-0000.parquet` or `extra/x.csv`. */
  rest: string;
}

const SEGMENT = /^([^=]+)=(.*)$/s;

/**
 * Splits an object key at its Hive-style partition directories: the first directory named
 * `name=value` and every one right after it. Only directories count (a file called `a=b.csv`
 * is no partition), so `sales/dt=2024-01-01/region=eu/part-0.parquet` gives root `sales/` and
 * partitions `dt`, `region`. Keys without such a directory give `undefined`.
 *
 * @example
 * parsePartitionedKey('sales/year=2024/month=01/orders.csv');
 * // { root: 'sales/', partitions: [{ name: 'year', value: '2024' }, { name: 'month', value: '01' }],
 * //   partitionPath: 'sales/year=2024/month=01/', rest: 'orders.csv' }
 */
export function parsePartitionedKey(key: string): PartitionedKey | undefined {
  const segments = key.split('/');
  const directories = segments.length - 1;
  let first = -1;
  for (let index = 0; index < directories; index++) {
    if (SEGMENT.test(segments[index] ?? '')) {
      first = index;
      break;
    }
  }
  if (first < 0) return undefined;

  const partitions: PartitionValue[] = [];
  let end = first;
  while (end < directories) {
    const match = SEGMENT.exec(segments[end] ?? '');
    if (!match) break;
    partitions.push({ name: unescape(match[1] ?? ''), value: valueOf(match[2] ?? '') });
    end++;
  }
  const root = segments
    .slice(0, first)
    .map((segment) => `${segment}/`)
    .join('');
  const partitionPath = segments
    .slice(0, end)
    .map((segment) => `${segment}/`)
    .join('');
  return { root, partitions, partitionPath, rest: segments.slice(end).join('/') };
}

/**
 * The directories of a key, without the file name: `a/b/c.csv` → `['a', 'b']`.
 *
 * @example
 * directoriesOf('exports/2024/orders.csv'); // ['exports', '2024']
 * directoriesOf('orders.csv'); // []
 */
export function directoriesOf(key: string): string[] {
  return key.split('/').slice(0, -1);
}

/**
 * The last segment of a key or prefix: `a/b/c.csv` → `c.csv`, `a/b/` → `b`.
 *
 * @example
 * baseName('sales/2024/orders.csv'); // 'orders.csv'
 */
export function baseName(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/') ? keyOrPrefix.slice(0, -1) : keyOrPrefix;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function valueOf(raw: string): string | null {
  if (raw === '' || raw === HIVE_NULL_PARTITION) return null;
  return unescape(raw);
}

// Hive escapes '/', '=', '%', ':' and other specials as %XX; a stray '%' stays as it is.
function unescape(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
