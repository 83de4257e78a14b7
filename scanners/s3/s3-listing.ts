import type { KeyClassifier, SkipReason } from './object-classes.js';
import type { ObjectEntry, S3Access } from './s3-access.js';

/**
 * Every object under a prefix, in the store's key order (UTF-8 binary, so every key sharing a
 * prefix comes in one run), one page of at most 1,000 keys in memory at a time.
 *
 * @example
 * for await (const entry of listObjects(s3, 'exports/')) console.log(entry.key, entry.size);
 */
export async function* listObjects(
  s3: S3Access,
  prefix: string,
  signal?: AbortSignal,
): AsyncGenerator<ObjectEntry> {
  let token: string | undefined;
  do {
    signal?.throwIfAborted();
    const page = await s3.listPage(prefix, token);
    yield* page.objects;
    token = page.next;
  } while (token !== undefined);
}

/** What a listing holds, and what the scanner will not read and why. */
export interface ListingTally {
  objects: number;
  bytes: number;
  /** Objects read as data (files and members of file sets). */
  dataObjects: number;
  skipped: Record<SkipReason, number>;
  /** Skipped unknown formats by extension, the most frequent first (at most 20 kept). */
  skippedExtensions: Record<string, number>;
}

const KEPT_EXTENSIONS = 20;

/**
 * Counts a listing as discovery will see it, so the bucket container can tell, before any of
 * its children, how many objects there are and how many are skipped (unknown format, hidden,
 * excluded): nothing is skipped silently.
 *
 * @example
 * const tally = await tallyListing(listObjects(s3, ''), classifier);
 * tally.skipped['unknown-format']; // e.g. 2
 */
export async function tallyListing(
  entries: AsyncIterable<ObjectEntry>,
  classifier: KeyClassifier,
): Promise<ListingTally> {
  const tally: ListingTally = {
    objects: 0,
    bytes: 0,
    dataObjects: 0,
    skipped: { 'unknown-format': 0, hidden: 0, excluded: 0, 'directory-marker': 0 },
    skippedExtensions: {},
  };
  const extensions = new Map<string, number>();
  for await (const entry of entries) {
    tally.objects++;
    tally.bytes += entry.size;
    const kind = classifier.classify(entry.key);
    if (kind.kind === 'data') {
      tally.dataObjects++;
      continue;
    }
    tally.skipped[kind.reason]++;
    if (kind.extension !== undefined) {
      extensions.set(kind.extension, (extensions.get(kind.extension) ?? 0) + 1);
      // Random keys without a real extension could grow this without end: keep the leaders.
      if (extensions.size > KEPT_EXTENSIONS * 4) trim(extensions, KEPT_EXTENSIONS * 2);
    }
  }
  trim(extensions, KEPT_EXTENSIONS);
  tally.skippedExtensions = Object.fromEntries(extensions);
  return tally;
}

function trim(counts: Map<string, number>, keep: number): void {
  const leaders = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, keep);
  counts.clear();
  for (const [extension, count] of leaders) counts.set(extension, count);
}
