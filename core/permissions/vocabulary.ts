/**
 * The words the permission model is written in. The database stores the same strings (check
 * constraints in the migrations), so changing a list here needs a migration too.
 */

/**
 * Roles a user can hold in a workspace, one per workspace.
 *
 * @example
 * if (!ROLES.includes(input as Role)) throw new Error('unknown role');
 */
export const ROLES = ['admin', 'data_steward', 'data_engineer', 'viewer'] as const;

/** @example const role: Role = 'viewer'; */
export type Role = (typeof ROLES)[number];

/**
 * Sensitivity levels of a catalog asset, least sensitive first. The order matters: rules say
 * "up to `internal`", so a level is compared by its position in this list, not as text (as
 * text, `confidential` < `internal` < `public` < `restricted`).
 *
 * @example
 * SENSITIVITY_LEVELS.indexOf('internal'); // 1
 */
export const SENSITIVITY_LEVELS = ['public', 'internal', 'confidential', 'restricted'] as const;

/** @example const level: Sensitivity = 'confidential'; */
export type Sensitivity = (typeof SENSITIVITY_LEVELS)[number];

/**
 * Whether a value is one of the sensitivity levels.
 *
 * @example
 * isSensitivity('internal'); // true
 * isSensitivity('secret'); // false
 */
export function isSensitivity(value: unknown): value is Sensitivity {
  return typeof value === 'string' && (SENSITIVITY_LEVELS as readonly string[]).includes(value);
}

/**
 * Fields whose values are levels of an ordered list rather than free text. Conditions such as
 * `{ sensitivity: { $lte: 'internal' } }` compare these by rank, both in memory and in SQL.
 *
 * @example
 * ORDINAL_FIELDS.sensitivity?.indexOf('restricted'); // 3
 */
export const ORDINAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  sensitivity: SENSITIVITY_LEVELS,
};

/**
 * The levels of an ordered list that satisfy a comparison with `bound`, e.g. everything up to
 * `internal`. Throws on a bound that is not a level, so a typo cannot widen or empty a rule.
 *
 * @example
 * levelsWhere(SENSITIVITY_LEVELS, 'lte', 'internal'); // ['public', 'internal']
 */
export function levelsWhere(
  levels: readonly string[],
  operator: 'lt' | 'lte' | 'gt' | 'gte',
  bound: unknown,
): string[] {
  const rank = typeof bound === 'string' ? levels.indexOf(bound) : -1;
  if (rank < 0) {
    throw new Error(`"${String(bound)}" is not one of the levels ${levels.join(', ')}`);
  }
  const keep: Record<typeof operator, (index: number) => boolean> = {
    lt: (index) => index < rank,
    lte: (index) => index <= rank,
    gt: (index) => index > rank,
    gte: (index) => index >= rank,
  };
  return levels.filter((_, index) => keep[operator](index));
}
