import type { MongoAbility, RawRuleOf } from '@casl/ability';
import type { SeededRandom } from '../../scripts/demo/seeded-random.js';
import type { PermissionWorld } from './permission-fixtures.js';

/**
 * Subjects the random-rule world seeds: those of `PermissionWorld` (pipelines have no table
 * yet; classifiers and the compliance subjects are not seeded).
 */
export type FilteredSubject = Exclude<keyof PermissionWorld, 'actors'>;

type GeneratedRule = RawRuleOf<MongoAbility>;

const EQUALITY = ['eq', 'ne', 'in', 'nin'] as const;
const ORDERING = ['lt', 'lte', 'gt', 'gte'] as const;
type Operator = (typeof EQUALITY)[number] | (typeof ORDERING)[number];

// Ordering is only generated for uuid and ordinal columns: text columns order by the
// database collation, which JavaScript does not reproduce.
const FIELDS: Partial<Record<FilteredSubject, Record<string, readonly Operator[]>>> = {
  DataSource: {
    id: [...EQUALITY, ...ORDERING],
    workspaceId: [...EQUALITY, ...ORDERING],
    createdBy: [...EQUALITY, ...ORDERING],
    name: EQUALITY,
    scanner: EQUALITY,
  },
  CatalogAsset: {
    workspaceId: EQUALITY,
    dataSourceId: EQUALITY,
    kind: EQUALITY,
    sensitivity: [...EQUALITY, ...ORDERING],
  },
  ScanRun: {
    workspaceId: EQUALITY,
    dataSourceId: EQUALITY,
    requestedBy: [...EQUALITY, ...ORDERING],
  },
  Membership: { workspaceId: EQUALITY, userId: [...EQUALITY, ...ORDERING], role: EQUALITY },
  AuditLog: { workspaceId: EQUALITY, actorUserId: EQUALITY },
};

function condition(rng: SeededRandom, values: unknown[], operators: readonly Operator[]): unknown {
  const operator = rng.pick(operators);
  const present = values.filter((value) => value !== null);
  const value = (ORDERING as readonly string[]).includes(operator)
    ? rng.pick(present)
    : rng.pick(values);
  if (operator === 'eq' && rng.chance(0.5)) return value;
  if (operator === 'in' || operator === 'nin') {
    const list = Array.from({ length: rng.int(0, 3) }, () => rng.pick(values));
    return { [`$${operator}`]: list };
  }
  return { [`$${operator}`]: value };
}

/**
 * One to four random rules about `type`, drawn from values that occur in `world` (null
 * included where a column holds it) so that conditions match some rows and not others.
 *
 * @example
 * const ability = createMongoAbility(randomRules(rng, 'DataSource', world));
 */
export function randomRules(
  rng: SeededRandom,
  type: FilteredSubject,
  world: PermissionWorld,
): GeneratedRule[] {
  const fields = FIELDS[type];
  if (!fields) throw new Error(`no random fields for ${type}`);
  const names = Object.keys(fields);
  return Array.from({ length: rng.int(1, 4) }, () => {
    const rule: GeneratedRule = {
      action: rng.chance(0.15) ? 'manage' : 'read',
      subject: type,
      inverted: rng.chance(0.35),
    };
    if (rng.chance(0.1)) rule.fields = ['name'];
    if (rng.chance(0.85)) {
      const conditions: Record<string, unknown> = {};
      for (let i = rng.int(1, 2); i > 0; i--) {
        const field = rng.pick(names);
        const values = [...new Set(world[type].map((row) => row[field]))];
        conditions[field] = condition(rng, values, fields[field]!);
      }
      rule.conditions = conditions;
    }
    return rule;
  });
}
