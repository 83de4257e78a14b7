import { setTimeout as sleep } from 'node:timers/promises';
import { AIMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import type { Verdict as AdjudicationVerdict } from '../core/classification/adjudication.js';
import type { Evidence } from '../core/classification/column-decision.js';
import type { ColumnStatistics } from '../core/classification/info-type.js';
import { createLlmBudget, type LlmBudget } from './llm-budget.js';
import { buildPrompt, verdictSchema, type PromptInfoType, type Verdict } from './llm-prompt.js';
import type { Logger } from './logger.js';

export { columnSignature, prepareValues } from './llm-prompt.js';

/**
 * One ambiguous column put to the model.
 *
 * @example
 * const request: AdjudicationRequest = { signature, column: { name, dataType, statistics, values: prepareValues(raw, false) }, candidates };
 */
export interface AdjudicationRequest {
  /** Stable hash of what the engine saw: name, type, statistics, masked values, candidates, engine version. */
  signature: string;
  column: {
    name: string;
    dataType: string;
    statistics: ColumnStatistics;
    /** Already masked unless raw values are allowed (see `prepareValues`). */
    values: readonly string[];
  };
  candidates: readonly { infoType: string; confidence: number; label: string }[];
}

/**
 * The model's verdict, or why there is none; a skipped column keeps its rule-based result.
 *
 * @example
 * if (outcome.status === 'decided') proposals.push(...);
 */
export type AdjudicationOutcome =
  | Extract<AdjudicationVerdict, { status: 'decided' }>
  | { status: 'skipped'; why: 'budget' | 'error' | 'timeout' | 'disabled'; message: string };

/**
 * Asks an LLM which of the rule-based candidates an ambiguous column holds.
 *
 * @example
 * const outcome = await adjudicator.adjudicate(request, scanRunId);
 */
export interface LlmAdjudicator {
  readonly model: string;
  /** `budgetKey` names the per-scan budget (e.g. the scan run id). Never throws: failures are 'skipped'. */
  adjudicate(request: AdjudicationRequest, budgetKey: string): Promise<AdjudicationOutcome>;
}

/** Settings of `createLlmAdjudicator`; `infoTypes` describes the ids candidates may name. */
export interface LlmAdjudicatorOptions {
  baseURL?: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  maxCalls: number;
  maxTokens: number;
  cacheTtlSeconds: number;
  redis: Redis;
  keyPrefix?: string;
  infoTypes: readonly PromptInfoType[];
  logger?: Pick<Logger, 'warn'>;
}

const FUNCTION_NAME = 'classify_column';
/** A verdict is a few dozen tokens; the cap bounds what a runaway answer costs. */
const MAX_COMPLETION_TOKENS = 400;
const RETRY_DELAY_MS = 250;
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

type Skipped = Extract<AdjudicationOutcome, { status: 'skipped' }>;

/**
 * An adjudicator that talks to an OpenAI-compatible chat API through LangChain, caches
 * verdicts in Redis by model and column signature, and keeps each scan within its budget
 * of calls and tokens. Transient provider failures get one retry within the time-out.
 *
 * @example
 * const adjudicator = createLlmAdjudicator({
 *   apiKey, model: 'gpt-4o-mini', timeoutMs: 15_000, maxCalls: 200, maxTokens: 200_000,
 *   cacheTtlSeconds: 2_592_000, redis, infoTypes: BUILTIN_INFO_TYPES,
 * });
 */
export function createLlmAdjudicator(options: LlmAdjudicatorOptions): LlmAdjudicator {
  const { apiKey, model, timeoutMs, logger } = options;
  const chat = new ChatOpenAI({
    model,
    apiKey,
    temperature: 0,
    timeout: timeoutMs,
    // Retries are ours: LangChain's back-off would outlast short time-outs.
    maxRetries: 0,
    maxTokens: MAX_COMPLETION_TOKENS,
    ...(options.baseURL ? { configuration: { baseURL: options.baseURL } } : {}),
  });
  const catalogue = new Map(options.infoTypes.map((type) => [type.id, type]));
  const prefix = options.keyPrefix ?? '';
  const budget: LlmBudget = createLlmBudget(options.redis, prefix, options);
  const cacheKey = (signature: string) => `${prefix}llm-cache:${model}:${signature}`;

  async function ask(
    messages: (SystemMessage | HumanMessage)[],
    schema: ReturnType<typeof verdictSchema>,
    signal: AbortSignal,
  ) {
    const structured = chat.withStructuredOutput<Verdict>(schema, {
      name: FUNCTION_NAME,
      method: 'functionCalling',
      includeRaw: true,
    });
    try {
      return await structured.invoke(messages, { signal });
    } catch (error) {
      const status = field(error, 'status');
      const transient = typeof status === 'number' ? RETRY_STATUSES.has(status) : !isTimeout(error);
      if (signal.aborted || !transient || field(error, 'code') === 'insufficient_quota')
        throw error;
      await sleep(RETRY_DELAY_MS, undefined, { signal });
      return await structured.invoke(messages, { signal });
    }
  }

  async function run(
    request: AdjudicationRequest,
    budgetKey: string,
  ): Promise<AdjudicationOutcome> {
    const { signature } = request;
    const prompt = buildPrompt(request.column, request.candidates, catalogue);
    const schema = verdictSchema(prompt.offered);
    const decided = (verdict: Verdict, cached: boolean) =>
      ({ status: 'decided', ...verdict, model, cached }) satisfies AdjudicationOutcome;
    const skip = (why: Skipped['why'], message: string) => {
      if (why !== 'budget') logger?.warn({ why, model, budgetKey, signature }, message);
      return { status: 'skipped', why, message } satisfies Skipped;
    };

    let refusal: string | undefined;
    try {
      const hit = await options.redis.get(cacheKey(signature));
      const cached = hit === null ? undefined : schema.safeParse(safeJson(hit));
      if (cached?.success) return decided(cached.data, true);
      refusal = await budget.reserveCall(budgetKey);
    } catch (error) {
      return skip('error', `LLM adjudication store unavailable: ${oneLine(error, apiKey)}`);
    }
    if (refusal !== undefined) return skip('budget', refusal);

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const messages = [new SystemMessage(prompt.system), new HumanMessage(prompt.user)];
      const { raw, parsed } = await ask(messages, schema, controller.signal);
      // The answer is paid for already; losing its count beats losing the verdict.
      await budget.addTokens(budgetKey, tokensOf(raw)).catch((error: unknown) => {
        logger?.warn({ model, budgetKey }, `LLM tokens not counted: ${oneLine(error, apiKey)}`);
      });
      const verdict = validate(schema, parsed, raw);
      if (typeof verdict === 'string') return skip('error', `model answer rejected: ${verdict}`);
      await options.redis
        .set(cacheKey(signature), JSON.stringify(verdict), 'EX', options.cacheTtlSeconds)
        .catch((error: unknown) =>
          logger?.warn({ model, signature }, `LLM verdict not cached: ${oneLine(error, apiKey)}`),
        );
      return decided(verdict, false);
    } catch (error) {
      if (controller.signal.aborted || isTimeout(error)) {
        return skip('timeout', `no answer from the model within ${timeoutMs} ms`);
      }
      const status = field(error, 'status');
      const detail = oneLine(error, apiKey).replace(/^\d{3}\s+/, '');
      return skip(
        'error',
        status
          ? `model provider answered HTTP ${status}: ${detail}`
          : `model request failed: ${detail}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    model,
    // Callers treat a skip as "keep the rules' result", so even a malformed request must not throw.
    adjudicate: (request, budgetKey) =>
      run(request, budgetKey).catch((error: unknown) => {
        const message = `LLM adjudication failed: ${oneLine(error, apiKey)}`;
        logger?.warn({ model, budgetKey, signature: request.signature }, message);
        return { status: 'skipped', why: 'error', message } satisfies Skipped;
      }),
  };
}

/**
 * The adjudicator the configuration asks for, or undefined when no `LLM_API_KEY` is set
 * (LLM adjudication is then off and ambiguous columns keep their rule-based result).
 *
 * @example
 * const adjudicator = adjudicatorFromConfig(config, redis, BUILTIN_INFO_TYPES, logger);
 */
export function adjudicatorFromConfig(
  config: Config,
  redis: Redis,
  infoTypes: readonly PromptInfoType[],
  logger?: Pick<Logger, 'warn'>,
): LlmAdjudicator | undefined {
  const { llm } = config;
  if (!llm.apiKey) return undefined;
  return createLlmAdjudicator({
    ...(llm.baseURL ? { baseURL: llm.baseURL } : {}),
    apiKey: llm.apiKey,
    model: llm.model,
    timeoutMs: llm.timeoutMs,
    maxCalls: llm.maxCallsPerScan,
    maxTokens: llm.maxTokensPerScan,
    cacheTtlSeconds: llm.cacheTtlSeconds,
    redis,
    keyPrefix: config.redis.keyPrefix,
    infoTypes,
    ...(logger ? { logger } : {}),
  });
}

/**
 * The evidence a decided outcome adds to the column's proposal for its type.
 *
 * @example
 * if (outcome.status === 'decided' && outcome.infoType) proposal.evidence.push(llmEvidence(outcome));
 */
export function llmEvidence(
  outcome: Extract<AdjudicationOutcome, { status: 'decided' }>,
): Extract<Evidence, { detector: 'llm' }> {
  return {
    detector: 'llm',
    model: outcome.model,
    reason: outcome.reason,
    cached: outcome.cached,
    score: outcome.confidence,
  };
}

/**
 * The verdict, or why the answer is refused. With `includeRaw`, LangChain answers
 * `parsed: null` instead of throwing, so the raw tool call is checked again for the reason.
 */
function validate(
  schema: ReturnType<typeof verdictSchema>,
  parsed: Verdict | null,
  raw: unknown,
): Verdict | string {
  if (parsed) return parsed;
  if (!AIMessage.isInstance(raw)) return 'no message';
  const call = raw.tool_calls?.find((item) => item.name === FUNCTION_NAME);
  if (!call) return raw.invalid_tool_calls?.length ? 'arguments are not JSON' : 'no function call';
  const result = schema.safeParse(call.args);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return `${issue?.path.join('.') || 'arguments'}: ${issue?.message ?? 'invalid'}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const field = (error: unknown, name: 'status' | 'code'): unknown =>
  typeof error === 'object' && error !== null ? Reflect.get(error, name) : undefined;

const tokensOf = (raw: unknown): number =>
  AIMessage.isInstance(raw) ? (raw.usage_metadata?.total_tokens ?? 0) : 0;

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** First line of an error's message, short, with the API key and key-like tokens blanked. */
function oneLine(error: unknown, apiKey: string): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = (text.split('\n').find((part) => part.trim() !== '') ?? 'unknown error').trim();
  const keyLike = line.replace(/\bsk-[\w*.-]{4,}/g, '********');
  // A key of a letter or two would blank ordinary words; real keys are long.
  const blanked = apiKey.length >= 4 ? keyLike.split(apiKey).join('********') : keyLike;
  return blanked.length <= 200 ? blanked : `${blanked.slice(0, 199)}…`;
}
