import { SENSITIVITY_LEVELS } from '../permissions/vocabulary.js';
import {
  CONDITION_FIELDS,
  type FactScope,
  type FieldSpec,
  type FieldType,
  type FieldValue,
} from './condition-fields.js';

/**
 * A compliance condition: plain JSON, never code. Combinators (`all`, `any`, `not`), column
 * quantifiers (`anyColumn`, `allColumns`) and comparisons of one listed field with a literal.
 *
 * @example
 * const condition: Condition = {
 *   all: [
 *     { field: 'dataset.personalData', op: 'eq', value: true },
 *     { not: { field: 'dataset.owners', op: 'isSet' } },
 *   ],
 * };
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { anyColumn: Condition }
  | { allColumns: Condition }
  | Comparison;

/** One field compared with a literal. */
export interface Comparison {
  field: string;
  op: Operator;
  value?: Literal;
}

/** A literal: a scalar, or a list of strings or numbers for `in`, `notIn`, `containsAny`, `containsAll`. */
export type Literal = string | number | boolean | readonly (string | number)[];

/**
 * Every operator, with the field types it applies to and the literal it takes.
 *
 * @example
 * OPERATORS.isSet.literal; // 'none'
 */
export const OPERATORS = {
  eq: { types: ['string', 'enum', 'level', 'number', 'boolean'], literal: 'scalar' },
  ne: { types: ['string', 'enum', 'level', 'number', 'boolean'], literal: 'scalar' },
  in: { types: ['string', 'enum', 'level', 'number'], literal: 'list' },
  notIn: { types: ['string', 'enum', 'level', 'number'], literal: 'list' },
  gt: { types: ['number', 'level'], literal: 'scalar' },
  gte: { types: ['number', 'level'], literal: 'scalar' },
  lt: { types: ['number', 'level'], literal: 'scalar' },
  lte: { types: ['number', 'level'], literal: 'scalar' },
  startsWith: { types: ['string'], literal: 'scalar' },
  contains: { types: ['list'], literal: 'scalar' },
  containsAny: { types: ['list'], literal: 'list' },
  containsAll: { types: ['list'], literal: 'list' },
  anyStartsWith: { types: ['list'], literal: 'scalar' },
  isSet: { types: ['string', 'enum', 'level', 'number', 'boolean', 'list'], literal: 'none' },
} as const satisfies Record<string, { types: readonly FieldType[]; literal: string }>;

export type Operator = keyof typeof OPERATORS;

/** Limits that keep a condition cheap to check and to evaluate. */
export const CONDITION_LIMITS = {
  depth: 8,
  nodes: 200,
  listItems: 200,
  textLength: 500,
} as const;

/**
 * A problem with a condition, pointing at the offending part with a JSON Pointer.
 *
 * @example
 * const issue: ConditionIssue = { path: '/all/1/field', message: 'unknown field "dataset.ownr"' };
 */
export interface ConditionIssue {
  path: string;
  message: string;
}

const COMBINATORS = ['all', 'any', 'not', 'anyColumn', 'allColumns'] as const;

/**
 * Checks that a value is a condition within the limits, whose fields exist, whose operators
 * suit each field and whose literals suit each operator. `columnScope` says whether column
 * fields are usable at the top (a column rule) or only inside a column quantifier.
 *
 * @example
 * checkCondition({ field: 'dataset.ownr', op: 'isSet' }, { columnScope: false, path: '/when' });
 * // [{ path: '/when/field', message: 'unknown field "dataset.ownr"; did you mean "dataset.owners"?' }]
 */
export function checkCondition(
  value: unknown,
  options: { columnScope: boolean; path?: string },
): ConditionIssue[] {
  const issues: ConditionIssue[] = [];
  const state = { nodes: 0 };
  visit(value, options.path ?? '', 1, options.columnScope, options.columnScope, issues, state);
  return issues;
}

