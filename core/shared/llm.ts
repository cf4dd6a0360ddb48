// The LLM port: one structured-output call, answered with a value that passed the caller's schema or with why not.
// Callers (the NLU fallback, grounded knowledge answers) never see provider errors, only these outcomes, so a
// timeout, an outage or a malformed answer is always "use the offline result".
import type { z } from 'zod';

/** Why an LLM call produced nothing usable. */
export type LlmFailure = 'timeout' | 'error' | 'invalid';

/** The outcome of one call; `ms` is how long it took. */
export type LlmOutcome<T> = { ok: true; value: T; ms: number } | { ok: false; reason: LlmFailure; ms: number };

/** One request: a fixed system prompt, the untrusted user content, and the schema the answer must match. */
export interface StructuredRequest<S extends z.ZodType> {
  /** A short identifier of the task (the tool name with function calling). */
  name: string;
  schema: S;
  system: string;
  user: string;
}

/** A chat model that answers in JSON matching a zod schema. */
export interface StructuredLlm {
  readonly model: string;
  generate<S extends z.ZodType>(request: StructuredRequest<S>): Promise<LlmOutcome<z.output<S>>>;
}
