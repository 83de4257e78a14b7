import { MIN_CONTRADICTING } from '../core/classification/classification-engine.js';
import type { ColumnDecision, Evidence, Proposal } from '../core/classification/column-decision.js';
import { round } from '../core/classification/column-statistics.js';
import type { ColumnStatistics, InfoTypeDefinition } from '../core/classification/info-type.js';
import { maxSensitivity } from '../core/classification/sensitivity.js';
import type { ValueCheckCounts } from '../core/classification/value-check-counts.js';
import type { Sensitivity } from '../core/permissions/vocabulary.js';
import type { ColumnDecisions, Suggestion } from '../db/queries/column-classifications.js';

/** Proposals kept per column: the accepted one and its closest alternatives. */
const KEPT_PROPOSALS = 3;
/** Proposals under this confidence are not worth a steward's review. */
const SUGGEST_FROM = 0.3;
/**
 * What a scan concluded about one column: the accepted type (a steward's approval wins over
 * the engine), why, and the alternatives. The manifest holds it between stages, and the
 * catalog keeps a summary of it on the column asset.
 *
 * @example
 * const { infoType, status, proposals } = conclusion;
 */
export interface ColumnConclusion {
  name: string;
  infoType: string | null;
  /** `approved`: a steward chose `infoType`; `suggested`: the engine did; null: none. */
  status: 'approved' | 'suggested' | null;
  sensitive: boolean;
  sensitivity: Sensitivity | null;
  confidence: number;
  proposals: Proposal[];
  ambiguity: string | null;
  /** An adjudicator (LLM) was asked and answered. */
  adjudicated: boolean;
  statistics: ColumnStatistics;
  engineVersion: string;
  /** Seen masked only: the earlier conclusion stands and its suggestions are left alone. */
  kept?: boolean;
  /** With `kept`: the catalog's summary, written back as it was. */
  summary?: Record<string, unknown>;
}

/**
 * A dataset's classification as the manifest keeps it: one entry per column, in order.
 *
 * @example
 * const { columns } = item.classification as DatasetClassification;
 */
export interface DatasetClassification {
  columns: ColumnConclusion[];
}

/**
 * The conclusion about a column from the engine's decision and the stewards' decisions:
 * an approved type is the column's type whatever the engine says (the most sensitive one
 * when several are approved).
 *
 * @example
 * const conclusion = concludeColumn('email', decision, decisions.get(fqn), (id) => infoTypeById(id)?.sensitivity, false);
 */
export function concludeColumn(
  name: string,
  decision: ColumnDecision,
  decided: ColumnDecisions | undefined,
  sensitivityOf: (infoType: string) => Sensitivity | undefined,
  adjudicated: boolean,
): ColumnConclusion {
  const proposals = decision.proposals.slice(0, KEPT_PROPOSALS);
  const base = {
    name,
    proposals,
    ambiguity: decision.ambiguity,
    adjudicated,
    statistics: decision.statistics,
    engineVersion: decision.engineVersion,
  };
  const approved = decided?.approved ?? [];
  if (approved.length > 0) {
    let best: {
      infoType: string;
      sensitivity: Sensitivity;
      by: string | null;
      at: string | null;
    } | null = null;
    for (const entry of approved) {
      // A type that is no longer defined (a deleted custom classifier) stays confidential.
      const sensitivity = sensitivityOf(entry.infoType) ?? 'confidential';
      if (!best || maxSensitivity(best.sensitivity, sensitivity) !== best.sensitivity) {
        best = { infoType: entry.infoType, sensitivity, by: entry.decidedBy, at: entry.decidedAt };
      }
    }
    const chosen = best!;
    const steward: Evidence = {
      detector: 'steward',
      status: 'approved',
      by: chosen.by,
      at: chosen.at,
    };
    return {
      ...base,
      infoType: chosen.infoType,
      status: 'approved',
      sensitive: chosen.sensitivity !== 'public',
      sensitivity: chosen.sensitivity,
      confidence: 1,
      proposals: [
        {
          infoType: chosen.infoType,
          confidence: 1,
          sensitivity: chosen.sensitivity,
          // The engine's evidence stays beside the decision: compliance rules read its value
          // check (approving a clear card number column does not make it any less clear).
          evidence: [
            steward,
            ...(proposals.find((proposal) => proposal.infoType === chosen.infoType)?.evidence ??
              []),
          ],
        },
        ...proposals.filter((proposal) => proposal.infoType !== chosen.infoType),
      ],
    };
  }
  return {
    ...base,
    infoType: decision.infoType,
    status: decision.infoType ? 'suggested' : null,
    sensitive: decision.sensitive,
    sensitivity: decision.sensitivity,
    confidence: decision.confidence,
  };
}