function visit(
  node: unknown,
  path: string,
  depth: number,
  columnScope: boolean,
  inColumnRule: boolean,
  issues: ConditionIssue[],
  state: { nodes: number },
): void {
  state.nodes += 1;
  // Past the limit nothing more is looked at: a huge list would otherwise give one issue per
  // item, an answer far larger than the request.
  if (state.nodes > CONDITION_LIMITS.nodes) {
    if (state.nodes === CONDITION_LIMITS.nodes + 1) {
      issues.push({ path, message: `more than ${CONDITION_LIMITS.nodes} conditions` });
    }
    return;
  }
  if (depth > CONDITION_LIMITS.depth) {
    issues.push({ path, message: `nested deeper than ${CONDITION_LIMITS.depth} levels` });
    return;
  }
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    issues.push({ path, message: 'a condition must be an object' });
    return;
  }
  const keys = Object.keys(node);
  const combinator = COMBINATORS.find((key) => keys.includes(key));
  if (combinator) {
    if (keys.length !== 1) {
      issues.push({
        path,
        message: `"${combinator}" cannot be combined with other keys (${keys.join(', ')})`,
      });
      return;
    }
    const inner = (node as Record<string, unknown>)[combinator];
    const here = `${path}/${combinator}`;
    if (combinator === 'all' || combinator === 'any') {
      if (!Array.isArray(inner) || inner.length === 0) {
        issues.push({
          path: here,
          message: `"${combinator}" takes a non-empty list of conditions`,
        });
        return;
      }
      inner.forEach((child, index) =>
        visit(child, `${here}/${index}`, depth + 1, columnScope, inColumnRule, issues, state),
      );
      return;
    }
    if (combinator === 'not') {
      visit(inner, here, depth + 1, columnScope, inColumnRule, issues, state);
      return;
    }
    if (inColumnRule) {
      issues.push({
        path: here,
        message: `"${combinator}" is for dataset rules; a column rule sees one column`,
      });
      return;
    }
    if (columnScope) {
      issues.push({
        path: here,
        message: `"${combinator}" cannot be nested in another column quantifier`,
      });
      return;
    }
    visit(inner, here, depth + 1, true, inColumnRule, issues, state);
    return;
  }
  checkComparison(node as Record<string, unknown>, path, columnScope, issues);
}

function checkComparison(
  node: Record<string, unknown>,
  path: string,
  columnScope: boolean,
  issues: ConditionIssue[],
): void {
  const extra = Object.keys(node).filter((key) => !['field', 'op', 'value'].includes(key));
  if (extra.length > 0) {
    issues.push({
      path: `${path}/${extra[0]}`,
      message: `unknown key "${extra[0]}"; a condition is one of ${COMBINATORS.join(', ')} or { field, op, value }`,
    });
    return;
  }
  const { field, op, value } = node;
  if (typeof field !== 'string') {
    issues.push({ path: `${path}/field`, message: 'missing "field"' });
    return;
  }
  const spec = CONDITION_FIELDS.get(field);
  if (!spec) {
    issues.push({ path: `${path}/field`, message: unknownField(field) });
    return;
  }
  if (spec.scope === 'column' && !columnScope) {
    issues.push({
      path: `${path}/field`,
      message: `"${field}" needs a column: use it inside "anyColumn" or "allColumns", or in a column rule`,
    });
    return;
  }
  if (typeof op !== 'string' || !Object.hasOwn(OPERATORS, op)) {
    issues.push({
      path: `${path}/op`,
      message: `unknown operator ${JSON.stringify(op)}; known: ${Object.keys(OPERATORS).join(', ')}`,
    });
    return;
  }
  const operator = OPERATORS[op as Operator];
  if (!(operator.types as readonly FieldType[]).includes(spec.type)) {
    const fits = Object.entries(OPERATORS)
      .filter(([, o]) => (o.types as readonly FieldType[]).includes(spec.type))
      .map(([name]) => name);
    issues.push({
      path: `${path}/op`,
      message: `"${op}" does not apply to ${field} (${spec.type}); use one of ${fits.join(', ')}`,
    });
    return;
  }
  const problem = literalProblem(operator.literal, spec, value, 'value' in node);
  if (problem) issues.push({ path: `${path}/value`, message: problem });
}

function literalProblem(
  kind: 'scalar' | 'list' | 'none',
  spec: FieldSpec,
  value: unknown,
  given: boolean,
): string | null {
  if (kind === 'none') return given ? 'this operator takes no "value"' : null;
  if (!given) return 'missing "value"';
  const items = kind === 'list' ? value : [value];
  if (!Array.isArray(items)) return 'expected a list of values';
  if (kind === 'list' && items.length === 0) return 'expected a non-empty list';
  if (items.length > CONDITION_LIMITS.listItems) {
    return `at most ${CONDITION_LIMITS.listItems} values`;
  }
  const scalarType = spec.type === 'list' ? 'string' : spec.type;
  for (const item of items) {
    const itemProblem = scalarProblem(scalarType, spec, item);
    if (itemProblem) return itemProblem;
  }
  return null;
}

function scalarProblem(type: FieldType, spec: FieldSpec, item: unknown): string | null {
  if (type === 'number')
    return typeof item === 'number' && Number.isFinite(item) ? null : 'expected a number';
  if (type === 'boolean') return typeof item === 'boolean' ? null : 'expected true or false';
  if (typeof item !== 'string') return 'expected text';
  if (item.length > CONDITION_LIMITS.textLength) {
    return `text longer than ${CONDITION_LIMITS.textLength} characters`;
  }
  if ((type === 'enum' || type === 'level') && spec.values && !spec.values.includes(item)) {
    return `"${item}" is not one of ${spec.values.join(', ')}`;
  }
  return null;
}

