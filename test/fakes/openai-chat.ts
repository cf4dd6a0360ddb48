// A fake OpenAI-compatible chat server on 127.0.0.1 for tests: answers POST /v1/chat/completions in the shape the
// request asks for (a forced tool call when it sends `tools` + `tool_choice`, JSON content for `response_format`),
// checks the bearer key, records every request, and can be scripted to misbehave (bad JSON, delay, HTTP error).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers to the next chat completion. */
export type FakeChatReply =
  /** A well-formed structured answer: `{ intent, ...entities }` (any intent string, also unknown ones); other schema properties are null. */
  | { kind: 'intent'; intent: string; entities?: Record<string, string | null> }
  /** This exact text as the content / tool-call arguments (e.g. malformed JSON). */
  | { kind: 'raw'; text: string }
  /** Waits `ms` before answering with `then` (default: intent `none`); a client that gives up first just disconnects. */
  | { kind: 'delay'; ms: number; then?: FakeChatReply }
  /** An OpenAI-style error body with this HTTP status. */
  | { kind: 'status'; status: number; message?: string };

/** One message of a recorded request. */
export interface FakeChatMessage {
  role: string;
  content: unknown;
}

/** One request the fake received (including rejected ones). */
export interface FakeChatRequest {
  authorization: string | undefined;
  model: string;
  messages: FakeChatMessage[];
  /** `tools` when the client asked for a function call, `response_format` for JSON content, `none` otherwise. */
  mode: 'tools' | 'response_format' | 'none';
  /** The structured-output task: the JSON schema's or the tool's name (`classify_intent`, `answer_from_sources`). */
  task: string;
  /** The raw JSON body, for assertions the fields above do not cover. */
  body: Record<string, unknown>;
}

/** Settings of the fake. */
export interface FakeOpenAIChatOptions {
  /** The key the fake accepts as `Authorization: Bearer <apiKey>`; other keys get 401. */
  apiKey: string;
  /** The answer until `respondWith` changes it (default: intent `none`). */
  reply?: FakeChatReply;
}

/** A running fake: its `/v1` base URL, the requests it saw, a way to script the answer, and `close`. */
export interface FakeOpenAIChat {
  baseUrl: string;
  requests: FakeChatRequest[];
  /** Sets the answer to every following request, or with `task` only to requests for that task (which then wins). */
  respondWith(reply: FakeChatReply, task?: string): void;
  close(): Promise<void>;
}

interface ChatBody {
  model?: unknown;
  messages?: unknown;
  tools?: unknown;
  tool_choice?: unknown;
  response_format?: unknown;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function toolName(body: ChatBody): string {
  const choice = body.tool_choice as { function?: { name?: unknown } } | undefined;
  if (typeof choice?.function?.name === 'string') return choice.function.name;
  const first = (body.tools as Array<{ function?: { name?: unknown } }> | undefined)?.[0];
  return typeof first?.function?.name === 'string' ? first.function.name : 'extract';
}

function taskName(body: ChatBody): string {
  const format = body.response_format as { json_schema?: { name?: unknown } } | undefined;
  return typeof format?.json_schema?.name === 'string' ? format.json_schema.name : body.tools !== undefined ? toolName(body) : '';
}

// Like a strict structured-output server, an `intent` reply carries every property the requested schema names:
// those the script leaves out are null.
function schemaProperties(body: ChatBody): string[] {
  const format = body.response_format as { json_schema?: { schema?: { properties?: unknown } } } | undefined;
  const tool = (body.tools as Array<{ function?: { parameters?: { properties?: unknown } } }> | undefined)?.[0];
  const properties = format?.json_schema?.schema?.properties ?? tool?.function?.parameters?.properties;
  return properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
}

function completion(body: ChatBody, mode: FakeChatRequest['mode'], text: string): unknown {
  const message =
    mode === 'tools'
      ? {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_fake_1', type: 'function', function: { name: toolName(body), arguments: text } }],
        }
      : { role: 'assistant', content: text, refusal: null };
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: typeof body.model === 'string' ? body.model : 'fake',
    choices: [{ index: 0, message, logprobs: null, finish_reason: mode === 'tools' ? 'tool_calls' : 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeOpenAI(options: FakeOpenAIChatOptions): Promise<FakeOpenAIChat> {
  const requests: FakeChatRequest[] = [];
  let reply: FakeChatReply = options.reply ?? { kind: 'intent', intent: 'none' };
  const byTask = new Map<string, FakeChatReply>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        sendJson(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
        return;
      }
      let body: ChatBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatBody;
      } catch {
        sendJson(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
        return;
      }
      const mode: FakeChatRequest['mode'] = body.tools !== undefined ? 'tools' : body.response_format !== undefined ? 'response_format' : 'none';
      requests.push({
        authorization: req.headers.authorization,
        model: typeof body.model === 'string' ? body.model : '',
        messages: Array.isArray(body.messages) ? (body.messages as FakeChatMessage[]) : [],
        mode,
        task: taskName(body),
        body: body as Record<string, unknown>,
      });
      if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
        sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
        return;
      }
      answer(byTask.get(taskName(body)) ?? reply);

      function answer(r: FakeChatReply): void {
        switch (r.kind) {
          case 'intent':
            sendJson(res, 200, completion(body, mode, JSON.stringify({ ...Object.fromEntries(schemaProperties(body).map((k) => [k, null])), intent: r.intent, ...r.entities })));
            return;
          case 'raw':
            sendJson(res, 200, completion(body, mode, r.text));
            return;
          case 'status':
            sendJson(res, r.status, { error: { message: r.message ?? `fake error ${r.status}`, type: 'server_error' } });
            return;
          case 'delay': {
            const timer = setTimeout(() => answer(r.then ?? { kind: 'intent', intent: 'none' }), r.ms);
            // The client timed out and hung up: nothing left to answer.
            res.on('close', () => clearTimeout(timer));
            return;
          }
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    respondWith: (r, task) => {
      if (task === undefined) {
        reply = r;
        byTask.clear();
      } else byTask.set(task, r);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
