import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MysqlConfig } from '../../scanners/mysql/mysql-config.js';
import type { DiscoveredDataset, DiscoveredItem } from '../../scanners/sdk/contract.js';
import {
  collect,
  connectScanner,
  createMysqlSource,
  scannerContext,
  type MysqlSource,
} from '../fixtures/mysql-source.js';

let many: MysqlSource;
let other: MysqlSource;

const tableSql = (index: number) =>
  `CREATE TABLE t${String(index).padStart(3, '0')} (id INT PRIMARY KEY, label VARCHAR(20) COMMENT 'x', ref INT)`;

/** Discovers with `changes` and counts the catalog queries the scanner logged. */
async function discover(
  changes: Partial<MysqlConfig>,
): Promise<{ items: DiscoveredItem[]; queries: number }> {
  let queries = 0;
  const log = (_level: string, message: string) => {
    if (message === 'catalog query') queries += 1;
  };
  const connection = await connectScanner(many.config, changes, scannerContext({ log }));
  try {
    return { items: await collect(connection.discover()), queries };
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  many = await createMysqlSource(Array.from({ length: 40 }, (_, index) => tableSql(index)));
  other = await createMysqlSource(['CREATE TABLE elsewhere (id INT)']);
});

afterAll(async () => {
  await many?.drop();
  await other?.drop();
});

describe('MySQL scanner: catalog cost', () => {
  it('issues a constant number of queries per batch, never per table', async () => {
    // One for the databases, then four per batch: names, tables, columns, keys.
    const forty = await discover({ catalogBatchSize: 500 });
    expect(forty.items).toHaveLength(41);
    expect(forty.queries).toBe(1 + 4);

    for (let index = 40; index < 80; index += 1) await many.query(tableSql(index));
    const eighty = await discover({ catalogBatchSize: 500 });
    expect(eighty.items).toHaveLength(81);
    expect(eighty.queries).toBe(1 + 4);

    // Eight full batches of ten, then one name query that finds nothing more.
    const batched = await discover({ catalogBatchSize: 10 });
    expect(batched.queries).toBe(1 + 8 * 4 + 1);
    expect(batched.items).toEqual(eighty.items);
  });
});

describe('MySQL scanner: database filters', () => {
  // Include lists keep these tests to their own databases: the test server is shared.
  it('skips excluded databases and system schemas, even when listed', async () => {
    const { items } = await discover({
      databases: ['mysql', 'information_schema', many.name, other.name],
      excludeDatabases: [other.name],
      catalogBatchSize: 500,
    });
    const containers = items.filter((item) => item.kind === 'container').map((item) => item.name);
    expect(containers).toEqual([many.name]);
    expect(items.filter((item) => item.kind === 'dataset')).toHaveLength(80);
  });

  it('yields each database before its own datasets', async () => {
    const { items } = await discover({ databases: [other.name, many.name] });
    // Byte order of names; both are `scan_<hex>`.
    const names = [many.name, other.name].sort((a, b) =>
      Buffer.compare(Buffer.from(a), Buffer.from(b)),
    );
    const containers = items.flatMap((item, index) => (item.kind === 'container' ? [index] : []));
    expect(containers.map((index) => items[index]!.name)).toEqual(names);
    for (const [position, index] of containers.entries()) {
      const end = containers[position + 1] ?? items.length;
      const children = items.slice(index + 1, end);
      expect(children.every((child) => child.parentFqn === items[index]!.fqn)).toBe(true);
    }
  });
});

describe('MySQL scanner: fingerprints', () => {
  const fingerprintOf = async (name: string) => {
    const { items } = await discover({});
    return (items.find((item) => item.name === name) as DiscoveredDataset).fingerprint;
  };

  it('stay the same across runs and comment edits, and change with the structure', async () => {
    const first = await fingerprintOf('t001');
    expect(await fingerprintOf('t001')).toBe(first);
    await many.query("ALTER TABLE t001 COMMENT = 'only a comment'");
    expect(await fingerprintOf('t001')).toBe(first);
    await many.query('ALTER TABLE t001 MODIFY label VARCHAR(40)');
    const widened = await fingerprintOf('t001');
    expect(widened).not.toBe(first);
    await many.query('ALTER TABLE t001 ADD FOREIGN KEY (ref) REFERENCES t002 (id)');
    expect(await fingerprintOf('t001')).not.toBe(widened);
  });
});
