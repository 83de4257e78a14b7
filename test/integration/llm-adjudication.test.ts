import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ColumnStatistics } from '../../core/classification/info-type.js';
import {
  adjudicatorFromConfig,
  columnSignature,
  createLlmAdjudicator,
  llmEvidence,
  prepareValues,
  type AdjudicationRequest,
  type LlmAdjudicatorOptions,
} from '../../infra/llm-adjudicator.js';
import { createRedis } from '../../infra/redis.js';
import { startOpenAiStub, type OpenAiStub, type StubVerdict } from '../helpers/openai-stub.js';
import { testConfig } from '../helpers/test-config.js';

const API_KEY = `sk-test-${randomUUID()}`;
const INFO_TYPES = [
  { id: 'EMAIL_ADDRESS', label: 'E-mail address', description: 'An address for electronic mail.' },
  { id: 'PHONE_NUMBER', label: 'Phone number', description: 'A telephone number.' },
  { id: 'CREDIT_CARD', label: 'Payment card number', description: 'A card number (PAN).' },
  { id: 'US_SSN', label: 'US social security number', description: 'A US SSN.' },
];
const EMAIL = 'ada.lovelace@example.com';
const CARD = '4111 1111 1111 1111';
const statistics: ColumnStatistics = {
  observed: 40,
  nulls: 2,
  masked: 0,
  examined: 38,
  distinct: 37,
  distinctRatio: 37 / 38,
  minLength: 16,
  maxLength: 31,
  meanLength: 22.4,
  numeric: 0,
  integers: 0,
  minNumber: null,
  maxNumber: null,
};
const emailVerdict: StubVerdict = {
  infoType: 'EMAIL_ADDRESS',
  confidence: 0.92,
  reason: 'Values have the shape of e-mail addresses.',
};

/** A request for a column named `name` holding `values`, prepared as a scan would. */
function requestFor(name: string, values: string[] = [EMAIL, CARD], sendRaw = false) {
  const column = { name, dataType: 'text', statistics, values: prepareValues(values, sendRaw) };
  const candidates = [
    { infoType: 'EMAIL_ADDRESS', confidence: 0.55, label: 'E-mail address' },
    { infoType: 'CREDIT_CARD', confidence: 0.4, label: 'Payment card number' },
  ];
  const signature = columnSignature({ ...column, candidates, engineVersion: 'test' });
  return { signature, column, candidates } satisfies AdjudicationRequest;
}

