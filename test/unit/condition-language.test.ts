import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { datasetView, type FactScope } from '../../core/compliance/condition-fields.js';
import {
  CONDITION_LIMITS,
  checkCondition,
  evaluateCondition,
  type Condition,
} from '../../core/compliance/condition-language.js';
import { parseRule } from '../../core/compliance/rule-pack.js';
import { datasetConditionArbitrary, factsArbitrary } from '../helpers/condition-arbitraries.js';
import { columnFacts, datasetFacts, sourceFacts } from '../helpers/compliance-facts.js';

const datasetRule = (condition: unknown) => checkCondition(condition, { columnScope: false });
const columnRule = (condition: unknown) => checkCondition(condition, { columnScope: true });
const owners: Condition = { field: 'dataset.owners', op: 'isSet' };
const nest = (levels: number): unknown => (levels === 0 ? owners : { not: nest(levels - 1) });

describe('checkCondition', () => {
  it('accepts a well-formed dataset condition', () => {
    const condition = {
      all: [
        { field: 'dataset.personalData', op: 'eq', value: true },
        { anyColumn: { field: 'column.sensitivity', op: 'gte', value: 'confidential' } },
        { not: { field: 'source.region', op: 'in', value: ['eu-west-1', 'westeurope'] } },
      ],
    };
    expect(datasetRule(condition)).toEqual([]);
  });

  it('rejects an unknown field with a "did you mean" hint', () => {
    const issues = checkCondition(
      { all: [owners, { field: 'dataset.ownr', op: 'isSet' }] },
      { columnScope: false, path: '/when' },
    );
    expect(issues).toEqual([
      {
        path: '/when/all/1/field',
        message: expect.stringContaining('did you mean "dataset.owners"?'),
      },
    ]);
    expect(columnRule({ field: 'column.sensitivty', op: 'isSet' })[0]?.message).toContain(
      'did you mean "column.sensitivity"?',
    );
  });

  // Each: where the issue points, what it says, and the condition.
  it.each([
    ['/op', /unknown operator "like"/, { field: 'dataset.name', op: 'like', value: 'x' }],
    [
      '/op',
      /not apply to dataset.owners \(list\)/,
      { field: 'dataset.owners', op: 'eq', value: 'x' },
    ],
    ['/op', /does not apply/, { field: 'dataset.kind', op: 'gt', value: 'table' }],
    ['/value', /expected a number/, { field: 'dataset.retentionDays', op: 'gt', value: '30' }],
    ['/value', /expected true or false/, { field: 'dataset.publicRead', op: 'eq', value: 'true' }],
    ['/value', /expected a list/, { field: 'dataset.kind', op: 'in', value: 'view' }],
    ['/value', /non-empty list/, { field: 'source.tags', op: 'containsAny', value: [] }],
    ['/value', /expected text/, { field: 'source.tags', op: 'containsAny', value: ['pci', 1] }],
    ['/value', /missing "value"/, { field: 'dataset.name', op: 'eq' }],
    ['/value', /takes no "value"/, { field: 'dataset.owners', op: 'isSet', value: true }],
    [
      '/value',
      /"tabel" is not one of table, view/,
      { field: 'dataset.kind', op: 'eq', value: 'tabel' },
    ],
    [
      '/value',
      /not one of public, internal/,
      { field: 'dataset.sensitivity', op: 'gte', value: 'secret' },
    ],
    [
      '/value',
      /"because"/,
      { field: 'dataset.legalBasis', op: 'in', value: ['consent', 'because'] },
    ],
    ['/value', /longer than 500/, { field: 'dataset.name', op: 'eq', value: 'x'.repeat(501) }],
    ['/unless', /unknown key "unless"/, { field: 'dataset.name', op: 'isSet', unless: true }],
    ['/field', /missing "field"/, { op: 'isSet' }],
  ])('points at %s (%s)', (path, message, condition) => {
    const issues = datasetRule(condition);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(path);
    expect(issues[0]!.message).toMatch(message);
  });

  it('rejects combinators mixed with other keys, empty lists and non-objects', () => {
    expect(datasetRule({ all: [owners], field: 'dataset.name' })[0]?.message).toMatch(
      /cannot be combined/,
    );
    expect(datasetRule({ any: [] })).toEqual([
      { path: '/any', message: expect.stringMatching(/non-empty/) },
    ]);
    expect(datasetRule({ not: [owners] })).toEqual([
      { path: '/not', message: 'a condition must be an object' },
    ]);
    expect(datasetRule('dataset.owners')).toHaveLength(1);
    expect(datasetRule(null)).toHaveLength(1);
  });

  it('keeps column fields inside a quantifier in dataset rules, and quantifiers out of column rules', () => {
    expect(datasetRule({ not: { field: 'column.infoType', op: 'eq', value: 'US_SSN' } })).toEqual([
      { path: '/not/field', message: expect.stringMatching(/needs a column/) },
    ]);
    expect(
      datasetRule({ anyColumn: { field: 'column.infoType', op: 'eq', value: 'US_SSN' } }),
    ).toEqual([]);
    expect(columnRule({ field: 'column.infoType', op: 'eq', value: 'US_SSN' })).toEqual([]);
    expect(columnRule({ anyColumn: { field: 'column.personal', op: 'eq', value: true } })).toEqual([
      { path: '/anyColumn', message: expect.stringMatching(/for dataset rules/) },
    ]);
    expect(columnRule({ not: { allColumns: owners } })[0]?.path).toBe('/not/allColumns');
  });

  it('rejects nested quantifiers', () => {
    const nested = {
      anyColumn: { not: { allColumns: { field: 'column.personal', op: 'eq', value: true } } },
    };
    expect(datasetRule(nested)).toEqual([
      { path: '/anyColumn/not/allColumns', message: expect.stringMatching(/cannot be nested/) },
    ]);
  });

  it('rejects evidence fields of columns in a dataset rule', () => {
    const rule = {
      id: 'acme-owner',
      title: 'Datasets have owners',
      references: ['GDPR Art. 24(1)'],
      severity: 'low',
      target: 'dataset',
      when: owners,
      require: owners,
      evidence: ['column.name', 'dataset.nope'],
      remediation: 'Set an owner in the catalog.',
    };
    const parsed = parseRule(rule, { framework: 'ACME', pack: 'acme' });
    expect(parsed.ok ? [] : parsed.issues.map((issue) => issue.path)).toEqual([
      '/evidence/0',
      '/evidence/1',
    ]);
  });

  it('limits depth to 8 levels and size to 200 conditions', () => {
    expect(datasetRule(nest(CONDITION_LIMITS.depth - 1))).toEqual([]);
    expect(datasetRule(nest(CONDITION_LIMITS.depth))).toEqual([
      { path: `${'/not'.repeat(8)}`, message: 'nested deeper than 8 levels' },
    ]);
    const many = (n: number) => ({ any: Array.from({ length: n }, () => owners) });
    expect(datasetRule(many(CONDITION_LIMITS.nodes - 1))).toEqual([]);
    expect(datasetRule(many(CONDITION_LIMITS.nodes))).toEqual([
      { path: '/any/199', message: 'more than 200 conditions' },
    ]);
  });

  it('answers a huge condition with a bounded number of issues', () => {
    // Regression: every item past the limit used to add its own issue (one per list item).
    const issues = datasetRule({ all: Array.from({ length: 50_000 }, () => 0) });
    expect(issues.length).toBeLessThanOrEqual(CONDITION_LIMITS.nodes + 1);
    expect(issues.at(-1)?.message).toBe('more than 200 conditions');
  });
});

