import type { ComplianceRule } from '../../core/compliance/rule-pack.js';
import type { CustomRuleRecord } from '../../db/queries/compliance-rules.js';
import type { BuiltInRule } from './compliance-shared.js';

/**
 * A rule as the API shows it, built-in or custom: the rule's own fields, where it comes
 * from, and for custom rules the version to send back in `If-Match`.
 *
 * @example
 * const view: RuleView = builtInView(builtIns.get('gdpr-owner-required')!);
 */
export interface RuleView {
  id: string;
  builtIn: boolean;
  workspaceId: string | null;
  framework: string;
  pack: string;
  packVersion: string | null;
  title: string;
  description: string | null;
  references: string[];
  severity: ComplianceRule['severity'];
  target: ComplianceRule['target'];
  when: Record<string, unknown>;
  require: Record<string, unknown>;
  evidence: string[];
  remediation: string;
  enabled: boolean;
  version: number | null;
  createdBy: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/**
 * A built-in rule: always enabled, unversioned (it changes with its pack's version).
 *
 * @example
 * c.json(builtInView(builtIns.get(id)!), 200);
 */
export function builtInView({ rule, pack }: BuiltInRule): RuleView {
  return {
    id: rule.id,
    builtIn: true,
    workspaceId: null,
    framework: rule.framework,
    pack: pack.id,
    packVersion: pack.version,
    title: rule.title,
    description: rule.description ?? null,
    references: [...rule.references],
    severity: rule.severity,
    target: rule.target,
    when: rule.when as unknown as Record<string, unknown>,
    require: rule.require as unknown as Record<string, unknown>,
    evidence: [...rule.evidence],
    remediation: rule.remediation,
    enabled: true,
    version: null,
    createdBy: null,
    createdAt: null,
    updatedAt: null,
  };
}

/**
 * A workspace's own rule, from its stored definition (checked when it was written).
 *
 * @example
 * c.json(customRuleView(record), 200);
 */
export function customRuleView(record: CustomRuleRecord): RuleView {
  const d = record.definition as Partial<Record<string, unknown>> & Partial<ComplianceRule>;
  return {
    id: record.ruleId,
    builtIn: false,
    workspaceId: record.workspaceId,
    framework: String(d.framework ?? ''),
    pack: record.pack,
    packVersion: null,
    title: String(d.title ?? ''),
    description: typeof d.description === 'string' ? d.description : null,
    references: Array.isArray(d.references) ? d.references.map(String) : [],
    severity: d.severity ?? 'low',
    target: d.target ?? 'dataset',
    when: (d.when ?? {}) as Record<string, unknown>,
    require: (d.require ?? {}) as Record<string, unknown>,
    evidence: Array.isArray(d.evidence) ? d.evidence.map(String) : [],
    remediation: String(d.remediation ?? ''),
    enabled: record.enabled,
    version: record.version,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/**
 * Whether a built-in rule passes a rule list's filters (custom rules are filtered in SQL).
 *
 * @example
 * builtIns.filter((entry) => matchesFilter(entry, { severity: 'high' }));
 */
export function matchesFilter(
  { rule, pack }: BuiltInRule,
  filter: { framework?: string; severity?: string; pack?: string; target?: string },
): boolean {
  return (
    (!filter.framework || rule.framework === filter.framework) &&
    (!filter.severity || rule.severity === filter.severity) &&
    (!filter.pack || pack.id === filter.pack) &&
    (!filter.target || rule.target === filter.target)
  );
}
