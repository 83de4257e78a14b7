import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { infoTypeById } from '../../core/classification/catalogue/index.js';
import type { ColumnFacts, DatasetFacts, SourceFacts } from '../../core/compliance/asset-facts.js';
import type { Condition } from '../../core/compliance/condition-language.js';
import { evaluateRules } from '../../core/compliance/evaluate-rules.js';
import type { ComplianceRule } from '../../core/compliance/rule-pack.js';
import { BUILTIN_PACKS_DIR, loadRulePacks } from '../../infra/compliance-packs.js';
import { columnFacts, datasetFacts, sourceFacts } from '../helpers/compliance-facts.js';

const loaded = loadRulePacks([BUILTIN_PACKS_DIR]);
const rules = loaded.packs.flatMap((pack) => pack.rules);

const col = columnFacts;
const dataset = datasetFacts;
const key = col('id', null, { dataType: 'bigint', primaryKey: true });
/** The compliant default source: declared region, in HIPAA and PCI scope, sells nothing. */
const source = (over: Partial<SourceFacts> = {}) =>
  sourceFacts({ tags: ['ccpa-do-not-sell', 'hipaa', 'pci'], ...over });

/** A case: the dataset and what differs in its source from the compliant default. */
interface Case {
  dataset: DatasetFacts;
  source?: Partial<SourceFacts>;
}

// Compliant baselines per domain; each failing case changes one thing.
const email = col('email', 'EMAIL_ADDRESS');
const customers = (over: Partial<DatasetFacts> = {}, extra: ColumnFacts[] = []) =>
  dataset([key, email, ...extra], over);
const ssn = col('ssn', 'US_SSN');
const diagnosis = col('diagnosis', 'ICD10_CODE');
const phiTags = ['retention:P6Y', 'hipaa:drs'];
const patients = (over: Partial<DatasetFacts> = {}, extra: ColumnFacts[] = []) =>
  dataset([key, col('mrn', 'MEDICAL_RECORD_NUMBER'), diagnosis, ...extra], {
    fqn: 'clinic.public.encounters',
    tags: phiTags,
    ...over,
  });
const tokens = { validRatio: 0.02, examined: 200 };
const payments = (
  pan: Partial<ColumnFacts> = {},
  over: Partial<DatasetFacts> = {},
  extra: ColumnFacts[] = [],
) =>
  dataset([key, col('pan', 'CREDIT_CARD', { ...tokens, ...pan }), ...extra], {
    fqn: 'shop.public.payments',
    tags: ['retention:P13M'],
    ...over,
  });
const publicView = (columns: ColumnFacts[]) =>
  dataset(columns, { kind: 'view', publicRead: true, fqn: 'shop.public.customer_map' });
const password = col('password', 'PASSWORD');
const withTags = (...tags: string[]) => ({
  tags: ['legal-basis:contract', 'retention:P3Y', ...tags],
});

const PREFIX: Record<string, string> = {
  gdpr: 'gdpr-',
  ccpa: 'ccpa-',
  hipaa: 'hipaa-',
  'pci-dss': 'pci-',
};

