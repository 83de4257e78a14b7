import { adjudicationCandidates, applyAdjudication } from '../core/classification/adjudication.js';
import type { ClassificationEngine } from '../core/classification/classification-engine.js';
import type { ColumnDecision, ColumnInput } from '../core/classification/column-decision.js';
import {
  columnSignature,
  prepareValues,
  type AdjudicationOutcome,
  type LlmAdjudicator,
} from './llm-adjudicator.js';

/** Columns put to the model at once: the provider's rate limit, not ours, sets the pace. */
const IN_FLIGHT = 4;

/**
 * What `adjudicateColumns` did: every column's decision in order, which of them the model
 * answered, and why the others it was asked about were skipped.
 *
 * @example
 * const { decisions, answered, skipped } = await adjudicateColumns(options);
 */
export interface AdjudicatedColumns {
  decisions: ColumnDecision[];
  answered: Set<number>;
  skipped: Map<string, { count: number; message: string }>;
}

/**
 * Puts the ambiguous columns (those whose decision names an ambiguity and has proposals) to
 * the adjudicator, a few at a time, within the budget named `budgetKey`. A column the
 * adjudicator skips (budget spent, error, time-out) keeps its rule-based decision. Values
 * are masked unless `sendRawValues`. Used by the scan's `classifyBatch` and by the CLI.
 *
 * @example
 * const { decisions } = await adjudicateColumns({ adjudicator, engine, budgetKey: scanRunId, columns, sendRawValues: false });
 */
export async function adjudicateColumns(options: {
  adjudicator: LlmAdjudicator;
  engine: Pick<ClassificationEngine, 'version' | 'infoTypes'>;
  budgetKey: string;
  columns: readonly { input: ColumnInput; decision: ColumnDecision }[];
  sendRawValues: boolean;
  /** Called after each column the adjudicator was asked about, e.g. to heartbeat. */
  onProgress?: (done: number, of: number) => void;
}): Promise<AdjudicatedColumns> {
  const { adjudicator, engine, budgetKey, columns } = options;
  const decisions = columns.map((column) => column.decision);
  const answered = new Set<number>();
  const skipped = new Map<string, { count: number; message: string }>();
  const todo = columns.flatMap((column, index) =>
    column.decision.ambiguity !== null && column.decision.proposals.length > 0 ? [index] : [],
  );
  const total = todo.length;
  let done = 0;
  const ask = async (index: number): Promise<AdjudicationOutcome> => {
    const { input, decision } = columns[index]!;
    const candidates = adjudicationCandidates(decision, engine.infoTypes);
    const values = prepareValues(input.values, options.sendRawValues);
    const dataType = input.dataType ?? 'text';
    const { statistics } = decision;
    return adjudicator.adjudicate(
      {
        signature: columnSignature({
          name: input.name,
          dataType,
          statistics,
          values,
          candidates,
          engineVersion: engine.version,
        }),
        column: { name: input.name, dataType, statistics, values },
        candidates,
      },
      budgetKey,
    );
  };
  const next = async (): Promise<void> => {
    const index = todo.shift();
    if (index === undefined) return;
    const outcome = await ask(index);
    if (outcome.status === 'decided') {
      decisions[index] = applyAdjudication(decisions[index]!, outcome);
      answered.add(index);
    } else {
      const seen = skipped.get(outcome.why);
      skipped.set(outcome.why, { count: (seen?.count ?? 0) + 1, message: outcome.message });
    }
    done += 1;
    options.onProgress?.(done, total);
    return next();
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, next));
  return { decisions, answered, skipped };
}
