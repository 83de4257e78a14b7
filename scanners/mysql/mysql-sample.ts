import {
  ScannerError,
  type DatasetRef,
  type SampleOptions,
  type SampleRow,
} from '../sdk/contract.js';
import { MAX_SAMPLE_VALUE_LENGTH, toSampleValue } from '../sdk/values.js';
import type { MysqlSession } from './mysql-session.js';

/**
 * Quotes a MySQL/MariaDB identifier: wrapped in backticks, inner backticks doubled. Inside
 * backticks nothing else is special (no backslash escapes, whatever the `sql_mode`), so any
 * name the server can store comes back as exactly that name. NUL cannot be part of a name.
 *
 * @example
 * quoteIdentifier('order items'); // `order items`
 * quoteIdentifier('x`; drop table y --'); // `x``; drop table y --`
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) {
    throw new ScannerError('not-found', `${JSON.stringify(name)} is not a valid MySQL name`);
  }
  return `\`${name.replaceAll('`', '``')}\``;
}

// Long text and binary values are cut by the server to what `toSampleValue` keeps anyway,
// so a LONGBLOB of a gigabyte never crosses the network for a sample.
const TEXT_TYPES = new Set([
  'char',
  'varchar',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'json',
]);
const BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);
// Base64 turns 3 bytes into 4 characters.
const MAX_SAMPLE_BYTES = (MAX_SAMPLE_VALUE_LENGTH / 4) * 3;

const COLUMNS_SQL = `SELECT COLUMN_NAME AS name, DATA_TYPE AS type FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = ? AND CAST(TABLE_SCHEMA AS BINARY) = ?
    AND TABLE_NAME = ? AND CAST(TABLE_NAME AS BINARY) = ?
  ORDER BY ORDINAL_POSITION`;

interface ColumnRow {
  name: string;
  type: string;
}

/**
 * One select-list item, aliased by position: rows come back as arrays, and mysql2 refuses
 * result columns named like `__proto__`, which are legal MySQL names.
 */
function selectItem({ name, type }: ColumnRow, index: number): string {
  const quoted = quoteIdentifier(name);
  const alias = `c${index}`;
  const kind = type.toLowerCase();
  if (TEXT_TYPES.has(kind)) return `LEFT(${quoted}, ${MAX_SAMPLE_VALUE_LENGTH}) AS ${alias}`;
  if (BINARY_TYPES.has(kind)) return `LEFT(${quoted}, ${MAX_SAMPLE_BYTES}) AS ${alias}`;
  return `${quoted} AS ${alias}`;
}

/**
 * Streams at most `options.rows` rows of one table or view: the first rows the server hands
 * out (MySQL has no TABLESAMPLE, and ORDER BY RAND() would read the whole table). One
 * equality lookup in information_schema first finds the columns and their types; a dataset
 * dropped since discovery ends in `ScannerError('not-found')`, one the account may not read
 * in the server's privilege error (mapped to `permission` by the caller).
 *
 * @example
 * for await (const row of sampleDataset(session, ref, { rows: 100, columns: ['email'] })) rows.push(row);
 */
export async function* sampleDataset(
  session: MysqlSession,
  dataset: DatasetRef,
  options: SampleOptions,
): AsyncGenerator<SampleRow> {
  const [database, table] = dataset.path;
  if (dataset.path.length !== 2 || database === undefined || table === undefined) {
    throw new ScannerError('not-found', `${dataset.fqn} is not a MySQL table (database.table)`);
  }
  const limit = Math.floor(options.rows);
  if (!Number.isSafeInteger(limit) || limit <= 0) return;
  const from = `${quoteIdentifier(database)}.${quoteIdentifier(table)}`;
  const existing = await session.select<ColumnRow>(COLUMNS_SQL, [database, database, table, table]);
  if (existing.length === 0) {
    // information_schema also hides tables the account may not read: let the server say
    // which it is (1142 no privilege, 1146 no such table) before calling it gone.
    await session.select(`SELECT 1 FROM ${from} LIMIT 0`);
    throw new ScannerError('not-found', `${dataset.fqn} no longer exists`);
  }
  const byName = new Map(existing.map((column) => [column.name, column]));
  const wanted = options.columns ?? existing.map((column) => column.name);
  const chosen = wanted.map((name) => {
    const column = byName.get(name);
    if (!column)
      throw new ScannerError('not-found', `column ${name} of ${dataset.fqn} no longer exists`);
    return column;
  });
  if (chosen.length === 0) return;
  const sql = `SELECT ${chosen.map(selectItem).join(', ')} FROM ${from} LIMIT ${limit}`;
  for await (const values of session.stream(sql)) {
    const row: SampleRow = {};
    chosen.forEach((column, index) => {
      // defineProperty: a column may be called __proto__.
      Object.defineProperty(row, column.name, {
        value: toSampleValue(values[index]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    yield row;
  }
}
