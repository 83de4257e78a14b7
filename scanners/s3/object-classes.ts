import { extensionOf, formatOfExtension, type FileFormat } from './file-formats.js';
import { parsePartitionedKey, type PartitionedKey } from './partitions.js';

/** Why a key is not scanned; each reason is counted on the bucket container. */
export type SkipReason = 'unknown-format' | 'hidden' | 'excluded' | 'directory-marker';

export type KeyClass =
  | { kind: 'skip'; reason: SkipReason; extension?: string }
  | { kind: 'data'; format: FileFormat; tab: boolean; partitioned: PartitionedKey | undefined };

/** Decides for each key whether and how it is scanned. */
export interface KeyClassifier {
  classify(key: string): KeyClass;
}

/**
 * A classifier for the configured globs. A key is skipped when it is a directory marker (ends
 * with `/`), when any of its segments starts with `_` or `.` (`_SUCCESS`, `_temporary/`,
 * `.crc` files: the bookkeeping Spark and Hadoop leave next to data), when the globs exclude
 * it, or when its extension is no format the scanner reads (`.json`, `.gz`, no extension…).
 *
 * @example
 * const classifier = createKeyClassifier({ exclude: ['tmp/**'] });
 * classifier.classify('sales/dt=2024-01-01/part-0.parquet'); // data, parquet, partitioned
 * classifier.classify('sales/_SUCCESS'); // skip, hidden
 */
export function createKeyClassifier(options: {
  /** The configured prefix: its own directories are the user's choice, never hidden. */
  prefix?: string;
  include?: readonly string[];
  exclude?: readonly string[];
}): KeyClassifier {
  const include = (options.include ?? []).map(globToRegExp);
  const exclude = (options.exclude ?? []).map(globToRegExp);
  const chosen = (options.prefix ?? '').lastIndexOf('/') + 1;
  return {
    classify(key) {
      if (key.endsWith('/')) return { kind: 'skip', reason: 'directory-marker' };
      const below = key.slice(chosen).split('/');
      if (below.some((segment) => segment.startsWith('_') || segment.startsWith('.'))) {
        return { kind: 'skip', reason: 'hidden' };
      }
      if (include.length > 0 && !include.some((pattern) => pattern.test(key))) {
        return { kind: 'skip', reason: 'excluded' };
      }
      if (exclude.some((pattern) => pattern.test(key))) return { kind: 'skip', reason: 'excluded' };
      const extension = extensionOf(key);
      const known = formatOfExtension(extension);
      if (!known)
        return { kind: 'skip', reason: 'unknown-format', extension: extension || '(none)' };
      return { kind: 'data', ...known, partitioned: parsePartitionedKey(key) };
    },
  };
}

/**
 * A glob as an anchored regular expression: `**` matches across directories (`**\/` also
 * matches none), `*` and `?` stay within one, everything else is literal.
 *
 * @example
 * globToRegExp('sales/**\/*.csv').test('sales/2024/01/a.csv'); // true
 * globToRegExp('*.csv').test('sales/a.csv'); // false
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index] ?? '';
    if (char === '*' && glob[index + 1] === '*') {
      const slash = glob[index + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      index += slash ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[\\^$.+()[\]{}|]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
