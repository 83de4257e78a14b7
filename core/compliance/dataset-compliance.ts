import type { Sensitivity } from '../permissions/vocabulary.js';
import { maxSensitivity } from '../classification/sensitivity.js';

/**
 * What compliance rules look at: a dataset's shape and its columns' classification.
 *
 * @example
 * evaluateDatasetCompliance({ fqn: 'shop.public.t', datasetType: 'table', columns: [] });
 */
export interface DatasetFacts {
  fqn: string;
  datasetType: string;
  columns: readonly {
    name: string;
    primaryKey?: boolean;
    /** Ids of the information types found, most confident first. */
    infoTypes: readonly string[];
    sensitivity: Sensitivity | null;
  }[];
}

/**
 * One rule's finding about a dataset, naming the columns concerned.
 *
 * @example
 * const finding: ComplianceFinding = { rule: 'pci-card-data', severity: 'high', message: '…', columns: ['pan'] };
 */
export interface ComplianceFinding {
  rule: string;
  severity: 'info' | 'warning' | 'high';
  message: string;
  columns: string[];
}

/**
 * The compliance summary of one dataset, stored with it in the catalog.
 *
 * @example
 * const { sensitiveColumns, findings } = evaluateDatasetCompliance(facts);
 */
export interface DatasetCompliance {
  sensitiveColumns: number;
  /** Columns per information type. */
  byInfoType: Record<string, number>;
  highestSensitivity: Sensitivity | null;
  findings: ComplianceFinding[];
}

/**
 * One rule: a pure function of the facts; the next issues add user-defined policies.
 *
 * @example
 * const rule: ComplianceRule = { id: 'no-views', evaluate: (facts) => (facts.datasetType === 'view' ? [finding] : []) };
 */
export interface ComplianceRule {
  id: string;
  evaluate(facts: DatasetFacts): ComplianceFinding[];
}

const VIEW_TYPES = new Set(['view', 'materialized-view']);

const withType = (facts: DatasetFacts, id: string) =>
  facts.columns.filter((column) => column.infoTypes.includes(id)).map((column) => column.name);

/**
 * The built-in rules: card data puts a dataset in PCI DSS scope; a view that exposes
 * restricted columns widens who can read them; personal data in a table without a primary
 * key cannot be erased or corrected row by row (GDPR Art. 16-17).
 *
 * @example
 * BUILTIN_COMPLIANCE_RULES.map((rule) => rule.id); // ['pci-card-data', 'restricted-in-view', 'personal-data-without-key']
 */
export const BUILTIN_COMPLIANCE_RULES: readonly ComplianceRule[] = [
  {
    id: 'pci-card-data',
    evaluate(facts) {
      const columns = withType(facts, 'CREDIT_CARD');
      if (columns.length === 0) return [];
      return [
        {
          rule: 'pci-card-data',
          severity: 'high',
          message: `holds payment card numbers (${columns.join(', ')}): in PCI DSS scope`,
          columns,
        },
      ];
    },
  },
  {
    id: 'restricted-in-view',
    evaluate(facts) {
      if (!VIEW_TYPES.has(facts.datasetType)) return [];
      const columns = facts.columns
        .filter((column) => column.sensitivity === 'restricted')
        .map((column) => column.name);
      if (columns.length === 0) return [];
      return [
        {
          rule: 'restricted-in-view',
          severity: 'warning',
          message: `view exposes restricted columns (${columns.join(', ')})`,
          columns,
        },
      ];
    },
  },
  {
    id: 'personal-data-without-key',
    evaluate(facts) {
      if (facts.datasetType !== 'table') return [];
      if (facts.columns.some((column) => column.primaryKey)) return [];
      const columns = facts.columns
        .filter((column) => column.sensitivity !== null)
        .map((column) => column.name);
      if (columns.length === 0) return [];
      return [
        {
          rule: 'personal-data-without-key',
          severity: 'warning',
          message: `sensitive columns (${columns.join(', ')}) in a table without a primary key`,
          columns,
        },
      ];
    },
  },
];

/**
 * Counts a dataset's sensitive columns per information type and applies the rules.
 *
 * @example
 * evaluateDatasetCompliance({
 *   fqn: 'shop.public.payments', datasetType: 'table',
 *   columns: [{ name: 'pan', infoTypes: ['CREDIT_CARD'], sensitivity: 'restricted' }],
 * }).findings.map((finding) => finding.rule); // ['pci-card-data', 'personal-data-without-key']
 */
export function evaluateDatasetCompliance(
  facts: DatasetFacts,
  rules: readonly ComplianceRule[] = BUILTIN_COMPLIANCE_RULES,
): DatasetCompliance {
  const byInfoType: Record<string, number> = {};
  let sensitiveColumns = 0;
  let highestSensitivity: Sensitivity | null = null;
  for (const column of facts.columns) {
    if (column.sensitivity !== null) sensitiveColumns += 1;
    highestSensitivity = maxSensitivity(highestSensitivity, column.sensitivity);
    const primary = column.infoTypes[0];
    if (primary !== undefined) byInfoType[primary] = (byInfoType[primary] ?? 0) + 1;
  }
  return {
    sensitiveColumns,
    byInfoType,
    highestSensitivity,
    findings: rules.flatMap((rule) => rule.evaluate(facts)),
  };
}
