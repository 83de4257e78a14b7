import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { ColumnInput } from '../../core/classification/column-decision.js';
import type { LabelMapping } from './classify-metrics.js';
import { parsePythonList } from './python-list.js';

/**
 * One labelled column of a benchmark set.
 *
 * @example
 * const column: BenchColumn = { table: 'Persons', column: { name: 'Name', values: ['Ada'] }, truth: 'Full_Name' };
 */
export interface BenchColumn {
  table: string;
  column: ColumnInput;
  /** The set's own label, null when the set says the column holds none of its types. */
  truth: string | null;
}

/**
 * A loaded benchmark set and what was left out of it.
 *
 * @example
 * const set = await loadDatahub(dir, 100);
 * console.log(set.columns.length, set.notes);
 */
export interface BenchSet {
  name: string;
  tables: number;
  columns: BenchColumn[];
  /** Things a reader of the figures should know: skipped keys, labels with no column. */
  notes: string[];
}

/**
 * datahub-classify's labels → our ids that count as the label. Ours that refine the label's
 * type count (FAX_NUMBER: the set's own expected output labels fax columns Phone_Number),
 * and so does the general type when the label only narrows it by version or country
 * (IP_ADDRESS for either IP version, DRIVER_LICENSE and NATIONAL_ID for the US ones). Not
 * counted: FIRST_NAME and LAST_NAME for Full_Name (the set leaves `first_name` and
 * `last_name` columns unlabelled), LOCATION for Street_Address (any place, not an address).
 *
 * @example
 * DATAHUB_LABELS.IP_Address_v4; // ['IPV4_ADDRESS', 'IP_ADDRESS']
 */
export const DATAHUB_LABELS: LabelMapping = {
  Age: ['AGE'],
  Gender: ['GENDER'],
  Full_Name: ['PERSON'],
  Email_Address: ['EMAIL_ADDRESS'],
  Phone_Number: ['PHONE_NUMBER', 'FAX_NUMBER'],
  Street_Address: ['STREET_ADDRESS'],
  Credit_Debit_Card_Number: ['CREDIT_CARD'],
  IBAN: ['IBAN_CODE'],
  US_Social_Security_Number: ['US_SSN', 'NATIONAL_ID'],
  Vehicle_Identification_Number: ['VIN'],
  IP_Address_v4: ['IPV4_ADDRESS', 'IP_ADDRESS'],
  IP_Address_v6: ['IPV6_ADDRESS', 'IP_ADDRESS'],
  US_Driving_License_Number: ['US_DRIVER_LICENSE', 'DRIVER_LICENSE'],
  Swift_Code: ['SWIFT_CODE'],
};

/**
 * trl-train's labels → our ids that count as the label, by the same rules as datahub's.
 * PERSON_NAME is looser than Full_Name: the set labels `first_name` columns PERSON_NAME.
 * GENERIC_ID is broad in the set (device, session and subscriber ids too), but only our
 * GENERIC_ID counts: DEVICE_ID, ACCESS_TOKEN or UUID are other types of ours.
 *
 * @example
 * TRL_LABELS.PERSON_NAME; // ['PERSON', 'FIRST_NAME', 'LAST_NAME']
 */
export const TRL_LABELS: LabelMapping = {
  IP_ADDRESS: ['IP_ADDRESS', 'IPV4_ADDRESS', 'IPV6_ADDRESS'],
  AGE: ['AGE'],
  CREDIT_CARD_NUMBER: ['CREDIT_CARD'],
  DATE_OF_BIRTH: ['DATE_OF_BIRTH'],
  DISABILITY_GROUP: ['DISABILITY'],
  EDUCATION_LEVEL: ['EDUCATION_LEVEL'],
  EMAIL_ADDRESS: ['EMAIL_ADDRESS'],
  ETHNIC_GROUP: ['ETHNIC_GROUP'],
  GENDER: ['GENDER'],
  GENERIC_ID: ['GENERIC_ID'],
  GEO_COORDINATES: ['GEO_COORDINATES'],
  ICD9_CODE: ['ICD9_CODE'],
  ICD10_CODE: ['ICD10_CODE'],
  IMEI_HARDWARE_ID: ['IMEI'],
  MARITAL_STATUS: ['MARITAL_STATUS'],
  MEDICAL_TERM: ['MEDICAL_TERM'],
  OCCUPATION: ['OCCUPATION'],
  ORGANIZATION_NAME: ['ORGANIZATION_NAME'],
  PERSON_NAME: ['PERSON', 'FIRST_NAME', 'LAST_NAME'],
  PHONE_NUMBER: ['PHONE_NUMBER', 'FAX_NUMBER'],
  PROTECTION_GROUP: ['PROTECTION_GROUP'],
  RELIGIOUS_GROUPS: ['RELIGIOUS_GROUP'],
  SEXUALITY: ['SEXUAL_ORIENTATION'],
  SPOKEN_LANGUAGE: ['SPOKEN_LANGUAGE'],
  STREET_ADDRESS: ['STREET_ADDRESS'],
  URL: ['URL'],
  IBAN_CODE: ['IBAN_CODE'],
  PASSPORT: ['PASSPORT', 'US_PASSPORT'],
  SWIFT_CODE: ['SWIFT_CODE'],
  ZIPCODE: ['ZIP_CODE'],
};