/**
 * The proposals of a conclusion worth storing as `suggested` for review.
 *
 * @example
 * await replaceSuggestions(trx, scope, [{ assetId, suggestions: suggestionsOf(conclusion) }], version);
 */
export function suggestionsOf(conclusion: ColumnConclusion): Suggestion[] {
  return conclusion.proposals
    .filter(
      (proposal) =>
        proposal.confidence >= SUGGEST_FROM &&
        !proposal.evidence.some((evidence) => evidence.detector === 'steward'),
    )
    .map((proposal) => ({
      infoType: proposal.infoType,
      confidence: proposal.confidence,
      source: proposal.evidence.some((evidence) => evidence.detector === 'llm')
        ? 'llm'
        : proposal.evidence.every((evidence) => evidence.detector === 'custom')
          ? 'custom'
          : 'rules',
      evidence: proposal.evidence,
    }));
}

/**
 * What the catalog shows on a column asset (`properties.classification`): the accepted type,
 * its evidence, the alternatives and the figures it was judged on.
 *
 * @example
 * columnProperties.classification = catalogSummary(conclusion);
 */
export function catalogSummary(conclusion: ColumnConclusion): Record<string, unknown> {
  if (conclusion.kept && conclusion.summary) return conclusion.summary;
  const accepted = conclusion.proposals.find(
    (proposal) => proposal.infoType === conclusion.infoType,
  );
  return {
    infoType: conclusion.infoType,
    status: conclusion.status,
    sensitive: conclusion.sensitive,
    sensitivity: conclusion.sensitivity,
    confidence: conclusion.confidence,
    evidence: accepted?.evidence ?? conclusion.proposals[0]?.evidence ?? [],
    alternatives: conclusion.proposals
      .filter((proposal) => proposal !== accepted)
      .map((proposal) => ({ infoType: proposal.infoType, confidence: proposal.confidence })),
    ambiguity: conclusion.ambiguity,
    adjudicated: conclusion.adjudicated,
    examined: conclusion.statistics.examined,
    statistics: publicStatistics(conclusion.statistics),
    engineVersion: conclusion.engineVersion,
  };
}

/**
 * The figures a catalog reader may see: counts and lengths, but not the smallest and largest
 * number, which are sampled values themselves (a card number, a salary). Kept short: every
 * column asset carries it.
 */
function publicStatistics(statistics: ColumnStatistics): Partial<ColumnStatistics> {
  const { observed, nulls, masked, examined, distinct, minLength, maxLength } = statistics;
  return { observed, nulls, masked, examined, distinct, minLength, maxLength };
}

// Ids the first rule classifier stored, before the catalogue: summaries keep them until the
// column is judged again.
const LEGACY_IDS: Readonly<Record<string, string>> = {
  'card-number': 'CREDIT_CARD',
  iban: 'IBAN_CODE',
  'national-id': 'NATIONAL_ID',
  email: 'EMAIL_ADDRESS',
  phone: 'PHONE_NUMBER',
};

/**
 * Today's id of a type a catalog summary names, first rule classifier's ids included.
 *
 * @example
 * currentInfoTypeId('card-number'); // 'CREDIT_CARD'
 */
export function currentInfoTypeId(id: string): string {
  return LEGACY_IDS[id] ?? id;
}

/**
 * The conclusion an earlier scan left in the catalog, for a column seen masked only now.
 *
 * @example
 * const kept = keptConclusion(column, storedSummary);
 */
