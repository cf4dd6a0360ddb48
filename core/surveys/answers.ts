// A customer's answer to the NPS question: a score 0–10 (typed as digits or words in English, Arabic or Chinese), then
// optionally the reason. Detractors' reasons come back with what the caller needs to open a ticket; promoters get the
// brand's review link. Answers count only within a week of sending: an older survey expires instead.
import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import { extractNumbers, normalizeText } from '../../nlu/index.js';
import { scoreSentiment } from '../../nlu/sentiment.js';
import { schema } from '../../db/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';

const DAY = 86_400_000;
/** How long after sending an answer is still taken. */
export const ANSWER_WINDOW_DAYS = 7;

/** The NPS category of a score: 0–6 detractor, 7–8 passive, 9–10 promoter. */
export type NpsCategory = 'detractor' | 'passive' | 'promoter';

/** The category of a 0–10 score. */
export function npsCategory(score: number): NpsCategory {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

/** Why a text is not a score. */
export type InvalidScore = { status: 'invalid_score'; reason: 'not_a_number' | 'ambiguous' | 'out_of_range'; value?: number };

// "8/10", "8 out of 10", "٨ من ١٠", "8分(滿分10)": the scale's 10 is not a second answer.
const OUT_OF_TEN = /(?:\/|out of|من|滿分)\s*(?:10|ten|عشره|十)/u;

/**
 * Reads a score from a number or a message: digits in any script, English and Arabic number words ("ten", "عشرة"),
 * Chinese numerals ("十", "九分"). Exactly one number 0–10 in whole units is a score; "8/10" reads as 8.
 */
export function parseScore(answer: number | string): { status: 'ok'; score: number } | InvalidScore {
  let numbers: number[];
  if (typeof answer === 'number') numbers = [answer];
  else {
    numbers = extractNumbers(answer);
    if (numbers.length === 2 && numbers[1] === 10 && OUT_OF_TEN.test(normalizeText(answer))) numbers = [numbers[0]!];
  }
  // The number parser reads "-1" as 1; a minus sign before the digits makes it out of range, not a 1.
  if (typeof answer === 'string' && /(?:^|[^\p{L}\p{N}])[-\u2212]\s*\d/u.test(normalizeText(answer))) return { status: 'invalid_score', reason: 'out_of_range', value: -(numbers[0] ?? 0) };
  if (numbers.length === 0) return { status: 'invalid_score', reason: 'not_a_number' };
  if (numbers.length > 1) return { status: 'invalid_score', reason: 'ambiguous' };
  const value = numbers[0]!;
  if (!Number.isInteger(value) || value < 0 || value > 10) return { status: 'invalid_score', reason: 'out_of_range', value };
  return { status: 'ok', score: value };
}

/** What recording a score did. */
export type RecordScoreResult =
  | { status: 'recorded'; responseId: number; score: number; category: NpsCategory; reviewUrl?: string }
  /** No survey is waiting for this customer's answer. */
  | { status: 'no_survey' }
  /** The survey waiting was sent more than a week ago; it is now expired. */
  | { status: 'expired'; responseId: number }
  | InvalidScore;

/** Records the customer's score on their latest sent survey (sent at most 7 days before `at`). */
export async function recordScore(deps: CoreDeps, input: { brandId: string; customerId: string; score: number | string; at: Date }): Promise<RecordScoreResult> {
  const r = schema.surveyResponses;
  return deps.db.transaction(async (tx) => {
    const [latest] = await tx
      .select({ id: r.id, sentAt: r.sentAt, surveyId: r.surveyId })
      .from(r)
      .where(and(eq(r.brandId, input.brandId), eq(r.customerId, input.customerId), eq(r.status, 'sent')))
      .orderBy(desc(r.sentAt), desc(r.id))
      .limit(1)
      .for('update');
    if (!latest) return { status: 'no_survey' };
    const cutoff = new Date(input.at.getTime() - ANSWER_WINDOW_DAYS * DAY);
    if (!latest.sentAt || latest.sentAt < cutoff) {
      // Expire every stale survey of this customer at once, so an older one cannot come up on the next message.
      await tx
        .update(r)
        .set({ status: 'expired' })
        .where(and(eq(r.brandId, input.brandId), eq(r.customerId, input.customerId), eq(r.status, 'sent'), lt(r.sentAt, cutoff)));
      return { status: 'expired', responseId: latest.id };
    }
    const parsed = parseScore(input.score);
    if (parsed.status !== 'ok') return parsed;
    await tx.update(r).set({ status: 'answered', score: parsed.score, answeredAt: input.at }).where(eq(r.id, latest.id));
    const category = npsCategory(parsed.score);
    const [survey] = await tx.select({ reviewUrl: schema.surveys.reviewUrl }).from(schema.surveys).where(eq(schema.surveys.id, latest.surveyId));
    return {
      status: 'recorded',
      responseId: latest.id,
      score: parsed.score,
      category,
      ...(category === 'promoter' && survey?.reviewUrl ? { reviewUrl: survey.reviewUrl } : {}),
    };
  });
}

/** What the caller needs to open a ticket for a detractor (with core/tickets' createTicket). */
export interface TicketRequest {
  responseId: number;
  brandId: string;
  customerId: string;
  storeId: string | null;
  score: number;
  reason: string;
  sentiment: number;
}

/** What recording a reason did. */
export type RecordReasonResult =
  | { status: 'recorded'; sentiment: number; openTicket: true; ticket: TicketRequest }
  | { status: 'recorded'; sentiment: number; openTicket: false }
  /** The survey has no score yet (or expired): a reason without a score is not stored. */
  | { status: 'not_answered' }
  /** A reason was already stored; the first one stays. */
  | { status: 'already_recorded' };

/** Stores the reason for a score with its sentiment; detractors (0–6) come back with a ticket request. */
export async function recordReason(deps: CoreDeps, input: { responseId: number; reason: string }): Promise<RecordReasonResult> {
  const reason = input.reason.trim();
  if (reason.length === 0) throw new AppError('INVALID_INPUT', 'empty reason');
  const sentiment = scoreSentiment(reason);
  const r = schema.surveyResponses;
  return deps.db.transaction(async (tx) => {
    const [row] = await tx.select().from(r).where(eq(r.id, input.responseId)).for('update');
    if (!row) throw new AppError('NOT_FOUND', `survey response ${input.responseId}`);
    if (row.status !== 'answered' || row.score === null) return { status: 'not_answered' };
    if (row.reason !== null) return { status: 'already_recorded' };
    await tx.update(r).set({ reason, sentiment }).where(eq(r.id, row.id));
    if (npsCategory(row.score) !== 'detractor') return { status: 'recorded', sentiment, openTicket: false };
    return {
      status: 'recorded',
      sentiment,
      openTicket: true,
      ticket: { responseId: row.id, brandId: row.brandId, customerId: row.customerId, storeId: row.storeId, score: row.score, reason, sentiment },
    };
  });
}

/** Links the ticket opened for a response; 'already_attached' (with the existing id) when it has one. */
export async function attachTicket(deps: CoreDeps, input: { responseId: number; ticketId: number }): Promise<{ status: 'attached' } | { status: 'already_attached'; ticketId: number }> {
  const r = schema.surveyResponses;
  const rows = await deps.db.update(r).set({ ticketId: input.ticketId }).where(and(eq(r.id, input.responseId), isNull(r.ticketId))).returning({ id: r.id });
  if (rows.length > 0) return { status: 'attached' };
  const [row] = await deps.db.select({ ticketId: r.ticketId }).from(r).where(eq(r.id, input.responseId));
  if (!row) throw new AppError('NOT_FOUND', `survey response ${input.responseId}`);
  return { status: 'already_attached', ticketId: row.ticketId! };
}
