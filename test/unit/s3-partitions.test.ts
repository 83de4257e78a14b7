import { describe, expect, it } from 'vitest';
import { planDiscovery, type DiscoveryUnit } from '../../scanners/s3/discovery-plan.js';
import { mergeSchemas, partitionColumns } from '../../scanners/s3/file-set-schema.js';
import { createKeyClassifier } from '../../scanners/s3/object-classes.js';
import { directoriesOf, parsePartitionedKey } from '../../scanners/s3/partitions.js';
import type { ObjectEntry } from '../../scanners/s3/s3-access.js';

describe('parsePartitionedKey', () => {
  it('splits a key at its Hive-style partition directories', () => {
    expect(parsePartitionedKey('sales/year=2024/month=01/day=15/part-0.parquet')).toEqual({
      root: 'sales/',
      partitions: [
        { name: 'year', value: '2024' },
        { name: 'month', value: '01' },
        { name: 'day', value: '15' },
      ],
      partitionPath: 'sales/year=2024/month=01/day=15/',
      rest: 'part-0.parquet',
    });
  });

  it('finds partitions at the bucket root and below plain directories', () => {
    expect(parsePartitionedKey('dt=2024-01-01/a.csv')).toMatchObject({ root: '', rest: 'a.csv' });
    expect(parsePartitionedKey('lake/raw/dt=2024-01-01/x/a.csv')).toMatchObject({
      root: 'lake/raw/',
      partitions: [{ name: 'dt', value: '2024-01-01' }],
      partitionPath: 'lake/raw/dt=2024-01-01/',
      rest: 'x/a.csv',
    });
  });

  it('decodes Hive escapes and reads the default partition as null', () => {
    expect(
      parsePartitionedKey('t/city=New%20York/k=__HIVE_DEFAULT_PARTITION__/e=/f.csv')?.partitions,
    ).toEqual([
      { name: 'city', value: 'New York' },
      { name: 'k', value: null },
      { name: 'e', value: null },
    ]);
    expect(parsePartitionedKey('t/p=100%/f.csv')?.partitions).toEqual([
      { name: 'p', value: '100%' },
    ]);
    expect(parsePartitionedKey('t/q=a=b/f.csv')?.partitions).toEqual([{ name: 'q', value: 'a=b' }]);
  });

  it('ignores files whose own name has an equals sign, and plain keys', () => {
    expect(parsePartitionedKey('exports/a=b.csv')).toBeUndefined();
    expect(parsePartitionedKey('exports/2024/01/a.csv')).toBeUndefined();
    expect(parsePartitionedKey('=x/a.csv')).toBeUndefined();
  });

  it('lists the directories of a key', () => {
    expect(directoriesOf('a/b/c.csv')).toEqual(['a', 'b']);
    expect(directoriesOf('c.csv')).toEqual([]);
    expect(directoriesOf('a//c.csv')).toEqual(['a', '']);
  });
});

const entry = (key: string, size = 10): ObjectEntry => ({
  key,
  size,
  etag: 'e',
  lastModified: new Date(0),
});

async function plan(keys: string[]): Promise<DiscoveryUnit[]> {
  const units: DiscoveryUnit[] = [];
  const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  async function* source() {
    yield* sorted.map((key) => entry(key));
  }
  for await (const unit of planDiscovery(source(), createKeyClassifier({}))) units.push(unit);
  return units;
}

const summary = (units: DiscoveryUnit[]) =>
  units.map((unit) =>
    unit.kind === 'container'
      ? `dir ${unit.directories.join('/')}`
      : unit.kind === 'file'
        ? `file ${unit.entry.key}`
        : `set ${unit.group.root} [${unit.group.partitionKeys.join(',')}] ${unit.group.objectCount}/${unit.group.partitionCount}`,
  );

describe('planDiscovery', () => {
  it('announces each directory once, before its contents, and groups partitioned prefixes', async () => {
    const units = await plan([
      'landing/readme.csv',
      'landing/yyyy=2024/mm=01/orders.csv',
      'landing/yyyy=2024/mm=02/orders.csv',
      'landing/yyyy=2024/mm=02/orders-2.csv',
      'landing/yyyy=2024/mm=02/_SUCCESS',
      'landing/zz.csv',
      'landing/sub/a.jsonl',
      'other.parquet',
      'dt=2024-01-01/root.parquet',
    ]);
    expect(summary(units)).toEqual([
      'set  [dt] 1/1',
      'dir landing',
      'file landing/readme.csv',
      'dir landing/sub',
      'file landing/sub/a.jsonl',
      'set landing/ [yyyy,mm] 3/2',
      'file landing/zz.csv',
      'file other.parquet',
    ]);
  });

  it('sums up a file set and types its partition keys', async () => {
    const units = await plan([
      'events/region=eu/day=2024-01-01/a.parquet',
      'events/region=eu/day=2024-01-02/a.parquet',
      'events/region=us/day=2024-01-01/a.parquet',
      'events/region=us/day=2024-01-01/b.parquet',
      'events/region=us/c.parquet',
    ]);
    expect(units).toHaveLength(1);
    const first = units[0]!;
    const group = first.kind === 'file-set' ? first.group : undefined;
    expect(group).toMatchObject({
      root: 'events/',
      objectCount: 5,
      totalBytes: 50,
      partitionCount: 4,
      partitionKeys: ['region', 'day'],
      inconsistentKeys: true,
    });
    expect(partitionColumns(group!, new Set())).toEqual([
      { name: 'region', dataType: 'string', nullable: false },
      // One partition (region=us/ itself) has no day.
      { name: 'day', dataType: 'date', nullable: true },
    ]);
    expect(partitionColumns(group!, new Set(['region']))).toHaveLength(1);
  });
});

describe('mergeSchemas', () => {
  const schema = (columns: [string, string, boolean][]) => ({
    columns: columns.map(([name, dataType, nullable]) => ({ name, dataType, nullable })),
    properties: {},
  });

  it('unions two files of a set and says what drifted', () => {
    const merged = mergeSchemas(
      [
        'a.csv',
        schema([
          ['id', 'integer', false],
          ['amount', 'integer', false],
          ['old', 'string', false],
        ]),
      ],
      [
        'b.csv',
        schema([
          ['id', 'integer', false],
          ['amount', 'decimal', false],
          ['coupon', 'string', false],
        ]),
      ],
    );
    expect(merged).toEqual({
      columns: [
        { name: 'id', dataType: 'integer', nullable: false },
        { name: 'amount', dataType: 'decimal', nullable: false },
        { name: 'old', dataType: 'string', nullable: true },
        { name: 'coupon', dataType: 'string', nullable: true },
      ],
      drift: {
        comparedFiles: ['a.csv', 'b.csv'],
        addedColumns: ['coupon'],
        missingColumns: ['old'],
        typeChanges: [{ column: 'amount', from: 'integer', to: 'decimal' }],
      },
    });
  });

  it('reports no drift for identical files and keeps Parquet types as found first', () => {
    const same = schema([['id', 'INT32', false]]);
    expect(mergeSchemas(['a', same], ['b', same])).toEqual({ columns: same.columns });
    const changed = mergeSchemas(['a', same], ['b', schema([['id', 'INT64', false]])]);
    expect(changed.columns[0]?.dataType).toBe('INT32');
    expect(changed.drift?.typeChanges).toEqual([{ column: 'id', from: 'INT32', to: 'INT64' }]);
  });
});
