import { buildMongoQueryMatcher } from '@casl/ability';
import { ORDINAL_FIELDS } from './vocabulary.js';

type Ordering = 'lt' | 'lte' | 'gt' | 'gte';

interface FieldNode {
  field: string;
  value: unknown;
}

interface Context {
  get(object: unknown, field: string): unknown;
  compare(a: unknown, b: unknown): number;
}

const accepts: Record<Ordering, (order: number) => boolean> = {
  lt: (order) => order < 0,
  lte: (order) => order <= 0,
  gt: (order) => order > 0,
  gte: (order) => order >= 0,
};

function ordering(operator: Ordering) {
  const accept = accepts[operator];
  return (node: FieldNode, object: unknown, { get, compare }: Context): boolean => {
    const actual = get(object, node.field);
    // JavaScript orders null before every string (`null < 'x'`), SQL says "unknown" and drops
    // the row. Agreeing with SQL keeps `ability.can` and list queries from disagreeing.
    if (actual === null || actual === undefined) return false;
    const levels = ORDINAL_FIELDS[node.field];
    if (!levels) return accept(compare(actual, node.value));
    const rank = levels.indexOf(actual as string);
    const bound = levels.indexOf(node.value as string);
    if (rank < 0 || bound < 0) return false;
    return accept(rank - bound);
  };
}

/**
 * CASL's MongoDB-style conditions matcher with two changes that make in-memory checks agree
 * with the SQL filters built by `db/casl-to-kysely.ts`:
 * - `$lt`, `$lte`, `$gt`, `$gte` on an ordinal field (see `ORDINAL_FIELDS`) compare ranks,
 *   so `{ sensitivity: { $lte: 'internal' } }` means "public or internal";
 * - those operators never match a missing or null value.
 *
 * @example
 * const ability = createMongoAbility(rules, { conditionsMatcher: permissionConditionsMatcher });
 */
export const permissionConditionsMatcher = buildMongoQueryMatcher(
  {},
  {
    lt: ordering('lt'),
    lte: ordering('lte'),
    gt: ordering('gt'),
    gte: ordering('gte'),
  },
);
