import type { Redis } from 'ioredis';

/** A scan's counters outlive it by a day at most; they only matter while it runs. */
export const BUDGET_TTL_SECONDS = 24 * 3600;

/**
 * The calls and tokens a scan may spend on LLM adjudication, counted in Redis so that every
 * worker running activities of the same scan shares one budget.
 *
 * @example
 * const refusal = await budget.reserveCall(scanRunId);
 * if (refusal === undefined) { const answer = await callModel(); await budget.addTokens(scanRunId, answer.tokens); }
 */
export interface LlmBudget {
  /**
   * Counts one call before it is made, so concurrent callers cannot overshoot the call
   * limit; answers why not (and takes the call back) when either limit is reached.
   */
  reserveCall(budgetKey: string): Promise<string | undefined>;
  /** Adds the tokens a response reported; the next reservation sees them. */
  addTokens(budgetKey: string, tokens: number): Promise<void>;
  /** What the budget has spent so far. */
  spent(budgetKey: string): Promise<{ calls: number; tokens: number }>;
}

/**
 * A budget of `maxCalls` calls and `maxTokens` tokens per budget key, under `prefix`.
 *
 * @example
 * const budget = createLlmBudget(redis, 'prod:', { maxCalls: 200, maxTokens: 200_000 });
 */
export function createLlmBudget(
  redis: Redis,
  prefix: string,
  limits: { maxCalls: number; maxTokens: number },
): LlmBudget {
  const keys = (budgetKey: string) => ({
    calls: `${prefix}llm-budget:${budgetKey}:calls`,
    tokens: `${prefix}llm-budget:${budgetKey}:tokens`,
  });

  return {
    async reserveCall(budgetKey) {
      const key = keys(budgetKey);
      const replies = await redis
        .multi()
        .incr(key.calls)
        .expire(key.calls, BUDGET_TTL_SECONDS)
        .get(key.tokens)
        .exec();
      const calls = Number(replyOf(replies, 0));
      const tokens = Number(replyOf(replies, 2) ?? 0);
      let refusal: string | undefined;
      if (calls > limits.maxCalls) {
        refusal = `LLM call budget of this scan used up (${limits.maxCalls} calls)`;
      } else if (tokens >= limits.maxTokens) {
        refusal = `LLM token budget of this scan used up (${tokens} of ${limits.maxTokens} tokens)`;
      }
      // A refused call was never made; taking it back keeps the count honest for `spent`.
      if (refusal !== undefined) await redis.decr(key.calls);
      return refusal;
    },

    async addTokens(budgetKey, tokens) {
      if (!(tokens > 0)) return;
      const key = keys(budgetKey);
      await redis
        .multi()
        .incrby(key.tokens, Math.ceil(tokens))
        .expire(key.tokens, BUDGET_TTL_SECONDS)
        .exec();
    },

    async spent(budgetKey) {
      const key = keys(budgetKey);
      const [calls, tokens] = await redis.mget(key.calls, key.tokens);
      return { calls: Number(calls ?? 0), tokens: Number(tokens ?? 0) };
    },
  };
}

function replyOf(replies: [Error | null, unknown][] | null, index: number): unknown {
  const reply = replies?.[index];
  if (!reply) throw new Error('Redis transaction was aborted');
  if (reply[0]) throw reply[0];
  return reply[1];
}
