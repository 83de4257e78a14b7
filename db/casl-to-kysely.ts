import type { AnyMongoAbility, ExtractSubjectType } from '@casl/ability';
import { rulesToAST } from '@casl/ability/extra';
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { levelsWhere } from '../core/permissions/vocabulary.js';

/** A column whose values are levels of an ordered list, compared by position. */
export interface OrdinalColumn<C extends string = string> {
  column: C;
  levels: readonly string[];
}

/** Where a subject field lives: a (preferably qualified) column, or an ordinal one. */
export type ColumnSpec<C extends string = string> = C | OrdinalColumn<C>;

/**
 * The allow-list of subject fields (camelCase, as rules name them) a translation may touch,
 * each mapped to its column. A rule on any other field makes the translation throw.
 *
 * @example
 * const columns: SubjectColumns = { workspaceId: 'data_sources.workspace_id' };
 */
export type SubjectColumns<C extends string = string> = Readonly<
  Record<string, ColumnSpec<C> | undefined>
>;

/**
 * A rule the SQL translation cannot express faithfully. Thrown instead of dropping the
 * condition, since dropping one would widen (or narrow) what a user sees.
 *
 * @example
 * try { caslToKysely(ability, 'read', 'DataSource', columns); }
 * catch (error) { if (error instanceof PermissionTranslationError) log.error(error.message); }
 */
export class PermissionTranslationError extends Error {
  override name = 'PermissionTranslationError';
}

/** The shape of a CASL condition node (ucast AST), as far as this translation reads it. */
type Condition = NonNullable<ReturnType<typeof rulesToAST>>;
interface Node {
  operator: string;
  value: unknown;
  field?: unknown;
}

type Scalar = string | number | boolean | bigint | Date;
type Ordering = 'lt' | 'lte' | 'gt' | 'gte';

const TRUE = sql<SqlBool>`true`;
const FALSE = sql<SqlBool>`false`;
const sqlOrdering: Record<Ordering, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };
const inverse: Record<Ordering, Ordering> = { lt: 'gte', lte: 'gt', gt: 'lte', gte: 'lt' };

/**
 * Turns what `ability` allows for `action` on `subjectType` into a where-expression, so list
 * queries return exactly the rows `ability.can(action, subject(type, row))` accepts.
 * Inverted (`cannot`) rules become `not (…)`; no matching rule gives `false`, an
 * unconditional `can` gives `true`. Field-level rules do not narrow rows. Values are always
 * bound parameters. Columns in `columns` that belong to another table must be joined by the
 * caller.
 *
 * Null follows CASL, not SQL: a `cannot` on `{ createdBy: id }` still allows rows whose
 * `created_by` is null, and `$lt`/`$lte`/`$gt`/`$gte` never match null. Ordering on text
 * columns uses the database collation, which can differ from JavaScript's order.
 *
 * @throws PermissionTranslationError on a field outside `columns`, an operator other than
 *   `$eq`, `$ne`, `$in`, `$nin`, `$lt`, `$lte`, `$gt`, `$gte`, or a value it cannot bind.
 * @example
 * const visible = await db
 *   .selectFrom('data_sources')
 *   .where(caslToKysely(ability, 'read', 'DataSource', permissionColumns.DataSource))
 *   .selectAll()
 *   .execute();
 */
export function caslToKysely<A extends AnyMongoAbility>(
  ability: A,
  action: Parameters<A['rulesFor']>[0],
  subjectType: ExtractSubjectType<Parameters<A['rulesFor']>[1]>,
  columns: SubjectColumns,
): RawBuilder<SqlBool> {
  const ast = rulesToAST(ability, action, subjectType);
  return ast ? conditionToSql(ast, columns) : FALSE;
}

/**
 * Translates one CASL condition tree (as returned by `rulesToAST`) into SQL.
 *
 * @example
 * const ast = rulesToAST(ability, 'read', 'CatalogAsset');
 * const where = ast ? conditionToSql(ast, permissionColumns.CatalogAsset) : sql`false`;
 */
export function conditionToSql(condition: Condition, columns: SubjectColumns): RawBuilder<SqlBool> {
  return translate(condition as Node, columns, false);
}