/** For every built-in rule: a case that fails it, and one where it applies and passes. */
const CASES: Record<string, { fail: Case; pass: Case }> = {
  'gdpr-restricted-personal-data-owner': {
    fail: { dataset: customers({ owners: [] }, [ssn]) },
    pass: { dataset: customers({}, [ssn]) },
  },
  'gdpr-personal-data-owner': {
    fail: { dataset: customers({ owners: [] }) },
    pass: { dataset: customers() },
  },
  'gdpr-personal-data-description': {
    fail: { dataset: customers({ description: '  ' }) },
    pass: { dataset: customers() },
  },
  'gdpr-personal-data-legal-basis': {
    fail: { dataset: customers({ tags: ['legal-basis:because', 'retention:P3Y'] }) },
    pass: { dataset: customers() },
  },
  'gdpr-personal-data-retention': {
    fail: { dataset: customers({ tags: ['legal-basis:contract', 'retention:forever'] }) },
    pass: { dataset: customers() },
  },
  'gdpr-special-category-legal-basis': {
    fail: { dataset: customers({}, [diagnosis]) },
    pass: { dataset: customers({ tags: ['legal-basis:consent', 'retention:P3Y'] }, [diagnosis]) },
  },
  'gdpr-special-category-restricted': {
    fail: {
      dataset: customers(
        { sensitivity: 'confidential', tags: ['legal-basis:consent', 'retention:P3Y'] },
        [diagnosis],
      ),
    },
    pass: { dataset: customers({ tags: ['legal-basis:consent', 'retention:P3Y'] }, [diagnosis]) },
  },
  'gdpr-personal-data-not-public': {
    fail: { dataset: customers({ publicRead: true }) },
    pass: { dataset: customers({ publicRead: null }) },
  },
  'gdpr-public-view-sensitive-columns': {
    fail: { dataset: publicView([col('city', 'CITY'), email]) },
    pass: { dataset: publicView([col('city', 'CITY'), col('country', 'COUNTRY')]) },
  },
  'gdpr-personal-table-primary-key': {
    fail: { dataset: dataset([email]) },
    pass: { dataset: customers() },
  },
  'gdpr-transfer-outside-eea': {
    fail: { dataset: customers(), source: { region: 'us-east-1' } },
    pass: { dataset: customers(), source: { region: 'us-east-1', tags: ['transfer:scc'] } },
  },
  'ccpa-personal-information-owner': {
    fail: { dataset: customers({ owners: [] }) },
    pass: { dataset: customers() },
  },
  'ccpa-personal-information-description': {
    fail: { dataset: customers({ description: null }) },
    pass: { dataset: customers() },
  },
  'ccpa-sensitive-pi-restricted': {
    fail: { dataset: customers(withTags('purpose:delivery'), [col('geo', 'GEO_COORDINATES')]) },
    pass: {
      dataset: customers({ ...withTags('purpose:delivery'), sensitivity: 'restricted' }, [
        col('geo', 'GEO_COORDINATES'),
      ]),
    },
  },
  'ccpa-sensitive-pi-purpose': {
    fail: { dataset: customers({}, [password]) },
    pass: { dataset: customers(withTags('purpose:authentication'), [password]) },
  },
  'ccpa-personal-information-not-public': {
    fail: { dataset: customers({ publicRead: true }) },
    pass: { dataset: customers() },
  },
  'ccpa-personal-information-retention': {
    fail: { dataset: customers({ tags: ['legal-basis:contract'] }) },
    pass: { dataset: customers() },
  },
  'ccpa-sale-status-declared': {
    fail: { dataset: customers(), source: { tags: [] } },
    pass: {
      dataset: customers(withTags('ccpa:opt-outs-excluded')),
      source: { tags: ['ccpa-sell-or-share'] },
    },
  },
  'ccpa-opt-outs-excluded': {
    fail: { dataset: customers(), source: { tags: ['ccpa-sell-or-share'] } },
    pass: {
      dataset: customers(withTags('ccpa:opt-outs-excluded')),
      source: { tags: ['ccpa-sell-or-share'] },
    },
  },
  'hipaa-phi-in-hipaa-source': {
    fail: { dataset: patients(), source: { tags: [] } },
    pass: { dataset: patients() },
  },
  'hipaa-phi-owner': { fail: { dataset: patients({ owners: [] }) }, pass: { dataset: patients() } },
  'hipaa-phi-not-public': {
    fail: { dataset: patients({ publicRead: true }) },
    pass: { dataset: patients() },
  },
  'hipaa-phi-retention': {
    fail: { dataset: patients({ tags: ['retention:P5Y', 'hipaa:drs'] }) },
    pass: { dataset: patients({ tags: ['retention:P72M', 'hipaa:drs'] }) },
  },
  'hipaa-designated-record-set-declared': {
    fail: { dataset: patients({ tags: ['retention:P6Y'] }) },
    pass: { dataset: patients({ tags: ['retention:P6Y', 'hipaa:non-drs'] }) },
  },
  'hipaa-deidentified-no-identifiers': {
    fail: {
      dataset: dataset([diagnosis, col('zip', 'ZIP_CODE'), col('age', 'AGE')], {
        tags: ['hipaa:deidentified'],
      }),
    },
    pass: {
      dataset: dataset([diagnosis, col('state', 'US_STATE'), col('age', 'AGE')], {
        tags: ['hipaa:deidentified'],
      }),
    },
  },
  'pci-pan-not-in-clear': {
    fail: { dataset: payments({ validRatio: 0.97 }) },
    pass: { dataset: payments() },
  },
  'pci-cvv-not-stored': {
    fail: { dataset: payments({}, {}, [col('cvv', 'CARD_CVV', { validRatio: 1, examined: 200 })]) },
    pass: {
      dataset: payments({}, {}, [col('cvv', 'CARD_CVV', { validRatio: null, examined: 0 })]),
    },
  },
  'pci-pan-dataset-owner': {
    fail: { dataset: payments({}, { owners: [] }) },
    pass: { dataset: payments() },
  },
  'pci-pan-not-public': {
    fail: { dataset: payments({}, { publicRead: true }) },
    pass: { dataset: payments() },
  },
  'pci-cardholder-data-retention': {
    fail: { dataset: payments({}, { tags: [] }) },
    pass: { dataset: payments() },
  },
  'pci-pan-in-cde-source': {
    fail: { dataset: payments(), source: { tags: ['hipaa'] } },
    pass: { dataset: payments() },
  },
  'pci-pan-location-confirmed': {
    fail: { dataset: payments({ classificationStatus: 'suggested' }) },
    pass: { dataset: payments() },
  },
};

