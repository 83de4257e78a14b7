import type { Sensitivity } from '../permissions/vocabulary.js';
import type { ColumnStatistics, ValueMethod } from './info-type.js';

/**
 * One column as the engine receives it.
 *
 * @example
 * const column: ColumnInput = { name: 'email', dataType: 'text', values: ['ada@example.com', null] };
 */
export interface ColumnInput {
  name: string;
  /** The source's type name; absent (files without a schema, the CLI) means `text`. */
  dataType?: string;
  values: readonly (string | number | boolean | null)[];
}

/**
 * Why the engine proposes an information type: one entry per detector that spoke.
 *
 * @example
 * const evidence: Evidence = { detector: 'name', phrase: 'email', match: 'word', score: 0.7 };
 */
export type Evidence =
  | {
      detector: 'name';
      /** The phrase of the type that the column name contains. */
      phrase: string;
      /** `exact`: the whole name is the phrase; `word`: the name contains it; `weak`: a hint. */
      match: 'exact' | 'word' | 'weak';
      score: number;
    }
  | {
      detector: 'values';
      method: ValueMethod;
      describe: string;
      matched: number;
      examined: number;
      ratio: number;
      /** The share the type needed, after adapting to how many values there were. */
      threshold: number;
      score: number;
    }
  | {
      detector: 'custom';
      classifierId: string;
      classifier: string;
      /** What matched: `name` pattern, `values` pattern or dictionary. */
      on: 'name' | 'values';
      matched?: number;
      examined?: number;
      ratio?: number;
      threshold?: number;
      score: number;
    }
  | {
      detector: 'llm';
      model: string;
      reason: string;
      cached: boolean;
      score: number;
    }
  | {
      detector: 'steward';
      status: 'approved';
      by: string | null;
      at: string | null;
    };

/**
 * An information type the engine proposes for a column, with its confidence and why.
 *
 * @example
 * const top: Proposal = { infoType: 'EMAIL_ADDRESS', confidence: 0.98, sensitivity: 'confidential', evidence: [] };
 */
export interface Proposal {
  infoType: string;
  /** 0-1, deterministic for the same input. */
  confidence: number;
  sensitivity: Sensitivity;
  evidence: Evidence[];
}

/**
 * What the engine concluded about one column.
 *
 * @example
 * const { infoType, sensitive, proposals } = engine.classify(column);
 */
export interface ColumnDecision {
  /** The accepted type (the top proposal at or above its threshold), null when none. */
  infoType: string | null;
  /** Whether the accepted type is more than `public`. */
  sensitive: boolean;
  sensitivity: Sensitivity | null;
  /** Confidence of the accepted type; without one, of the best rejected proposal (or 0). */
  confidence: number;
  /** Ranked, best first; includes proposals under the acceptance threshold. */
  proposals: Proposal[];
  /** Set when the rules cannot decide well: a reason an adjudicator (LLM) may look. */
  ambiguity: string | null;
  statistics: ColumnStatistics;
  engineVersion: string;
}
