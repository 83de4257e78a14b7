import { builtInRulePacks } from '../infra/compliance-packs.js';
import { evaluateDataSource } from '../infra/compliance-evaluation.js';
import type { ScanActivityDeps, Timed } from './scan-deps.js';
import { missing } from './scan-support.js';

/**
 * Counts of a scan's compliance evaluation.
 *
 * @example
 * const { failed, opened } = await evaluateCompliance({ scanRunId, dataSourceId });
 */
export interface ComplianceResult extends Timed {
  evaluationId: string;
  rules: number;
  passed: number;
  failed: number;
  opened: number;
  resolved: number;
}

/**
 * `evaluateCompliance` judges the catalog of the scanned source against the rules in force
 * once every batch is in: the datasets this run saw, with what stewards curated. It runs on
 * the catalog rather than per batch so that rules see whole datasets, datasets an
 * incremental scan did not sample, and owners and tags set since. Recorded once per run.
 *
 * @example
 * const { evaluateCompliance } = createScanComplianceActivities(deps);
 */
export function createScanComplianceActivities(deps: ScanActivityDeps) {
  return {
    async evaluateCompliance(input: {
      scanRunId: string;
      dataSourceId: string;
    }): Promise<ComplianceResult> {
      const started = performance.now();
      const summary = await evaluateDataSource(
        { ...deps, packs: deps.compliancePacks ?? builtInRulePacks() },
        input.dataSourceId,
        { scanRunId: input.scanRunId },
      );
      if (!summary) throw missing(`data source ${input.dataSourceId} does not exist`);
      return {
        evaluationId: summary.evaluationId,
        rules: summary.rules,
        passed: summary.passed,
        failed: summary.failed,
        opened: summary.opened,
        resolved: summary.resolved,
        ms: performance.now() - started,
      };
    },
  };
}
