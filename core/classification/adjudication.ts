import type { ColumnDecision, Proposal } from './column-decision.js';
import type { InfoTypeDefinition } from './info-type.js';

/**
 * What an adjudicator (an LLM) answered about an ambiguous column; `skipped` when it could
 * not answer (budget spent, error, time-out), and the rules' decision stands.
 *
 * @example
 * const verdict: Verdict = { status: 'decided', infoType: 'PERSON', confidence: 0.8, reason: 'full names', model: 'm', cached: false };
 */
export type Verdict =
  | {
      status: 'decided';
      infoType: string | null;
      confidence: number;
      reason: string;
      model: string;
      cached: boolean;
    }
  | { status: 'skipped'; why: string; message: string };

/** At most this many candidates are offered: the rules' best proposals. */
const MAX_CANDIDATES = 5;

/**
 * The information types an adjudicator may choose from for a column: the rules' proposals,
 * best first. An answer outside this list is refused.
 *
 * @example
 * adjudicationCandidates(decision, engine.infoTypes); // [{ infoType: 'PERSON', confidence: 0.55, label: 'Person name' }, …]
 */
export function adjudicationCandidates(
  decision: ColumnDecision,
  infoTypes: readonly InfoTypeDefinition[],
): { infoType: string; confidence: number; label: string; description: string }[] {
  return decision.proposals.slice(0, MAX_CANDIDATES).map((proposal) => {
    const type = infoTypes.find((candidate) => candidate.id === proposal.infoType);
    return {
      infoType: proposal.infoType,
      confidence: proposal.confidence,
      label: type?.label ?? proposal.infoType,
      description: type?.description ?? '',
    };
  });
}

/**
 * The decision after an adjudicator's verdict. A chosen type becomes the accepted one, with
 * at least 0.6 confidence (0.6-0.9 by the verdict's own confidence) and the verdict as
 * evidence; "none of them" clears the accepted type; a skipped verdict changes nothing, so
 * the rules are the fallback. The rules' own evidence is always kept beside the verdict.
 *
 * @example
 * const final = applyAdjudication(decision, verdict);
 */
export function applyAdjudication(decision: ColumnDecision, verdict: Verdict): ColumnDecision {
  if (verdict.status !== 'decided') return decision;
  const evidence = {
    detector: 'llm' as const,
    model: verdict.model,
    reason: verdict.reason,
    cached: verdict.cached,
    score: round(verdict.confidence),
  };
  if (verdict.infoType === null) {
    const [top, ...rest] = decision.proposals;
    const proposals = top
      ? [{ ...top, evidence: [...top.evidence, { ...evidence, score: 0 }] }, ...rest]
      : [];
    return {
      ...decision,
      infoType: null,
      sensitive: false,
      sensitivity: null,
      proposals,
      ambiguity: null,
    };
  }
  const chosen = decision.proposals.find((proposal) => proposal.infoType === verdict.infoType);
  if (!chosen) return decision;
  const confidence = round(Math.max(chosen.confidence, 0.6 + 0.3 * clamp(verdict.confidence)));
  const winner: Proposal = { ...chosen, confidence, evidence: [...chosen.evidence, evidence] };
  const proposals = [winner, ...decision.proposals.filter((proposal) => proposal !== chosen)];
  return {
    ...decision,
    infoType: winner.infoType,
    sensitive: winner.sensitivity !== 'public',
    sensitivity: winner.sensitivity,
    confidence,
    proposals,
    ambiguity: null,
  };
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));
const round = (value: number) => Math.round(value * 1000) / 1000;
