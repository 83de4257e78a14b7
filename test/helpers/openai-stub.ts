import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the model "decides"; extra or wrong fields go out as they are. */
export interface StubVerdict {
  infoType: string | null;
  confidence: number;
  reason: string;
}

/**
 * How the stub answers one request: a verdict (as a tool call or JSON content, whichever the
 * request asked for), a raw HTTP status and body, arguments that are not JSON, or any of
 * those after a delay.
 */
export type StubReply =
  | StubVerdict
  | { status: number; body: unknown }
  | { toolArguments: string }
  | { delayMs: number; then?: StubReply };

/** The parts of a Chat Completions request the stub and the tests look at. */
export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  tools?: { type: string; function: { name: string; parameters?: unknown } }[];
  tool_choice?: { type: string; function?: { name: string } };
  response_format?: { type: string };
}

/** One request as the stub received it. */
export interface RecordedRequest {
  authorization: string | undefined;
  /** The body as sent, to search for what must not be there. */
  text: string;
  body: ChatRequestBody;
}

/**
 * A local OpenAI-compatible Chat Completions server for tests.
 *
 * @example
 * const stub = await startOpenAiStub({ apiKey: 'test-key', respond: () => ({ infoType: 'EMAIL_ADDRESS', confidence: 0.9, reason: 'at signs' }) });
 * createLlmAdjudicator({ baseURL: stub.baseURL, apiKey: stub.apiKey, ... });
 * await stub.close();
 */
export interface OpenAiStub {
  /** `http://127.0.0.1:<port>/v1`, the base URL the OpenAI client expects. */
  baseURL: string;
  apiKey: string;
  requests: RecordedRequest[];
  /** Replaces the responder, e.g. per test. */
  respond(responder: StubResponder): void;
  /** Token counts reported in `usage` from now on. */
  setUsage(usage: { prompt: number; completion: number }): void;
  close(): Promise<void>;
}

/** Decides the reply to each authorised request. */
export type StubResponder = (body: ChatRequestBody) => StubReply;

/**
 * Starts the stub on 127.0.0.1 at a free port. It answers `POST /v1/chat/completions`
 * (non-streaming) and checks `Authorization: Bearer <apiKey>`, answering 401 otherwise.
 *
 * @example
 * const stub = await startOpenAiStub({ apiKey: 'k', respond: () => ({ status: 500, body: { error: { message: 'down' } } }) });
 */
export async function startOpenAiStub(options: {
  apiKey: string;
  respond: StubResponder;
  usage?: { prompt: number; completion: number };
}): Promise<OpenAiStub> {
  let responder = options.respond;
  let usage = options.usage ?? { prompt: 120, completion: 30 };
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => send(res, 500, { error: { message: 'stub failure' } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const authorization = req.headers.authorization;
    if (authorization !== `Bearer ${options.apiKey}`) {
      return send(res, 401, {
        error: { message: 'Incorrect API key provided', type: 'invalid_request_error' },
      });
    }
    const body = JSON.parse(text) as ChatRequestBody;
    requests.push({ authorization, text, body });
    await reply(res, body, responder(body));
  }

  async function reply(
    res: ServerResponse,
    body: ChatRequestBody,
    answer: StubReply,
  ): Promise<void> {
    if ('delayMs' in answer) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, answer.delayMs);
        timers.add(timer);
      });
      if (res.destroyed) return;
      return reply(res, body, answer.then ?? { infoType: null, confidence: 0, reason: 'late' });
    }
    if ('status' in answer) return send(res, answer.status, answer.body);
    const content = 'toolArguments' in answer ? answer.toolArguments : JSON.stringify(answer);
    send(res, 200, completion(body, content, usage));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: options.apiKey,
    requests,
    respond(next) {
      responder = next;
    },
    setUsage(next) {
      usage = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A Chat Completions response carrying `content` as the forced tool call, or as the text. */
function completion(
  body: ChatRequestBody,
  content: string,
  usage: { prompt: number; completion: number },
) {
  const forced = body.tool_choice?.function?.name ?? body.tools?.[0]?.function?.name;
  const message = forced
    ? {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_stub_1', type: 'function', function: { name: forced, arguments: content } },
        ],
      }
    : { role: 'assistant', content };
  return {
    id: `chatcmpl-stub-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message, finish_reason: forced ? 'tool_calls' : 'stop', logprobs: null }],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