describe('LLM adjudication against an OpenAI-compatible stub and Redis', () => {
  const redis = createRedis(testConfig().redis.url);
  const keyPrefix = `test:${randomUUID()}:`;
  const warnings: { fields: unknown; message: string }[] = [];
  let stub: OpenAiStub;

  const adjudicator = (overrides: Partial<LlmAdjudicatorOptions> = {}) =>
    createLlmAdjudicator({
      baseURL: stub.baseURL,
      apiKey: API_KEY,
      model: 'gpt-4o-mini',
      timeoutMs: 5_000,
      maxCalls: 50,
      maxTokens: 100_000,
      cacheTtlSeconds: 600,
      redis,
      keyPrefix,
      infoTypes: INFO_TYPES,
      logger: { warn: (fields: unknown, message: string) => warnings.push({ fields, message }) },
      ...overrides,
    } as LlmAdjudicatorOptions);

  beforeAll(async () => {
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    stub = await startOpenAiStub({ apiKey: API_KEY, respond: () => emailVerdict });
  });
  beforeEach(() => {
    stub.requests.length = 0;
    warnings.length = 0;
    stub.respond(() => emailVerdict);
    stub.setUsage({ prompt: 120, completion: 30 });
  });
  afterEach(() => {
    // Whatever a failure was, its log line carries neither values nor the key.
    const logged = JSON.stringify(warnings);
    for (const secret of [API_KEY, EMAIL, CARD, 'lovelace']) expect(logged).not.toContain(secret);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await stub?.close();
  });

  it('decides a column and reports what a steward reads as evidence', async () => {
    const budgetKey = randomUUID();
    const outcome = await adjudicator().adjudicate(requestFor('contact'), budgetKey);
    expect(outcome).toEqual({
      status: 'decided',
      ...emailVerdict,
      model: 'gpt-4o-mini',
      cached: false,
    });
    if (outcome.status !== 'decided') throw new Error('not decided');
    expect(llmEvidence(outcome)).toEqual({
      detector: 'llm',
      model: 'gpt-4o-mini',
      reason: emailVerdict.reason,
      cached: false,
      score: 0.92,
    });

    expect(stub.requests).toHaveLength(1);
    const [{ body, authorization }] = stub.requests as [(typeof stub.requests)[number]];
    expect(authorization).toBe(`Bearer ${API_KEY}`);
    expect(body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0 });
    expect(body.tool_choice?.function?.name).toBe('classify_column');
    const [system, user] = body.messages;
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('EMAIL_ADDRESS (E-mail address)');
    expect(system?.content).toContain('CREDIT_CARD (Payment card number)');
    expect(system?.content).not.toContain('US_SSN');
    expect(user?.content).toContain('Column name: "contact"');
    expect(user?.content).toContain('Distinct ratio: 0.97');
    expect(user?.content).toContain('Numeric share: 0.00');

    const spent = await redis.mget(
      `${keyPrefix}llm-budget:${budgetKey}:calls`,
      `${keyPrefix}llm-budget:${budgetKey}:tokens`,
    );
    expect(spent).toEqual(['1', '150']);
    expect(await redis.ttl(`${keyPrefix}llm-budget:${budgetKey}:calls`)).toBeGreaterThan(0);
  });

  it('sends masked values only, and raw values only when allowed', async () => {
    await adjudicator().adjudicate(requestFor('masked_col'), randomUUID());
    const sent = stub.requests.map((request) => request.text).join('\n');
    expect(sent).toContain('axx.lxxxxxxx@exxxxxx.cxx');
    expect(sent).toContain('4999 1999 1999 1999');
    for (const secret of [EMAIL, 'lovelace', CARD, '1111', API_KEY]) {
      expect(sent).not.toContain(secret);
    }

    stub.requests.length = 0;
    await adjudicator().adjudicate(requestFor('raw_col', [EMAIL], true), randomUUID());
    expect(stub.requests[0]?.text).toContain(EMAIL);
  });

  it('answers a column seen before from the cache, at no cost', async () => {
    const budgetKey = randomUUID();
    const request = requestFor('cached_col');
    const first = await adjudicator().adjudicate(request, budgetKey);
    const second = await adjudicator().adjudicate(request, budgetKey);
    expect(first).toMatchObject({ status: 'decided', cached: false });
    expect(second).toMatchObject({ status: 'decided', cached: true, infoType: 'EMAIL_ADDRESS' });
    expect(stub.requests).toHaveLength(1);
    expect(await redis.get(`${keyPrefix}llm-budget:${budgetKey}:calls`)).toBe('1');
    const ttl = await redis.ttl(`${keyPrefix}llm-cache:gpt-4o-mini:${request.signature}`);
    expect(ttl).toBeGreaterThan(500);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('stops at the call budget of a scan', async () => {
    const budgetKey = randomUUID();
    const llm = adjudicator({ maxCalls: 2 });
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) => llm.adjudicate(requestFor(`budget_${name}`), budgetKey)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'decided')).toHaveLength(2);
    expect(outcomes.filter((o) => o.status === 'skipped' && o.why === 'budget')).toHaveLength(2);
    expect(stub.requests).toHaveLength(2);
    // Another scan has its own budget.
    expect(await llm.adjudicate(requestFor('budget_e'), randomUUID())).toMatchObject({
      status: 'decided',
    });
  });

  it('stops at the token budget of a scan', async () => {
    const budgetKey = randomUUID();
    stub.setUsage({ prompt: 200, completion: 50 });
    const llm = adjudicator({ maxTokens: 400 });
    expect(await llm.adjudicate(requestFor('tokens_a'), budgetKey)).toMatchObject({
      status: 'decided',
    });
    expect(await llm.adjudicate(requestFor('tokens_b'), budgetKey)).toMatchObject({
      status: 'decided',
    });
    const third = await llm.adjudicate(requestFor('tokens_c'), budgetKey);
    expect(third).toMatchObject({ status: 'skipped', why: 'budget' });
    expect(stub.requests).toHaveLength(2);
  });

  it('skips quickly with an error when the provider fails, naming no key', async () => {
    stub.respond(() => ({
      status: 500,
      body: { error: { message: `upstream refused key ${API_KEY}`, type: 'server_error' } },
    }));
    const started = Date.now();
    const outcome = await adjudicator().adjudicate(requestFor('failing'), randomUUID());
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome).toMatchObject({ status: 'skipped', why: 'error' });
    if (outcome.status !== 'skipped') throw new Error('not skipped');
    expect(outcome.message).toContain('HTTP 500');
    expect(outcome.message).not.toContain(API_KEY);
    expect(outcome.message).not.toContain('\n');
    // One retry for a transient failure, then one warning.
    expect(stub.requests).toHaveLength(2);
    expect(warnings).toHaveLength(1);
  });

  it('skips with a time-out when the model answers too late', async () => {
    stub.respond(() => ({ delayMs: 5_000, then: emailVerdict }));
    const started = Date.now();
    const outcome = await adjudicator({ timeoutMs: 400 }).adjudicate(
      requestFor('slow'),
      randomUUID(),
    );
    const elapsed = Date.now() - started;
    expect(outcome).toMatchObject({ status: 'skipped', why: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(400 + 1_000);
  });

  it('rejects an answer naming a type that was not offered, or arguments that are not JSON', async () => {
    stub.respond(() => ({ ...emailVerdict, infoType: 'US_SSN' }));
    const invented = await adjudicator().adjudicate(requestFor('invented'), randomUUID());
    expect(invented).toMatchObject({ status: 'skipped', why: 'error' });
    if (invented.status !== 'skipped') throw new Error('not skipped');
    expect(invented.message).toContain('infoType');

    stub.respond(() => ({ toolArguments: '{"infoType": "EMAIL_ADDR' }));
    const garbled = await adjudicator().adjudicate(requestFor('garbled'), randomUUID());
    expect(garbled).toMatchObject({ status: 'skipped', why: 'error' });
    if (garbled.status !== 'skipped') throw new Error('not skipped');
    expect(garbled.message).toContain('not JSON');

    stub.respond(() => ({ ...emailVerdict, confidence: 7 }));
    const overconfident = await adjudicator().adjudicate(requestFor('overconfident'), randomUUID());
    expect(overconfident).toMatchObject({ status: 'skipped', why: 'error' });
    // Rejected answers are not cached: the same column is asked again next time.
    stub.respond(() => emailVerdict);
    expect(await adjudicator().adjudicate(requestFor('invented'), randomUUID())).toMatchObject({
      status: 'decided',
      cached: false,
    });
  });

  it('accepts null for none of the candidates', async () => {
    stub.respond(() => ({ infoType: null, confidence: 0.8, reason: 'Free text.' }));
    const outcome = await adjudicator().adjudicate(requestFor('notes'), randomUUID());
    expect(outcome).toMatchObject({ status: 'decided', infoType: null, confidence: 0.8 });
  });

  it('refuses a wrong key without retrying', async () => {
    const outcome = await adjudicator({ apiKey: 'sk-wrong-key-123456' }).adjudicate(
      requestFor('unauthorised'),
      randomUUID(),
    );
    expect(outcome).toMatchObject({ status: 'skipped', why: 'error' });
    if (outcome.status !== 'skipped') throw new Error('not skipped');
    expect(outcome.message).toContain('HTTP 401');
    expect(outcome.message).not.toContain('sk-wrong-key-123456');
  });

  it('is off without LLM_API_KEY and follows the configuration with one', async () => {
    const off = testConfig({ LLM_API_KEY: '', REDIS_KEY_PREFIX: keyPrefix });
    expect(adjudicatorFromConfig(off, redis, INFO_TYPES)).toBeUndefined();

    const on = testConfig({
      LLM_API_KEY: API_KEY,
      LLM_BASE_URL: stub.baseURL,
      LLM_MODEL: 'stub-model',
      REDIS_KEY_PREFIX: keyPrefix,
    });
    const llm = adjudicatorFromConfig(on, redis, INFO_TYPES);
    expect(llm?.model).toBe('stub-model');
    const request = requestFor('configured');
    expect(await llm?.adjudicate(request, randomUUID())).toMatchObject({
      status: 'decided',
      model: 'stub-model',
    });
    expect(stub.requests[0]?.body.model).toBe('stub-model');
    expect(await redis.exists(`${keyPrefix}llm-cache:stub-model:${request.signature}`)).toBe(1);
  });
});
