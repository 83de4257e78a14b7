import { z } from 'zod';
import { CONDITION_FIELDS } from './condition-fields.js';
import { checkCondition, type Condition, type ConditionIssue } from './condition-language.js';

/**
 * Severities of a finding, least urgent first.
 *
 * @example
 * SEVERITIES.indexOf('critical'); // 3
 */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * How rule and pack ids are written: lower-case words joined by `-` or `.`.
 *
 * @example
 * RULE_ID.test('gdpr-personal-data-owner'); // true
 */
export const RULE_ID = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

const ruleId = z.string().min(3).max(80).regex(RULE_ID, 'lower-case words joined by "-" or "."');

/**
 * The shape of a rule, before its conditions are checked field by field.
 *
 * @example
 * ruleShape.parse({ id: 'gdpr-owner', title: '…', … });
 */
export const ruleShape = z.strictObject({
  id: ruleId,
  title: z.string().trim().min(5).max(200),
  description: z.string().trim().max(2000).optional(),
  /** Articles and requirements the rule implements, e.g. `GDPR Art. 30(1)`, `PCI DSS 4.0 Req. 3.5.1`. */
  references: z.array(z.string().trim().min(2).max(120)).min(1).max(10),
  severity: z.enum(SEVERITIES),
  /** What a result is about: a dataset, or each column of one. */
  target: z.enum(['dataset', 'column']),
  /** When the rule applies; elsewhere it is not applicable. */
  when: z.unknown(),
  /** What must hold where it applies; otherwise the asset fails the rule. */
  require: z.unknown(),
  /** Fields whose values are recorded with every result. */
  evidence: z.array(z.string()).max(20).default([]),
  remediation: z.string().trim().min(10).max(2000),
});

/**
 * A checked rule, its conditions typed.
 *
 * @example
 * const rule: ComplianceRule = parseRule(input, 'GDPR').rule;
 */
export interface ComplianceRule extends Omit<z.output<typeof ruleShape>, 'when' | 'require'> {
  framework: string;
  pack: string;
  when: Condition;
  require: Condition;
}

/**
 * A rule pack: a framework's rules, versioned, shipped as JSON or posted through the API.
 *
 * @example
 * packShape.parse(JSON.parse(readFileSync('gdpr.json', 'utf8')));
 */
export const packShape = z.strictObject({
  id: ruleId,
  framework: z.string().trim().min(2).max(40),
  title: z.string().trim().min(5).max(200),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as 1.0.0'),
  description: z.string().trim().max(2000).optional(),
  rules: z.array(z.unknown()).min(1).max(500),
});

/**
 * A checked pack.
 *
 * @example
 * const { pack } = parsePack(json);
 */
export interface RulePack extends Omit<z.output<typeof packShape>, 'rules'> {
  rules: ComplianceRule[];
}

/** A validation problem, with a JSON Pointer to the offending part. */
export type RuleIssue = ConditionIssue;

type Parsed<T> = { ok: true; value: T } | { ok: false; issues: RuleIssue[] };

function zodIssues(error: z.ZodError, base: string): RuleIssue[] {
  return error.issues.map((issue) => ({
    path: `${base}/${issue.path.map(String).join('/')}`.replace(/\/$/, ''),
    message: issue.message,
  }));
}

/**
 * Checks one rule: its shape, both conditions (fields, operators, literals, limits, column
 * scope) and its evidence fields.
 *
 * @example
 * const parsed = parseRule(body, { framework: 'GDPR', pack: 'acme' });
 * if (!parsed.ok) return problem(422, parsed.issues);
 */
export function parseRule(
  input: unknown,
  context: { framework: string; pack: string },
  base = '',
): Parsed<ComplianceRule> {
  const shape = ruleShape.safeParse(input);
  if (!shape.success) return { ok: false, issues: zodIssues(shape.error, base) };
  const rule = shape.data;
  const columnScope = rule.target === 'column';
  const issues = [
    ...checkCondition(rule.when, { columnScope, path: `${base}/when` }),
    ...checkCondition(rule.require, { columnScope, path: `${base}/require` }),
  ];
  rule.evidence.forEach((field, index) => {
    const spec = CONDITION_FIELDS.get(field);
    const path = `${base}/evidence/${index}`;
    if (!spec) issues.push({ path, message: `unknown field "${field}"` });
    else if (spec.scope === 'column' && !columnScope) {
      issues.push({ path, message: `"${field}" is a column field; this is a dataset rule` });
    }
  });
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      ...rule,
      ...context,
      when: rule.when as Condition,
      require: rule.require as Condition,
    },
  };
}

/**
 * Checks a pack and every rule in it; rule ids must be unique within the pack.
 *
 * @example
 * const parsed = parsePack(JSON.parse(text));
 * if (parsed.ok) packs.push(parsed.value);
 */
export function parsePack(input: unknown): Parsed<RulePack> {
  const shape = packShape.safeParse(input);
  if (!shape.success) return { ok: false, issues: zodIssues(shape.error, '') };
  const { rules, ...pack } = shape.data;
  const issues: RuleIssue[] = [];
  const parsed: ComplianceRule[] = [];
  const seen = new Set<string>();
  rules.forEach((raw, index) => {
    const rule = parseRule(raw, { framework: pack.framework, pack: pack.id }, `/rules/${index}`);
    if (!rule.ok) {
      issues.push(...rule.issues);
      return;
    }
    if (seen.has(rule.value.id)) {
      issues.push({ path: `/rules/${index}/id`, message: `duplicate rule id "${rule.value.id}"` });
    }
    seen.add(rule.value.id);
    parsed.push(rule.value);
  });
  return issues.length > 0
    ? { ok: false, issues }
    : { ok: true, value: { ...pack, rules: parsed } };
}