// Negation is pushed down to the leaves so each leaf can say exactly what "not" means for
// null; a plain SQL `not (x = $1)` would drop rows where x is null, which CASL keeps.
function translate(node: Node, columns: SubjectColumns, negated: boolean): RawBuilder<SqlBool> {
  if (typeof node.field === 'string') return leaf(node, node.field, columns, negated);
  const children = Array.isArray(node.value) ? (node.value as Node[]) : [];
  switch (node.operator) {
    case 'and':
    case 'or': {
      const parts = children.map((child) => translate(child, columns, negated));
      const conjunction = (node.operator === 'and') !== negated;
      if (parts.length === 0) return conjunction ? TRUE : FALSE;
      if (parts.length === 1) return parts[0]!;
      return sql<SqlBool>`(${sql.join(parts, conjunction ? sql` and ` : sql` or `)})`;
    }
    case 'not':
      if (children.length !== 1) throw new PermissionTranslationError('"not" takes one condition');
      return translate(children[0]!, columns, !negated);
    default:
      throw new PermissionTranslationError(`unsupported operator "${node.operator}"`);
  }
}

function leaf(
  node: Node,
  field: string,
  columns: SubjectColumns,
  negated: boolean,
): RawBuilder<SqlBool> {
  const spec = Object.hasOwn(columns, field) ? columns[field] : undefined;
  if (spec === undefined) {
    throw new PermissionTranslationError(`field "${field}" is not in the column allow-list`);
  }
  const levels = typeof spec === 'string' ? undefined : spec.levels;
  const ref = sql.ref(typeof spec === 'string' ? spec : spec.column);
  const check = (value: unknown): Scalar | null => {
    const bound = bindable(value, field);
    if (levels && bound !== null && !levels.includes(bound as string)) {
      throw new PermissionTranslationError(`"${String(bound)}" is not a level of "${field}"`);
    }
    return bound;
  };
  const operator = node.operator;
  switch (operator) {
    case 'eq':
    case 'ne':
      return equality(ref, check(node.value), negated !== (operator === 'ne'));
    case 'in':
    case 'nin':
      return membership(ref, list(node.value, field).map(check), negated !== (operator === 'nin'));
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      if (levels) return membership(ref, levelsOrThrow(levels, operator, node.value), negated);
      const bound = check(node.value);
      if (bound === null) {
        throw new PermissionTranslationError(`"${field}" cannot be ordered against null`);
      }
      if (!negated) return sql<SqlBool>`${ref} ${sql.raw(sqlOrdering[operator])} ${bound}`;
      return sql<SqlBool>`(${ref} is null or ${ref} ${sql.raw(sqlOrdering[inverse[operator]])} ${bound})`;
    }
    default:
      throw new PermissionTranslationError(`unsupported operator "${operator}" on "${field}"`);
  }
}

function equality(ref: RawBuilder<unknown>, value: Scalar | null, negated: boolean) {
  if (value === null)
    return negated ? sql<SqlBool>`${ref} is not null` : sql<SqlBool>`${ref} is null`;
  return negated ? sql<SqlBool>`${ref} is distinct from ${value}` : sql<SqlBool>`${ref} = ${value}`;
}

function membership(ref: RawBuilder<unknown>, values: (Scalar | null)[], negated: boolean) {
  const present = values.filter((value): value is Scalar => value !== null);
  const withNull = present.length < values.length;
  const listed = present.length > 0 ? sql.join(present) : undefined;
  if (!negated) {
    const parts = [
      ...(listed ? [sql<SqlBool>`${ref} in (${listed})`] : []),
      ...(withNull ? [sql<SqlBool>`${ref} is null`] : []),
    ];
    if (parts.length === 0) return FALSE;
    return parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
  }
  if (!listed) return withNull ? sql<SqlBool>`${ref} is not null` : TRUE;
  return withNull
    ? sql<SqlBool>`(${ref} is not null and ${ref} not in (${listed}))`
    : sql<SqlBool>`(${ref} is null or ${ref} not in (${listed}))`;
}

function levelsOrThrow(levels: readonly string[], operator: Ordering, bound: unknown): string[] {
  try {
    return levelsWhere(levels, operator, bound);
  } catch (error) {
    throw new PermissionTranslationError((error as Error).message);
  }
}

function list(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new PermissionTranslationError(`"${field}" needs a list`);
  return value;
}

function bindable(value: unknown, field: string): Scalar | null {
  if (value === null || value instanceof Date) return value;
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new PermissionTranslationError(`"${field}" cannot be compared with ${value}`);
  }
  if (['string', 'number', 'boolean', 'bigint'].includes(typeof value)) return value as Scalar;
  throw new PermissionTranslationError(`"${field}" cannot be compared with a ${typeof value}`);
}
