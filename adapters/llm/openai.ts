// The LLM port over any OpenAI-compatible chat server (OpenAI, or a local one through OPENAI_BASE_URL), via
// LangChain's ChatOpenAI with structured output. No retries and a hard timeout: a chat turn cannot wait, and every
// caller has an offline answer to fall back on. The answer is validated against the schema again here, whatever the
// client library did, so only well-formed values reach the caller.
import { ChatOpenAI } from '@langchain/openai';
import type { z } from 'zod';
import type { LlmFailure, LlmOutcome, StructuredLlm, StructuredRequest } from '../../core/shared/llm.js';
import type { Log } from '../../core/shared/log.js';

/** Settings; the composition root reads OPENAI_API_KEY, OPENAI_BASE_URL and the model settings and passes them in. */
export interface OpenAILlmOptions {
  apiKey: string;
  /** An OpenAI-compatible endpoint such as `http://127.0.0.1:8080/v1`; the official API when absent. */
  baseURL?: string | undefined;
  /** Chat model name (default `gpt-4o-mini`). */
  model?: string | undefined;
  /** Whole-call budget, including connecting (default 3000 ms). */
  timeoutMs?: number | undefined;
  /**
   * How structured output is requested: `jsonSchema` (`response_format`, the default, OpenAI and most local
   * servers) or `functionCalling` (a forced tool call, for servers without JSON-schema support).
   */
  method?: 'jsonSchema' | 'functionCalling' | undefined;
  log: Log;
}

/** Creates the port implementation. */
export function createOpenAILlm(options: OpenAILlmOptions): StructuredLlm {
  const model = options.model ?? 'gpt-4o-mini';
  const timeoutMs = options.timeoutMs ?? 3000;
  const log = options.log.child({ component: 'llm', model });
  const chat = new ChatOpenAI({
    apiKey: options.apiKey,
    model,
    temperature: 0,
    maxRetries: 0,
    timeout: timeoutMs,
    configuration: options.baseURL ? { baseURL: options.baseURL } : {},
  });

  return {
    model,
    async generate<S extends z.ZodType>(request: StructuredRequest<S>): Promise<LlmOutcome<z.output<S>>> {
      // includeRaw: a tool-call reply that does not parse comes back as `parsed: null` instead of an exception (a bad
      // json_schema reply still throws, from the SDK; see isParseFailure), keeping "invalid" apart from "error".
      const structured = chat.withStructuredOutput(request.schema as z.ZodType<Record<string, unknown>>, {
        name: request.name,
        method: options.method ?? 'jsonSchema',
        strict: true,
        includeRaw: true,
      });
      const started = Date.now();
      const signal = AbortSignal.timeout(timeoutMs);
      const fail = (reason: LlmFailure, err?: unknown): LlmOutcome<z.output<S>> => {
        const ms = Date.now() - started;
        // Never the prompt or the answer (nor error messages, which can quote them): what failed and how long it took.
        log.warn({ task: request.name, reason, ms, ...(err === undefined ? {} : { err: errorSummary(err) }) }, reason === 'invalid' ? 'llm answer rejected' : 'llm call failed');
        return { ok: false, reason, ms };
      };
      let parsed: unknown;
      try {
        const out = await structured.invoke(
          [
            { role: 'system', content: request.system },
            { role: 'user', content: request.user },
          ],
          { signal },
        );
        parsed = out.parsed;
      } catch (error) {
        return fail(signal.aborted || isTimeout(error) ? 'timeout' : isParseFailure(error) ? 'invalid' : 'error', error);
      }
      const checked = request.schema.safeParse(parsed);
      if (!checked.success) return fail('invalid');
      const ms = Date.now() - started;
      log.debug({ task: request.name, ms }, 'llm answered');
      return { ok: true, value: checked.data, ms };
    },
  };
}

function isTimeout(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || error.name === 'TimeoutError' || error.constructor.name === 'APIConnectionTimeoutError';
}

// With json_schema the openai SDK parses and zod-checks the reply itself, throwing SyntaxError or ZodError before
// LangChain's parser (which includeRaw makes lenient) runs. HTTP errors carry a status and are never parse failures.
function isParseFailure(error: unknown): boolean {
  if (!(error instanceof Error) || typeof (error as { status?: unknown }).status === 'number') return false;
  return error instanceof SyntaxError || /ZodError|OutputParserException/.test(`${error.name} ${error.constructor.name}`);
}

// Class name and HTTP status only: provider error messages can echo parts of the request.
function errorSummary(error: unknown): { type: string; status?: number } {
  if (!(error instanceof Error)) return { type: typeof error };
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? { type: error.constructor.name, status } : { type: error.constructor.name };
}