describe('conditions cannot reach code', () => {
  it.each([
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'dataset.__proto__',
    'dataset.constructor',
    'dataset.constructor.prototype',
    'dataset.hasOwnProperty',
    'process.env',
    'process.env.DATABASE_URL',
    'globalThis.process',
    'source.tags.constructor',
    'source.tags.length',
    'column.name.__proto__',
  ])('rejects the field %s', (field) => {
    const issues = checkCondition({ anyColumn: { field, op: 'isSet' } }, { columnScope: false });
    expect(issues).toEqual([
      { path: '/anyColumn/field', message: expect.stringMatching(/^unknown field/) },
    ]);
  });

  it.each(['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'call'])(
    'rejects the operator %s',
    (op) => {
      expect(datasetRule({ field: 'dataset.name', op, value: 'x' })[0]?.path).toBe('/op');
    },
  );

  it('rejects object values and own __proto__ keys without polluting prototypes', () => {
    for (const value of [{ $where: 'process.exit(1)' }, { toString: 'x' }, [['nested']]]) {
      expect(datasetRule({ field: 'dataset.name', op: 'eq', value })[0]?.message).toBe(
        'expected text',
      );
    }
    const parsed = JSON.parse(
      '{"__proto__": {"polluted": true}, "field": "dataset.name", "op": "isSet"}',
    );
    expect(datasetRule(parsed)[0]?.path).toBe('/__proto__');
    expect(
      datasetRule(JSON.parse('{"__proto__": {"field": "dataset.name", "op": "isSet"}}')),
    ).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('treats code-like text as text', () => {
    const code = '() => { process.exit(1) }';
    const condition = { field: 'source.name', op: 'eq', value: code } as const;
    expect(datasetRule(condition)).toEqual([]);
    const scope = (name: string): FactScope => ({
      source: sourceFacts({ name }),
      dataset: datasetView(datasetFacts([])),
    });
    expect(evaluateCondition(condition, scope('shop')).holds).toBe(false);
    expect(evaluateCondition(condition, scope(code)).holds).toBe(true);
  });

  it('has no eval, Function constructor or dynamic import in the compliance code', () => {
    const dir = join(import.meta.dirname, '../../core/compliance');
    const files = readdirSync(dir)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(dir, name));
    files.push(join(import.meta.dirname, '../../infra/compliance-packs.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(
        /\beval\s*\(|new\s+Function\b|\bFunction\s*\(|\bimport\s*\(|\brequire\s*\(|node:vm/,
      );
    }
  });
});

describe('evaluateCondition', () => {
  const email = columnFacts('email', 'EMAIL_ADDRESS');
  const phone = columnFacts('phone', 'PHONE_NUMBER');
  const city = columnFacts('city', 'CITY');
  const scopeOf = (dataset = datasetFacts([email, phone, city])): FactScope => ({
    source: sourceFacts({ region: null }),
    dataset: datasetView(dataset),
  });
  const holds = (condition: Condition, scope = scopeOf()) =>
    evaluateCondition(condition, scope).holds;

  it('lets unknown (null) facts satisfy only ne and notIn; isSet is false', () => {
    const unknown = scopeOf(
      datasetFacts([], { description: null, rowEstimate: null, publicRead: null, tags: [] }),
    );
    const cases: [Condition, boolean][] = [
      [{ field: 'source.region', op: 'eq', value: 'eu-west-1' }, false],
      [{ field: 'source.region', op: 'ne', value: 'eu-west-1' }, true],
      [{ field: 'source.region', op: 'in', value: ['eu-west-1'] }, false],
      [{ field: 'source.region', op: 'notIn', value: ['eu-west-1'] }, true],
      [{ field: 'source.region', op: 'startsWith', value: '' }, false],
      [{ field: 'source.region', op: 'isSet' }, false],
      [{ field: 'dataset.description', op: 'isSet' }, false],
      [{ field: 'dataset.legalBasis', op: 'isSet' }, false],
      [{ field: 'dataset.legalBasis', op: 'notIn', value: ['consent'] }, true],
      [{ field: 'dataset.rowEstimate', op: 'eq', value: 0 }, false],
      [{ field: 'dataset.rowEstimate', op: 'ne', value: 0 }, true],
      [{ field: 'dataset.rowEstimate', op: 'gt', value: -1 }, false],
      [{ field: 'dataset.rowEstimate', op: 'gte', value: 0 }, false],
      [{ field: 'dataset.rowEstimate', op: 'lt', value: 1 }, false],
      [{ field: 'dataset.rowEstimate', op: 'lte', value: 0 }, false],
      [{ field: 'dataset.publicRead', op: 'eq', value: false }, false],
      [{ field: 'dataset.publicRead', op: 'eq', value: true }, false],
      [{ field: 'dataset.publicRead', op: 'ne', value: true }, true],
      [{ field: 'dataset.publicRead', op: 'isSet' }, false],
    ];
    for (const [condition, expected] of cases) {
      expect(datasetRule(condition)).toEqual([]);
      expect(holds(condition, unknown), JSON.stringify(condition)).toBe(expected);
    }
    const noOwners = scopeOf(datasetFacts([], { owners: [] }));
    expect(holds({ field: 'dataset.owners', op: 'isSet' }, noOwners)).toBe(false);
  });

  it('compares levels by their order, not as text', () => {
    const internal = scopeOf(datasetFacts([city]));
    expect(internal.dataset.sensitivity).toBe('internal');
    expect(holds({ field: 'dataset.sensitivity', op: 'lt', value: 'confidential' }, internal)).toBe(
      true,
    );
    expect(holds({ field: 'dataset.sensitivity', op: 'gt', value: 'public' }, internal)).toBe(true);
    expect(holds({ field: 'dataset.sensitivity', op: 'gte', value: 'restricted' }, internal)).toBe(
      false,
    );
    expect(
      holds({ anyColumn: { field: 'column.sensitivity', op: 'gt', value: 'internal' } }, internal),
    ).toBe(false);
    expect(holds({ anyColumn: { field: 'column.sensitivity', op: 'gt', value: 'internal' } })).toBe(
      true,
    );
  });

  it('records the columns anyColumn matched, and the culprits of a failing not anyColumn', () => {
    const confidential: Condition = {
      anyColumn: { field: 'column.sensitivity', op: 'gte', value: 'confidential' },
    };
    expect(evaluateCondition(confidential, scopeOf())).toEqual({
      holds: true,
      columns: ['email', 'phone'],
    });
    expect(evaluateCondition({ not: confidential }, scopeOf())).toEqual({
      holds: false,
      columns: ['email', 'phone'],
    });
    expect(evaluateCondition({ not: confidential }, scopeOf(datasetFacts([city])))).toEqual({
      holds: true,
      columns: [],
    });
  });

  it('records the columns that make allColumns false; allColumns holds on no columns', () => {
    const described: Condition = {
      allColumns: { field: 'column.personal', op: 'eq', value: true },
    };
    const mixed = datasetFacts([email, columnFacts('note', null)]);
    expect(evaluateCondition(described, scopeOf(mixed))).toEqual({
      holds: false,
      columns: ['note'],
    });
    expect(evaluateCondition(described, scopeOf(datasetFacts([])))).toEqual({
      holds: true,
      columns: [],
    });
    expect(holds({ anyColumn: described.allColumns }, scopeOf(datasetFacts([])))).toBe(false);
  });

  it('derives legal basis, retention and special categories from tags and types', () => {
    const view = datasetView(
      datasetFacts([columnFacts('dx', 'ICD10_CODE'), columnFacts('id', 'UUID')], {
        tags: ['legal-basis:consent', 'retention:P1Y6M'],
      }),
    );
    expect(view).toMatchObject({
      legalBasis: 'consent',
      retentionDays: 545,
      specialCategoryData: true,
      personalData: true,
      infoTypes: ['ICD10_CODE'],
      categories: ['health'],
      sensitiveColumns: 1,
    });
  });
});

describe('evaluation of random checked conditions', () => {
  it('never throws, is deterministic and does not change the facts', () => {
    fc.assert(
      fc.property(datasetConditionArbitrary, factsArbitrary, (condition, facts) => {
        expect(datasetRule(condition)).toEqual([]);
        const snapshot = structuredClone(facts);
        const scope = () => ({ source: facts.source, dataset: datasetView(facts.dataset) });
        const first = evaluateCondition(condition, scope());
        expect(evaluateCondition(structuredClone(condition), scope())).toEqual(first);
        expect(evaluateCondition({ not: condition }, scope()).holds).toBe(!first.holds);
        expect(facts).toEqual(snapshot);
      }),
      { numRuns: 300 },
    );
  });
});
