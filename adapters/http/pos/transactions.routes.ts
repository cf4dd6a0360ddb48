// Sales and refunds: `POST /transactions`, the NDJSON bulk upload, and `POST /transactions/{externalId}/refunds`.
import type { FastifyInstance } from 'fastify';
import { recordRefund, type TransactionInput } from '../../../core/pos/index.js';
import type { z } from 'zod';
import { bulkResponse, errors, refundResponse, transactionResponse } from './docs.js';
import { ingest } from './ingest.js';
import { NdjsonBody } from './ndjson.js';
import { PosApiError, refundOutcome, transactionOutcome, type HttpOutcome } from './outcomes.js';
import { principalOf, send, type PosRouteContext } from './route-context.js';
import { resolveStore, toTransactionInput, type StoreRef } from './scope.js';
import {
  describeIssues,
  docsOnly,
  externalIdParams,
  jsonSchemaOf,
  refundSchema,
  RequestValidationError,
  transactionSchema,
  type TransactionBody,
} from './schemas.js';

/** One line's entry in the bulk report. */
type BulkLineResult =
  | { line: number; externalId?: string; status: 'recorded' | 'replayed'; transaction: unknown }
  | { line: number; externalId?: string; status: 'rejected'; error: { code: string; message: string } };

/** Registers the sale and refund routes. */
export function transactionRoutes(api: FastifyInstance, ctx: PosRouteContext): void {
  api.post<{ Body: TransactionBody }>(
    '/transactions',
    {
      schema: {
        tags: ['transactions'],
        summary: 'Record a sale',
        description: 'Awards the member their points. Idempotent per (store, externalId): a retry with the same contents answers 200 with the first body; with other contents 409 and nothing changes.',
        body: jsonSchemaOf(transactionSchema),
        response: { 201: transactionResponse, 200: transactionResponse, ...errors(403, 409, 422) },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const store = await resolveStore(ctx.deps, principal, req.body.storeCode, { root: 'body' });
      const input = toTransactionInput(req.body, { brandId: ctx.brandId, store, now: ctx.deps.clock.now(), root: 'body' });
      const result = await ctx.sales.record(input);
      return send(reply, transactionOutcome(result, { externalId: input.externalId, storeCode: store.code, currency: input.currency }));
    },
  );

  api.post<{ Body: unknown }>(
    '/transactions/bulk',
    {
      schema: {
        tags: ['transactions'],
        summary: 'Record many sales (NDJSON)',
        description: `One sale per line, each as POST /transactions takes it, at most ${ctx.bulk.maxLines} lines and ${ctx.bulk.maxBytes} bytes. Malformed lines are reported with their line number and reason; the good lines are recorded. Always 200 with a per-line report.`,
        consumes: ['application/x-ndjson'],
        body: { content: { 'application/x-ndjson': { schema: docsOnly({ type: 'string', description: 'Newline-delimited JSON, one Transaction per line.' }) } } },
        response: { 200: bulkResponse, ...errors(413, 415) },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      if (!(req.body instanceof NdjsonBody)) throw new PosApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the sales as application/x-ndjson, one JSON object per line');
      if (req.body.lines.length === 0) throw new PosApiError(400, 'VALIDATION_FAILED', 'the body holds no lines');
      const now = ctx.deps.clock.now();
      const stores = new Map<string, StoreRef>();
      const report: BulkLineResult[] = [];
      const accepted: Array<{ line: number; input: TransactionInput; storeCode: string }> = [];
      for (const l of req.body.lines) {
        if (!l.ok) {
          report.push({ line: l.line, status: 'rejected', error: { code: 'INVALID_JSON', message: l.reason } });
          continue;
        }
        const parsed = transactionSchema.safeParse(l.value);
        const externalId = externalIdOf(l.value);
        if (!parsed.success) {
          report.push({ line: l.line, ...externalId, status: 'rejected', error: validationFailure(parsed.error) });
          continue;
        }
        try {
          const store = await resolveStore(ctx.deps, principal, parsed.data.storeCode, { root: '', cache: stores });
          accepted.push({ line: l.line, input: toTransactionInput(parsed.data, { brandId: ctx.brandId, store, now, root: '' }), storeCode: store.code });
        } catch (err) {
          report.push({ line: l.line, ...externalId, status: 'rejected', error: lineError(err) });
        }
      }
      const results = accepted.length > 0 ? await ingest(ctx.deps, accepted.map((a) => a.input)) : [];
      accepted.forEach((a, i) => {
        const outcome: HttpOutcome = transactionOutcome(results[i]!, { externalId: a.input.externalId, storeCode: a.storeCode, currency: a.input.currency });
        const base = { line: a.line, externalId: a.input.externalId };
        if (outcome.status < 300) report.push({ ...base, status: outcome.status === 201 ? 'recorded' : 'replayed', transaction: outcome.body });
        else report.push({ ...base, status: 'rejected', error: (outcome.body as { error: { code: string; message: string } }).error });
      });
      report.sort((a, b) => a.line - b.line);
      const count = (s: BulkLineResult['status']) => report.filter((r) => r.status === s).length;
      return reply.status(200).send({ lines: report.length, recorded: count('recorded'), replayed: count('replayed'), rejected: count('rejected'), results: report });
    },
  );

  api.post<{ Params: z.infer<typeof externalIdParams>; Body: z.infer<typeof refundSchema> }>(
    '/transactions/:externalId/refunds',
    {
      schema: {
        tags: ['transactions'],
        summary: 'Refund (part of) a sale',
        description: "Reverses the sale's points in proportion. Idempotent per refundId. More than is left to refund is 422 with refundableMinor.",
        params: jsonSchemaOf(externalIdParams),
        body: jsonSchemaOf(refundSchema),
        response: { 201: refundResponse, 200: refundResponse, ...errors(403, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const store = await resolveStore(ctx.deps, principal, req.body.storeCode, { root: 'body' });
      const result = await recordRefund(ctx.deps, {
        brandId: ctx.brandId,
        storeId: store.id,
        transactionExternalId: req.params.externalId,
        refundExternalId: req.body.refundId,
        amountMinor: req.body.amountMinor,
      });
      return send(reply, refundOutcome(result, { transactionExternalId: req.params.externalId, refundExternalId: req.body.refundId, storeCode: store.code }));
    },
  );
}

function externalIdOf(value: unknown): { externalId?: string } {
  const id = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).externalId : undefined;
  return typeof id === 'string' && id.length <= 100 ? { externalId: id } : {};
}

function validationFailure(error: z.ZodError): { code: string; message: string } {
  return { code: 'VALIDATION_FAILED', message: new RequestValidationError(describeIssues(error, '')).message };
}

/** A refusal of one line; anything unexpected is rethrown (a database fault fails the request, not one line). */
function lineError(err: unknown): { code: string; message: string } {
  if (err instanceof PosApiError) return { code: err.code, message: err.message };
  if (err instanceof RequestValidationError) return { code: 'VALIDATION_FAILED', message: err.message };
  throw err;
}
