import type { FileRef } from './file-schema.js';
import { newTally, observeText, typeOfPartitionValue, type ColumnTally } from './infer-types.js';
import type { FileFormat } from './file-formats.js';
import type { KeyClassifier } from './object-classes.js';
import { directoriesOf, type PartitionedKey } from './partitions.js';
import type { ObjectEntry } from './s3-access.js';

/** The members of one partitioned prefix, summed up while the listing passes by. */
export interface FileSetGroup {
  /** The prefix holding the partition directories, e.g. `sales/` (empty at the bucket root). */
  root: string;
  /** Name of the outermost partition key: with `root`, what makes a key a member. */
  firstKey: string;
  /** Partition keys in order of first appearance. */
  partitionKeys: string[];
  /** True when members disagree on which partition keys they have, or in which order. */
  inconsistentKeys: boolean;
  layout: string;
  objectCount: number;
  totalBytes: number;
  lastModified: Date;
  partitionCount: number;
  lastPartitionPath: string;
  /** One tally per partition key, fed once per partition. */
  partitionTallies: Map<string, ColumnTally>;
  /** Per format: how many members and bytes, and the first and last member (the ones inspected). */
  formats: Map<FileFormat, FormatMembers>;
}

export interface FormatMembers {
  count: number;
  bytes: number;
  first: FileRef;
  last: FileRef;
}

export type DiscoveryUnit =
  | { kind: 'container'; directories: string[] }
  | { kind: 'file'; entry: ObjectEntry; file: FileRef; directories: string[] }
  | { kind: 'file-set'; group: FileSetGroup; directories: string[] };

/**
 * Turns the sorted listing into what discovery yields, in order: a `container` for each
 * directory before anything in it, a `file` per data object, and one `file-set` per
 * Hive-partitioned prefix (`sales/dt=…/`), summed up over all its members. Since keys sharing
 * a prefix come in one run, only the open directories and the current file set are held.
 *
 * @example
 * for await (const unit of planDiscovery(listObjects(s3, ''), classifier)) console.log(unit.kind);
 */
export async function* planDiscovery(
  entries: AsyncIterable<ObjectEntry>,
  classifier: KeyClassifier,
): AsyncGenerator<DiscoveryUnit> {
  const opened: string[] = [];
  let group: FileSetGroup | undefined;
  for await (const entry of entries) {
    const kind = classifier.classify(entry.key);
    if (kind.kind === 'skip') continue;
    const file: FileRef = { key: entry.key, size: entry.size, format: kind.format, tab: kind.tab };
    const partitioned = kind.partitioned;
    if (partitioned && group && belongs(group, partitioned)) {
      addMember(group, entry, file, partitioned);
      continue;
    }
    if (group) {
      yield* closeGroup(group, opened);
      group = undefined;
    }
    if (partitioned) {
      group = openGroup(entry, file, partitioned);
      continue;
    }
    const directories = directoriesOf(entry.key);
    yield* openDirectories(opened, directories);
    yield { kind: 'file', entry, file, directories };
  }
  if (group) yield* closeGroup(group, opened);
}

/**
 * Containers for the directories not yet announced. A directory left behind is never seen
 * again in a sorted listing, so `opened` only tracks the current path; a shorter path (a
 * file in a parent directory) keeps it, since a deeper one may still follow in the same run.
 */
function* openDirectories(opened: string[], directories: string[]): Generator<DiscoveryUnit> {
  let common = 0;
  while (
    common < opened.length &&
    common < directories.length &&
    opened[common] === directories[common]
  ) {
    common++;
  }
  if (common < opened.length && common < directories.length) opened.length = common;
  for (let depth = opened.length; depth < directories.length; depth++) {
    opened.push(directories[depth]!);
    yield { kind: 'container', directories: directories.slice(0, depth + 1) };
  }
}

function belongs(group: FileSetGroup, key: PartitionedKey): boolean {
  return key.root === group.root && key.partitions[0]?.name === group.firstKey;
}

function openGroup(entry: ObjectEntry, file: FileRef, key: PartitionedKey): FileSetGroup {
  const group: FileSetGroup = {
    root: key.root,
    firstKey: key.partitions[0]?.name ?? '',
    partitionKeys: [],
    inconsistentKeys: false,
    layout: layoutOf(key),
    objectCount: 0,
    totalBytes: 0,
    lastModified: entry.lastModified,
    partitionCount: 0,
    lastPartitionPath: '',
    partitionTallies: new Map(),
    formats: new Map(),
  };
  addMember(group, entry, file, key);
  return group;
}

function addMember(
  group: FileSetGroup,
  entry: ObjectEntry,
  file: FileRef,
  key: PartitionedKey,
): void {
  group.objectCount++;
  group.totalBytes += entry.size;
  if (entry.lastModified > group.lastModified) group.lastModified = entry.lastModified;
  if (layoutOf(key) !== group.layout) group.inconsistentKeys = true;
  for (const { name } of key.partitions) {
    if (!group.partitionKeys.includes(name)) group.partitionKeys.push(name);
  }
  // Members of one partition come in one run: a new partition path is a new partition.
  if (key.partitionPath !== group.lastPartitionPath) {
    group.partitionCount++;
    group.lastPartitionPath = key.partitionPath;
    for (const { name, value } of key.partitions) {
      let tally = group.partitionTallies.get(name);
      if (!tally) group.partitionTallies.set(name, (tally = newTally()));
      observeText(tally, value, typeOfPartitionValue);
    }
  }
  const seen = group.formats.get(file.format);
  if (seen) {
    seen.count++;
    seen.bytes += entry.size;
    seen.last = file;
  } else {
    group.formats.set(file.format, { count: 1, bytes: entry.size, first: file, last: file });
  }
}

function* closeGroup(group: FileSetGroup, opened: string[]): Generator<DiscoveryUnit> {
  const directories = directoriesOf(group.root).slice(0, -1);
  yield* openDirectories(opened, directories);
  yield { kind: 'file-set', group, directories };
}

function layoutOf(key: PartitionedKey): string {
  return key.partitions.map((partition) => partition.name).join('/');
}
