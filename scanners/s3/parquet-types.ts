import type { SchemaElement, SchemaTree } from 'hyparquet';
import type { FileColumn } from './file-schema.js';

/**
 * The catalog type name of a top-level Parquet field: its logical type when it has one
 * (`STRING`, `DATE`, `DECIMAL(12,2)`, `TIMESTAMP(MILLIS, UTC)`, `INT8`, `UUID`…), else its
 * legacy converted type, else the physical type (`INT32`, `INT96`, `BYTE_ARRAY`…). Groups are
 * `LIST`, `MAP` or `STRUCT`; a repeated field without a LIST wrapper is `REPEATED <type>`.
 *
 * @example
 * parquetTypeName({ name: 'amount', type: 'INT64', logical_type: { type: 'DECIMAL', precision: 18, scale: 2 } }, 0);
 * // 'DECIMAL(18,2)'
 */
export function parquetTypeName(element: SchemaElement, children: number): string {
  const base = logicalName(element) ?? convertedName(element) ?? physicalName(element, children);
  return element.repetition_type === 'REPEATED' ? `REPEATED ${base}` : base;
}

/**
 * The columns of a Parquet schema: its top-level fields, nested ones described as one column.
 *
 * @example
 * parquetColumns(parquetSchema(metadata)); // [{ name: 'id', dataType: 'INT32', nullable: false }, …]
 */
export function parquetColumns(root: SchemaTree): FileColumn[] {
  return root.children.map((child) => ({
    name: child.element.name,
    dataType: parquetTypeName(child.element, child.children.length),
    nullable: child.element.repetition_type === 'OPTIONAL',
  }));
}

function logicalName(element: SchemaElement): string | undefined {
  const logical = element.logical_type;
  if (!logical) return undefined;
  switch (logical.type) {
    case 'DECIMAL':
      return `DECIMAL(${logical.precision},${logical.scale})`;
    case 'TIMESTAMP':
    case 'TIME':
      return `${logical.type}(${logical.unit}${logical.isAdjustedToUTC ? ', UTC' : ''})`;
    case 'INTEGER':
      return `${logical.isSigned ? 'INT' : 'UINT'}${logical.bitWidth}`;
    default:
      return logical.type;
  }
}

function convertedName(element: SchemaElement): string | undefined {
  const converted = element.converted_type;
  switch (converted) {
    case undefined:
      return undefined;
    case 'UTF8':
      return 'STRING';
    case 'DECIMAL':
      return `DECIMAL(${element.precision ?? 0},${element.scale ?? 0})`;
    case 'TIMESTAMP_MILLIS':
    case 'TIMESTAMP_MICROS':
    case 'TIME_MILLIS':
    case 'TIME_MICROS': {
      const [kind, unit] = converted.split('_') as [string, string];
      // The legacy converted types always meant instants adjusted to UTC.
      return `${kind}(${unit}, UTC)`;
    }
    case 'MAP_KEY_VALUE':
      return 'MAP';
    default:
      return converted.replace(/^(U?INT)_/, '$1');
  }
}

function physicalName(element: SchemaElement, children: number): string {
  if (!element.type) return children > 0 ? 'STRUCT' : 'NULL';
  if (element.type === 'FIXED_LEN_BYTE_ARRAY') {
    return `FIXED_LEN_BYTE_ARRAY(${element.type_length ?? 0})`;
  }
  return element.type;
}
