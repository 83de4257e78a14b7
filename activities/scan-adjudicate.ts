import type { ClassificationEngine } from '../core/classification/classification-engine.js';
import type { ColumnDecision, ColumnInput } from '../core/classification/column-decision.js';
import { adjudicateColumns, type AdjudicatedColumns } from '../infra/adjudicate-columns.js';
import type { ScanActivityDeps } from './scan-deps.js';
import { withHeartbeat } from './scan-support.js';

/**
 * Puts a batch's ambiguous columns to the LLM adjudicator when one is configured, within
 * the scan's budget (the scan run id is the budget key), heartbeating as columns are
 * answered. Without an adjudicator every decision stays as the rules made it.
 *
 * @example
 * const { decisions, answered } = await adjudicateBatch(deps, engine, scanRunId, pending);
 */
export async function adjudicateBatch(
  deps: Pick<ScanActivityDeps, 'adjudication'>,
  engine: ClassificationEngine,
  scanRunId: string,
  columns: readonly { input: ColumnInput; decision: ColumnDecision }[],
): Promise<Pick<AdjudicatedColumns, 'decisions' | 'answered'>> {
  const setting = deps.adjudication;
  if (!setting || !columns.some((column) => column.decision.ambiguity !== null)) {
    return { decisions: columns.map((column) => column.decision), answered: new Set() };
  }
  let progress = { done: 0, of: 0 };
  return withHeartbeat(
    () => ({ adjudicated: progress.done, of: progress.of }),
    () =>
      adjudicateColumns({
        adjudicator: setting.adjudicator,
        engine,
        budgetKey: scanRunId,
        columns,
        sendRawValues: setting.sendRawValues,
        onProgress: (done, of) => (progress = { done, of }),
      }),
  );
}
