import fc from 'fast-check';
import { BUILTIN_INFO_TYPES } from '../../core/classification/catalogue/index.js';
import type { ColumnFacts, DatasetFacts, SourceFacts } from '../../core/compliance/asset-facts.js';
import { CONDITION_FIELDS, type FieldSpec } from '../../core/compliance/condition-fields.js';
import {
  OPERATORS,
  type Condition,
  type Literal,
  type Operator,
} from '../../core/compliance/condition-language.js';
import { SENSITIVITY_LEVELS } from '../../core/permissions/vocabulary.js';

/**
 * Words that occur in the generated facts, so that random comparisons match some facts and
 * not others instead of almost never holding.
 */
const WORDS = [
  'hipaa',
  'pci',
  'eu-west-1',
  'us-east-1',
  'legal-basis:consent',
  'retention:P3Y',
  'retention:soon',
  'email',
  'EMAIL_ADDRESS',
  'CREDIT_CARD',
  'postgres',
  'user:1',
  '',
];
const word = fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 6 }));
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });

function scalar(spec: FieldSpec): fc.Arbitrary<string | number | boolean> {
  if (spec.type === 'number')
    return fc.oneof(fc.integer({ min: -5, max: 3000 }), fc.double({ min: 0, max: 1, noNaN: true }));
  if (spec.type === 'boolean') return fc.boolean();
  if (spec.values) return fc.constantFrom(...spec.values);
  return word;
}

function comparison(fields: [string, FieldSpec][]): fc.Arbitrary<Condition> {
  return fc.constantFrom(...fields).chain(([field, spec]) => {
    const ops = (Object.keys(OPERATORS) as Operator[]).filter((op) =>
      (OPERATORS[op].types as readonly string[]).includes(spec.type),
    );
    return fc.constantFrom(...ops).chain((op): fc.Arbitrary<Condition> => {
      const literal = OPERATORS[op].literal;
      if (literal === 'none') return fc.constant({ field, op });
      const value: fc.Arbitrary<Literal> =
        literal === 'list'
          ? fc.array(scalar(spec) as fc.Arbitrary<string | number>, { minLength: 1, maxLength: 3 })
          : scalar(spec);
      return value.map((v) => ({ field, op, value: v }));
    });
  });
}

const fields = [...CONDITION_FIELDS.entries()];
const columnComparison = comparison(fields);
const datasetComparison = comparison(fields.filter(([, spec]) => spec.scope !== 'column'));

/** Conditions over one column (a column rule, or the inside of a quantifier): no quantifiers. */
const columnCondition: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 2, depthIdentifier: 'column' },
    columnComparison,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie('node').map((not) => ({ not })),
  ),
})).node;

/**
 * Random conditions of a dataset rule that pass `checkCondition`: column fields only under
 * `anyColumn`/`allColumns`, never nested quantifiers, within the depth and node limits.
 *
 * @example
 * fc.assert(fc.property(datasetConditionArbitrary, (c) => checkCondition(c, opts).length === 0));
 */
export const datasetConditionArbitrary: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>(
  (tie) => ({
    node: fc.oneof(
      { maxDepth: 2, depthIdentifier: 'dataset' },
      datasetComparison,
      columnCondition.map((anyColumn) => ({ anyColumn })),
      columnCondition.map((allColumns) => ({ allColumns })),
      fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
      fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
      tie('node').map((not) => ({ not })),
    ),
  }),
).node;

const infoType = fc.option(fc.constantFrom(...BUILTIN_INFO_TYPES), { nil: null });

const columnArbitrary: fc.Arbitrary<ColumnFacts> = fc
  .record({
    name: fc.constantFrom('id', 'email', 'pan', 'note', 'dx'),
    type: infoType,
    status: fc.constantFrom('suggested', 'approved', null),
    validRatio: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
    examined: fc.nat(500),
    primaryKey: fc.boolean(),
    description: maybe(word),
    tags: fc.array(word, { maxLength: 2 }),
  })
  .map((c) => ({
    id: `column:${c.name}`,
    name: c.name,
    dataType: 'text',
    description: c.description,
    tags: c.tags,
    infoType: c.type?.id ?? null,
    category: c.type?.category ?? null,
    sensitivity: c.type?.sensitivity ?? null,
    classificationStatus: c.type ? c.status : null,
    confidence: c.type ? 0.9 : null,
    validRatio: c.validRatio,
    examined: c.examined,
    primaryKey: c.primaryKey,
  }));

/**
 * Random facts of a source and one dataset, unknown values (null) included.
 *
 * @example
 * fc.property(factsArbitrary, ({ source, dataset }) => …);
 */
export const factsArbitrary: fc.Arbitrary<{ source: SourceFacts; dataset: DatasetFacts }> =
  fc.record({
    source: fc.record({
      id: fc.constant('source:1'),
      name: word,
      scanner: fc.constantFrom('postgres', 's3'),
      tags: fc.array(word, { maxLength: 3 }),
      region: maybe(word),
    }),
    dataset: fc.record({
      id: fc.constant('dataset:1'),
      fqn: word,
      name: word,
      kind: fc.constantFrom('table', 'view', 'materialized-view', 'file', 'something-new'),
      description: maybe(word),
      owners: fc.array(word, { maxLength: 2 }),
      tags: fc.array(word, { maxLength: 3 }),
      sensitivity: fc.constantFrom(...SENSITIVITY_LEVELS),
      rowEstimate: maybe(fc.nat()),
      publicRead: maybe(fc.boolean()),
      readers: fc.array(word, { maxLength: 2 }),
      columns: fc.array(columnArbitrary, { maxLength: 4 }),
    }),
  });
