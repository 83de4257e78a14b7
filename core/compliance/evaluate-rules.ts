import type { DatasetFacts, SourceFacts } from './asset-facts.js';
import {
  CONDITION_FIELDS,
  datasetView,
  type FactScope,
  type FieldValue,
} from './condition-fields.js';
import { evaluateCondition } from './condition-language.js';
import type { ComplianceRule, Severity } from './rule-pack.js';

/**
 * What a result records: the rule's evidence fields as they were, the columns that made the
 * rule apply, and the columns at fault when it failed.
 *
 * @example
 * const evidence: ResultEvidence = { fields: { 'dataset.owners': [] }, columns: ['email'], failing: [] };
 */
export interface ResultEvidence {
  fields: Record<string, FieldValue>;
  /** Columns found by the `when` condition's quantifiers (e.g. the personal data columns). */
  columns: string[];
  /** Columns found by the `require` condition's quantifiers when it failed. */
  failing: string[];
}

/**
 * The result of one rule on one asset where it applied. Assets where a rule does not apply
 * get no result: not applicable is the absence of one.
 *
 * @example
 * const { assetId, ruleId, status } = results[0]!;
 */
export interface RuleResult {
  assetId: string;
  ruleId: string;
  framework: string;
  severity: Severity;
  status: 'pass' | 'fail';
  evidence: ResultEvidence;
}

/**
 * Evaluates rules on the datasets of one source. Pure and deterministic: results come in
 * dataset order, then rule order, then column order.
 *
 * @example
 * const results = evaluateRules(rules, source, datasets);
 * results.filter((result) => result.status === 'fail');
 */
export function evaluateRules(
  rules: readonly ComplianceRule[],
  source: SourceFacts,
  datasets: readonly DatasetFacts[],
): RuleResult[] {
  const results: RuleResult[] = [];
  const datasetRules = rules.filter((rule) => rule.target === 'dataset');
  const columnRules = rules.filter((rule) => rule.target === 'column');
  for (const facts of datasets) {
    const dataset = datasetView(facts);
    const scope: FactScope = { source, dataset };
    for (const rule of datasetRules) {
      const result = judge(rule, scope, dataset.id);
      if (result) results.push(result);
    }
    if (columnRules.length === 0) continue;
    for (const rule of columnRules) {
      for (const column of dataset.columns) {
        const result = judge(rule, { source, dataset, column }, column.id);
        if (result) results.push(result);
      }
    }
  }
  return results;
}

function judge(rule: ComplianceRule, scope: FactScope, assetId: string): RuleResult | null {
  const applies = evaluateCondition(rule.when, scope);
  if (!applies.holds) return null;
  const required = evaluateCondition(rule.require, scope);
  const fields: Record<string, FieldValue> = {};
  for (const name of rule.evidence) {
    const spec = CONDITION_FIELDS.get(name);
    if (spec) fields[name] = spec.get(scope);
  }
  return {
    assetId,
    ruleId: rule.id,
    framework: rule.framework,
    severity: rule.severity,
    status: required.holds ? 'pass' : 'fail',
    evidence: {
      fields,
      columns: applies.columns,
      failing: required.holds ? [] : required.columns,
    },
  };
}