/** Runs the rules of `rule`'s pack on a case, so that a case also shows which others it trips. */
function run(rule: ComplianceRule, c: Case) {
  const pack = loaded.packs.find((p) => p.id === rule.pack)!;
  return evaluateRules(pack.rules, source(c.source), [c.dataset]);
}

describe('built-in compliance packs', () => {
  it('load without problems: four packs, at least 28 rules, at least 6 each', () => {
    expect(loaded.problems).toEqual([]);
    expect(loaded.packs.map((p) => [p.id, p.framework, p.version])).toEqual([
      ['ccpa', 'CCPA', '1.0.0'],
      ['gdpr', 'GDPR', '1.0.0'],
      ['hipaa', 'HIPAA', '1.0.0'],
      ['pci-dss', 'PCI DSS', '1.0.0'],
    ]);
    expect(rules.length).toBeGreaterThanOrEqual(28);
    for (const pack of loaded.packs) expect(pack.rules.length).toBeGreaterThanOrEqual(6);
  });

  it('have unique ids prefixed by their pack, references, remediation and evidence', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.id.startsWith(PREFIX[rule.pack]!), rule.id).toBe(true);
      expect(rule.references.length, rule.id).toBeGreaterThan(0);
      for (const ref of rule.references)
        expect(ref, rule.id).toMatch(
          /^(GDPR Art\.|Cal\. Civ\. Code 1798\.|45 CFR 16[04]\.|PCI DSS v4\.0 Req\. )/,
        );
      expect(rule.remediation.length, rule.id).toBeGreaterThan(40);
      expect(rule.evidence.length, rule.id).toBeGreaterThan(0);
    }
  });

  it('name only information types that exist in the catalogue', () => {
    const named: string[] = [];
    const walk = (c: Condition): void => {
      if ('all' in c) c.all.forEach(walk);
      else if ('any' in c) c.any.forEach(walk);
      else if ('not' in c) walk(c.not);
      else if ('anyColumn' in c) walk(c.anyColumn);
      else if ('allColumns' in c) walk(c.allColumns);
      else if (/infoTypes?$/.test(c.field)) named.push(...[c.value ?? []].flat().map(String));
    };
    for (const rule of rules) [rule.when, rule.require].forEach(walk);
    expect(named.length).toBeGreaterThan(50);
    expect(named.filter((id) => !infoTypeById(id))).toEqual([]);
  });

  it('has a failing and a passing case for every rule, and no case for a rule that is gone', () => {
    expect(Object.keys(CASES).sort()).toEqual(rules.map((r) => r.id).sort());
  });

  it.each(rules.map((rule) => [rule.id, rule] as const))(
    '%s fails its case and passes the fixed one',
    (id, rule) => {
      const cases = CASES[id]!;
      const failed = run(rule, cases.fail).filter((r) => r.status === 'fail');
      // The failing case fails this rule and no other of its pack: rules do not overlap.
      expect([...new Set(failed.map((r) => r.ruleId))]).toEqual([id]);
      const passed = run(rule, cases.pass);
      expect(passed.filter((r) => r.ruleId === id).length).toBeGreaterThan(0);
      expect(passed.filter((r) => r.status === 'fail')).toEqual([]);
    },
  );

  it('do not apply to datasets without sensitive data', () => {
    const plain = dataset([key, col('sku', null), col('company', 'ORGANIZATION_NAME')], {
      owners: [],
      tags: [],
    });
    expect(evaluateRules(rules, source({ tags: [], region: null }), [plain])).toEqual([]);
  });

  it('report clear card numbers on the column, and the culprits of a public view', () => {
    const [pan] = evaluateRules(
      rules.filter((r) => r.id === 'pci-pan-not-in-clear'),
      source(),
      [payments({ validRatio: 1, examined: 50 })],
    );
    expect(pan).toMatchObject({ assetId: 'column:pan', status: 'fail', severity: 'critical' });
    expect(pan!.evidence.fields).toEqual({
      'column.validRatio': 1,
      'column.examined': 50,
      'column.dataType': 'text',
    });
    const view = evaluateRules(
      rules.filter((r) => r.id === 'gdpr-public-view-sensitive-columns'),
      source(),
      [publicView([col('city', 'CITY'), email, col('phone', 'PHONE_NUMBER')])],
    );
    expect(view.map((r) => [r.status, r.evidence.failing])).toEqual([['fail', ['email', 'phone']]]);
  });

  it.each([
    ['europe-west3', [], 'pass'],
    ['westeurope', [], 'pass'],
    ['eu-central-2', [], 'pass'],
    ['us-east-1', ['transfer:bcr'], 'pass'],
    ['ap-south-1', [], 'fail'],
    [null, [], 'fail'],
    [null, ['transfer:scc'], 'fail'],
  ] as const)('GDPR transfers: region %s with tags %j → %s', (region, tags, status) => {
    const rule = rules.filter((r) => r.id === 'gdpr-transfer-outside-eea');
    const [result] = evaluateRules(rule, source({ region, tags: [...tags] }), [customers()]);
    expect(result?.status).toBe(status);
  });
});