export function keptConclusion(
  fresh: ColumnConclusion,
  stored: Record<string, unknown>,
  decided: ColumnDecisions | undefined,
): ColumnConclusion {
  // Summaries of the first rule classifier: `{infoTypes: [{id}], suggestedSensitivity}`.
  const legacy = Array.isArray(stored.infoTypes)
    ? (stored.infoTypes as { id?: string }[])[0]?.id
    : undefined;
  let infoType =
    typeof stored.infoType === 'string'
      ? stored.infoType
      : legacy
        ? (LEGACY_IDS[legacy] ?? null)
        : null;
  let sensitivity =
    (stored.sensitivity as Sensitivity | null | undefined) ??
    (stored.suggestedSensitivity as Sensitivity | null | undefined) ??
    null;
  // A decision taken since the summary was written wins over it.
  if (infoType !== null && decided?.rejected.has(infoType)) {
    infoType = null;
    sensitivity = null;
  }
  const summary = { ...stored, infoType, sensitivity, status: infoType ? 'suggested' : null };
  return {
    ...fresh,
    infoType,
    status: infoType ? 'suggested' : null,
    sensitive: sensitivity !== null && sensitivity !== 'public',
    sensitivity,
    confidence: infoType && typeof stored.confidence === 'number' ? stored.confidence : 0,
    kept: true,
    summary,
  };
}

/**
 * A kept conclusion with the `values` evidence of its summary counted again, from the check
 * the sampler ran on the values before masking them: `matched`, `examined` and `ratio` follow
 * the source, the rest (method, describe, threshold, the score behind the kept confidence)
 * stays, and so do the type, status and sensitivity (masking wins over judging again; a
 * steward decides types). Left as it is when the counts are about another type than the
 * kept one (a steward changed it since), or when the only `values` entry is the type's
 * looser layout check, which the sampler does not run. A summary without any `values`
 * entry gets one where the engine would have written one.
 *
 * @example
 * const kept = withCheckedValues(keptConclusion(fresh, stored, decided), { infoType: 'CREDIT_CARD', examined: 20, matched: 0 }, infoTypeById('CREDIT_CARD'));
 * // kept.summary.evidence: [{ detector: 'name', … }, { detector: 'values', matched: 0, examined: 20, ratio: 0, … }]
 */
export function withCheckedValues(
  kept: ColumnConclusion,
  counts: ValueCheckCounts,
  type: InfoTypeDefinition | undefined,
): ColumnConclusion {
  const check = type?.values;
  if (
    !kept.kept ||
    !kept.summary ||
    !check ||
    type.id !== counts.infoType ||
    kept.infoType !== counts.infoType ||
    counts.examined === 0
  ) {
    return kept;
  }
  const evidence: unknown[] = Array.isArray(kept.summary.evidence) ? kept.summary.evidence : [];
  const figures = {
    matched: counts.matched,
    examined: counts.examined,
    ratio: round(counts.matched / counts.examined),
  };
  const index = evidence.findIndex(
    (entry) => isValuesEvidence(entry) && entry.describe !== type.layout?.describe,
  );
  let refreshed: unknown[];
  if (index >= 0) {
    refreshed = evidence.map((entry, at) =>
      at === index ? { ...(entry as Record<string, unknown>), ...figures } : entry,
    );
  } else if (
    evidence.some(isValuesEvidence) ||
    // Too few values to contradict a name: the engine writes no `values` evidence then.
    (counts.matched === 0 && counts.examined < MIN_CONTRADICTING)
  ) {
    return kept;
  } else {
    // The type's own threshold, unadapted to the name; the score 0: it added nothing to
    // the kept confidence.
    refreshed = [
      ...evidence,
      {
        detector: 'values',
        method: check.method,
        describe: check.describe,
        ...figures,
        threshold: type.minMatchRatio,
        score: 0,
      },
    ];
  }
  return { ...kept, summary: { ...kept.summary, evidence: refreshed } };
}

function isValuesEvidence(entry: unknown): entry is Record<string, unknown> {
  return (
    typeof entry === 'object' &&
    entry !== null &&
    (entry as { detector?: unknown }).detector === 'values'
  );
}