/** Header row and data rows of a table file, every cell as text. */
type Grid = { header: string[]; rows: string[][] };

function readCsv(path: string): Grid {
  const records = parse(readFileSync(path), {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
  }) as string[][];
  const [header = [], ...rows] = records;
  return { header, rows };
}

/** A cell as the text a CSV export would hold, so both file kinds reach the engine alike. */
function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return cell.text;
}

async function readXlsx(path: string): Promise<Grid> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { header: [], rows: [] };
  const grid: string[][] = [];
  // `columnCount` walks every row, so it is read once rather than per row.
  const width = sheet.columnCount;
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let index = 1; index <= width; index++) {
      cells.push(cellText(row.getCell(index)));
    }
    grid.push(cells);
  });
  const [header = [], ...rows] = grid;
  return { header, rows };
}

/** The first `limit` non-empty values of each column; duplicate header names stay apart. */
function columnsOf(grid: Grid, limit: number): ColumnInput[] {
  return grid.header.map((name, index) => {
    const values: string[] = [];
    for (const row of grid.rows) {
      if (values.length >= limit) break;
      const value = row[index] ?? '';
      if (value.trim() !== '') values.push(value);
    }
    return { name, values };
  });
}

/**
 * Loads datahub-classify: every column of every dataset the expected-output file names and
 * the folder holds, labelled from `expected_infotypes_IDEAL.json`. Null when the set is absent.
 *
 * @example
 * const set = await loadDatahub('/work/shared/benchmarks/classification/datahub-classify', 100);
 */
export async function loadDatahub(dir: string, limit: number): Promise<BenchSet | null> {
  const expectedPath = join(dir, 'expected_output', 'expected_infotypes_IDEAL.json');
  if (!existsSync(expectedPath)) return null;
  const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  const set: BenchSet = { name: 'datahub-classify', tables: 0, columns: [], notes: [] };
  const missing: string[] = [];
  for (const [table, labels] of Object.entries(expected)) {
    const csv = join(dir, 'datasets', `${table}.csv`);
    const xlsx = join(dir, 'datasets', `${table}.xlsx`);
    const grid = existsSync(csv) ? readCsv(csv) : existsSync(xlsx) ? await readXlsx(xlsx) : null;
    if (!grid) {
      missing.push(table);
      continue;
    }
    set.tables++;
    const columns = columnsOf(grid, limit);
    for (const column of columns) {
      set.columns.push({ table, column, truth: labels[column.name] ?? null });
    }
    for (const [name, label] of Object.entries(labels)) {
      if (!(label in DATAHUB_LABELS)) set.notes.push(`unknown label ${label} on ${table}.${name}`);
      if (!columns.some((column) => column.name === name)) {
        set.notes.push(`labelled column ${table}.${name} is not in the file`);
      }
    }
  }
  if (missing.length) {
    set.notes.push(`${missing.length} expected datasets have no file: ${missing.join(', ')}`);
  }
  return set;
}

/**
 * Loads trl-train: one column per row of `train_data_personal.csv`, five sample values each,
 * `None` meaning no sensitive type. Null when the set is absent.
 *
 * @example
 * const set = loadTrl('/work/shared/benchmarks/classification/trl-train');
 */
export function loadTrl(dir: string): BenchSet | null {
  const path = join(dir, 'train_data_personal.csv');
  if (!existsSync(path)) return null;
  const rows = parse(readFileSync(path), { bom: true, columns: true }) as Record<string, string>[];
  const set: BenchSet = { name: 'trl-train', tables: 1, columns: [], notes: [] };
  rows.forEach((row, index) => {
    // Rows repeat column names; the row number tells them apart in error lists.
    const table = `row${index + 2}`;
    let values;
    try {
      values = parsePythonList(row.records ?? '');
    } catch (error) {
      set.notes.push(`${table}: records skipped, ${(error as Error).message}`);
      return;
    }
    const output = (row.output ?? '').trim();
    if (output !== 'None' && !(output in TRL_LABELS)) {
      set.notes.push(`${table}: unknown label ${output}`);
    }
    set.columns.push({
      table,
      column: { name: row.column_name ?? '', values },
      truth: output === 'None' || output === '' ? null : output,
    });
  });
  return set;
}