describe('loadRulePacks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'packs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rule = (id: string, field = 'dataset.owners') => ({
    id,
    title: 'Personal data has an owner',
    references: ['GDPR Art. 24(1)'],
    severity: 'medium',
    target: 'dataset',
    when: { field, op: 'isSet' },
    require: { field: 'dataset.owners', op: 'isSet' },
    evidence: ['dataset.owners'],
    remediation: 'Set an owner on the dataset in the catalog.',
  });
  const pack = (id: string, rules: unknown[]) =>
    JSON.stringify({ id, framework: 'ACME', title: `${id} policy`, version: '1.0.0', rules });

  it('reports broken files, unknown fields and taken rule ids, and loads the good packs', () => {
    writeFileSync(join(dir, 'a-good.json'), pack('acme', [rule('acme-owner')]));
    writeFileSync(join(dir, 'b-broken.json'), '{ "id": "broken", ');
    writeFileSync(
      join(dir, 'c-unknown-field.json'),
      pack('typo', [rule('typo-owner', 'dataset.ownr')]),
    );
    writeFileSync(
      join(dir, 'd-duplicate.json'),
      pack('copy', [rule('copy-ok'), rule('gdpr-personal-data-owner')]),
    );
    writeFileSync(join(dir, 'notes.txt'), 'not a pack');
    const result = loadRulePacks([BUILTIN_PACKS_DIR, dir, join(dir, 'missing')]);

    expect(result.packs.map((p) => p.id)).toEqual(['ccpa', 'gdpr', 'hipaa', 'pci-dss', 'acme']);
    const problems = Object.fromEntries(
      result.problems.map((p) => [p.file.replace(`${dir}/`, ''), p.issues]),
    );
    expect(Object.keys(problems)).toEqual([
      'b-broken.json',
      'c-unknown-field.json',
      'd-duplicate.json',
      'missing',
    ]);
    expect(problems['b-broken.json']).toEqual([
      { path: '', message: expect.stringMatching(/JSON/) },
    ]);
    expect(problems['c-unknown-field.json']).toEqual([
      {
        path: '/rules/0/when/field',
        message: expect.stringContaining('did you mean "dataset.owners"'),
      },
    ]);
    expect(problems['d-duplicate.json']).toEqual([
      {
        path: '/rules/1/id',
        message: expect.stringMatching(/"gdpr-personal-data-owner" is taken by .*gdpr\.json$/),
      },
    ]);
  });
});