function unknownField(field: string): string {
  const [scope] = field.split('.');
  const near = [...CONDITION_FIELDS.keys()].find(
    (name) => name.startsWith(`${scope}.`) && closeEnough(name, field),
  );
  const hint = near
    ? `did you mean "${near}"?`
    : `known: ${[...CONDITION_FIELDS.keys()].join(', ')}`;
  return `unknown field "${field}"; ${hint}`;
}

/** Same start and at most a third of the length apart: a typo, not another field. */
function closeEnough(a: string, b: string): boolean {
  const shorter = Math.min(a.length, b.length);
  let same = 0;
  while (same < shorter && a[same] === b[same]) same += 1;
  return same >= Math.max(a.indexOf('.') + 3, Math.ceil((2 * shorter) / 3));
}

/**
 * What evaluating a condition found: whether it holds and, for column quantifiers, the
 * columns that made `anyColumn` true or `allColumns` false (the evidence).
 */
export interface ConditionOutcome {
  holds: boolean;
  columns: string[];
}

/**
 * Evaluates a checked condition. Unknown values (null) satisfy no comparison but `ne` and
 * `notIn`, so a missing fact never passes a rule by accident: `not isSet` catches it.
 *
 * @example
 * evaluateCondition({ field: 'dataset.publicRead', op: 'eq', value: true }, scope).holds;
 */
export function evaluateCondition(condition: Condition, scope: FactScope): ConditionOutcome {
  const columns = new Set<string>();
  const holds = test(condition, scope, columns);
  return { holds, columns: [...columns] };
}

/** Where quantifiers nested in a quantifier would record columns: nowhere (they cannot nest). */
const NO_COLUMNS: Set<string> = new Set();

function test(condition: Condition, scope: FactScope, columns: Set<string>): boolean {
  if ('all' in condition) return condition.all.every((child) => test(child, scope, columns));
  if ('any' in condition) return condition.any.some((child) => test(child, scope, columns));
  // The columns found under a `not` are the culprits when it fails (`not anyColumn …`).
  if ('not' in condition) return !test(condition.not, scope, columns);
  if ('anyColumn' in condition) {
    const matching = columnsWhere(condition.anyColumn, scope, true);
    for (const name of matching) columns.add(name);
    return matching.length > 0;
  }
  if ('allColumns' in condition) {
    const failing = columnsWhere(condition.allColumns, scope, false);
    for (const name of failing) columns.add(name);
    return failing.length === 0;
  }
  const spec = CONDITION_FIELDS.get(condition.field);
  if (!spec) throw new Error(`unchecked condition: unknown field ${condition.field}`);
  return compare(condition.op, spec, spec.get(scope), condition.value);
}

/** The names of the dataset's columns on which `condition` comes out as `holds`. */
function columnsWhere(condition: Condition, scope: FactScope, holds: boolean): string[] {
  return scope.dataset.columns
    .filter(
      (column) =>
        test(condition, { source: scope.source, dataset: scope.dataset, column }, NO_COLUMNS) ===
        holds,
    )
    .map((column) => column.name);
}

function compare(op: Operator, spec: FieldSpec, actual: FieldValue, literal?: Literal): boolean {
  if (op === 'isSet') return actual !== null && !(Array.isArray(actual) && actual.length === 0);
  if (actual === null) return op === 'ne' || op === 'notIn';
  const list = Array.isArray(literal) ? (literal as readonly (string | number)[]) : [];
  if (Array.isArray(actual)) {
    const values = actual as readonly string[];
    if (op === 'contains') return values.includes(literal as string);
    if (op === 'containsAny') return list.some((item) => values.includes(item as string));
    if (op === 'containsAll') return list.every((item) => values.includes(item as string));
    if (op === 'anyStartsWith') return values.some((item) => item.startsWith(literal as string));
    return false;
  }
  const scalar = actual as string | number | boolean;
  switch (op) {
    case 'eq':
      return scalar === literal;
    case 'ne':
      return scalar !== literal;
    case 'in':
      return list.includes(scalar as string | number);
    case 'notIn':
      return !list.includes(scalar as string | number);
    case 'startsWith':
      return typeof scalar === 'string' && scalar.startsWith(literal as string);
    default:
      return ordered(op, spec, scalar, literal);
  }
}

function ordered(op: Operator, spec: FieldSpec, actual: unknown, literal: unknown): boolean {
  const rank = (value: unknown) =>
    spec.type === 'level' ? SENSITIVITY_LEVELS.indexOf(value as never) : (value as number);
  const [a, b] = [rank(actual), rank(literal)];
  if (op === 'gt') return a > b;
  if (op === 'gte') return a >= b;
  if (op === 'lt') return a < b;
  return a <= b;
}
