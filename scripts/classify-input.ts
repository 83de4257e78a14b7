import type { ColumnInput } from '../core/classification/column-decision.js';

/**
 * One table of the classify CLI's input, its columns in the order the file lists them.
 *
 * @example
 * const table: ClassifyTable = { name: 'orders', columns: [{ name: 'email', values: ['ada@example.com'] }] };
 */
export interface ClassifyTable {
  name: string;
  columns: ColumnInput[];
}

/**
 * The parsed input, or where it is wrong in one line.
 *
 * @example
 * const parsed = parseClassifyInput(text);
 * if ('error' in parsed) fail(parsed.error);
 */
export type ClassifyInput = { tables: ClassifyTable[] } | { error: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: Json): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A readable path step: `.email`, or `["E-Mail Address"]` when the name is not a plain word. */
const step = (key: string) =>
  /^[A-Za-z_][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
const root = (key: string) => (/^[A-Za-z_][\w$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`);

class InputError extends Error {}

function checkKeys(value: { [key: string]: Json }, where: string, allowed: readonly string[]) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new InputError(`${where}${step(key)} is not expected (allowed: ${allowed.join(', ')})`);
    }
  }
}

function readColumn(where: string, name: string, value: Json): ColumnInput {
  if (!isObject(value)) throw new InputError(`${where} must be an object with records`);
  checkKeys(value, where, ['records', 'dataType']);
  const records = value.records;
  if (records === undefined) throw new InputError(`${where}.records is missing`);
  if (!Array.isArray(records)) throw new InputError(`${where}.records must be an array`);
  records.forEach((record, index) => {
    if (typeof record === 'object' && record !== null) {
      throw new InputError(`${where}.records[${index}] must be a string, number, boolean or null`);
    }
  });
  const column: ColumnInput = { name, values: records as (string | number | boolean | null)[] };
  if (value.dataType !== undefined) {
    if (typeof value.dataType !== 'string' || value.dataType.trim() === '') {
      throw new InputError(`${where}.dataType must be a non-empty string`);
    }
    column.dataType = value.dataType;
  }
  return column;
}

/**
 * Parses and checks the classify CLI's input: `{"<table>": {"columns": {"<column>":
 * {"records": [...], "dataType"?: "..."}}}}`. Records may be strings, numbers, booleans or
 * null. An error names the first place that is wrong, as a path into the document
 * (`orders.columns.email.records must be an array`), and is one line.
 *
 * @example
 * parseClassifyInput('{"orders": {"columns": {"email": {"records": ["ada@example.com"]}}}}');
 * // { tables: [{ name: 'orders', columns: [{ name: 'email', values: ['ada@example.com'] }] }] }
 */
export function parseClassifyInput(text: string): ClassifyInput {
  if (text.trim() === '') return { error: 'input is empty: expected a JSON object of tables' };
  let document: Json;
  try {
    document = JSON.parse(text) as Json;
  } catch (error) {
    return { error: `input is not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}` };
  }
  if (!isObject(document)) {
    return { error: 'input must be a JSON object of tables: {"<table>": {"columns": {...}}}' };
  }
  try {
    const tables = Object.entries(document).map(([tableName, table]): ClassifyTable => {
      const where = root(tableName);
      if (!isObject(table)) throw new InputError(`${where} must be an object with columns`);
      checkKeys(table, where, ['columns']);
      if (table.columns === undefined) throw new InputError(`${where}.columns is missing`);
      if (!isObject(table.columns)) throw new InputError(`${where}.columns must be an object`);
      const columns = Object.entries(table.columns).map(([columnName, column]) =>
        readColumn(`${where}.columns${step(columnName)}`, columnName, column),
      );
      return { name: tableName, columns };
    });
    return { tables };
  } catch (error) {
    if (error instanceof InputError) return { error: error.message };
    throw error;
  }
}
