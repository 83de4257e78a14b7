import { adjudicationCandidates, applyAdjudication } from '../core/classification/adjudication.js';
import type { ClassificationEngine } from '../core/classification/classification-engine.js';
import type { ColumnDecision, ColumnInput } from '../core/classification/column-decision.js';
import { columnSignature, prepareValues } from '../infra/llm-adjudicator.js';
import type { ScanActivityDeps } from './scan-deps.js';
import { withHeartbeat } from './scan-support.js';

/** Columns put to the model at once: a batch waits on the slowest of them. */
const IN_FLIGHT = 4;

/**
 * Puts the batch's ambiguous columns to the adjudicator, a few at a time, within the scan's
 * budget (the scan run id is the budget key). A column the adjudicator skips (budget spent,
 * error, time-out) keeps its rule-based decision. Returns every column's decision, in
 * order, and which of them the adjudicator answered.
 *
 * @example
 * const { decisions, answered } = await adjudicateColumns(deps, engine, scanRunId, pending);
 */
export async function adjudicateColumns(
  deps: Pick<ScanActivityDeps, 'adjudication'>,
  engine: ClassificationEngine,
  scanRunId: string,
  columns: readonly { input: ColumnInput; decision: ColumnDecision }[],
): Promise<{ decisions: ColumnDecision[]; answered: Set<number> }> {
  const decisions = columns.map((column) => column.decision);
  const answered = new Set<number>();
  const setting = deps.adjudication;
  const todo = columns.flatMap((column, index) =>
    column.decision.ambiguity !== null && column.decision.proposals.length > 0 ? [index] : [],
  );
  if (!setting || todo.length === 0) return { decisions, answered };

  let done = 0;
  await withHeartbeat(
    () => ({ adjudicated: done, of: todo.length }),
    async () => {
      const next = async (): Promise<void> => {
        const index = todo.shift();
        if (index === undefined) return;
        const { input, decision } = columns[index]!;
        const candidates = adjudicationCandidates(decision, engine.infoTypes);
        const values = prepareValues(input.values, setting.sendRawValues);
        const dataType = input.dataType ?? 'text';
        const outcome = await setting.adjudicator.adjudicate(
          {
            signature: columnSignature({
              name: input.name,
              dataType,
              statistics: decision.statistics,
              values,
              candidates,
              engineVersion: engine.version,
            }),
            column: { name: input.name, dataType, statistics: decision.statistics, values },
            candidates,
          },
          scanRunId,
        );
        if (outcome.status === 'decided') {
          decisions[index] = applyAdjudication(decision, outcome);
          answered.add(index);
        }
        done += 1;
        return next();
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, next));
    },
  );
  return { decisions, answered };
}
