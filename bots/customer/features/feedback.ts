// Feedback the bot asked for: the CSAT rating after a person resolved a conversation (the agent desk sends the question,
// `csatQuestion`, and sets `state.csat`), and the NPS survey after a purchase (the survey sender sends `surveyQuestion`
// and sets `state.survey`). A button answers exactly; a typed number answers the latest question; then one optional
// free-text follow-up (a comment, the reason). Anything else is asked again once, then the bot goes on as usual.
import { and, eq } from 'drizzle-orm';
import { LANGUAGES, type Language, type Reply } from '../../../core/conversation/index.js';
import { findGiftCardCode } from '../../../core/gift-cards/index.js';
import { ANSWER_WINDOW_DAYS, attachTicket, parseScore, recordReason, recordScore, type RecordScoreResult } from '../../../core/surveys/index.js';
import { createTicket, recordCsat, recordCsatComment } from '../../../core/tickets/index.js';
import { schema } from '../../../db/index.js';
import { extractNumbers, normalizeText, toLatinDigits } from '../../../nlu/index.js';
import { catalogs, directionOf } from '../i18n/index.js';
import { menuReply, say, type TurnContext, type Understood } from '../turn-context.js';
import { alertTeam, storeNameEn } from './tickets.js';

/** Button payloads of the CSAT question: `csat:<ticketId>:<1-5>`; `csat:skip` skips the comment. */
export const CSAT_PAYLOAD = 'csat:';
/** Button payloads of the NPS question: `nps:<responseId>:<0-10>`; `nps:skip` skips the reason. */
export const NPS_PAYLOAD = 'nps:';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A CSAT question older than this is forgotten: a number typed a week later is about something else. */
export const CSAT_VALID_DAYS = 7;
// The comment or reason question is one message's worth of attention: a day later the next message is not an answer.
const FOLLOW_UP_MS = DAY;
// Intents that read as "still talking about the rating" rather than a new request: these get the question again.
const NOT_A_REQUEST = new Set(['none', 'nps_answer', 'thanks', 'affirm', 'deny', 'greeting', 'goodbye']);
// How sure the classifier must be that a non-answer is another request before the question is dropped at once.
const OTHER_REQUEST_CONFIDENCE = 0.5;

/** The CSAT question in `lang`, with buttons 1–5 for the ticket (the agent desk sends it after resolving). */
export function csatQuestion(lang: Language, ticketId: number): Reply {
  const t = catalogs[LANGUAGES.includes(lang) ? lang : 'en'];
  return {
    text: t.csat.question,
    dir: directionOf(lang),
    buttons: [1, 2, 3, 4, 5].map((n) => ({ label: String(n), payload: `${CSAT_PAYLOAD}${ticketId}:${n}` })),
  };
}

/** The NPS question in `lang`, with buttons 0–10 for the survey response (the survey sender sends it). */
export function surveyQuestion(lang: Language, responseId: number): Reply {
  const t = catalogs[LANGUAGES.includes(lang) ? lang : 'en'];
  return {
    text: t.nps.question,
    dir: directionOf(lang),
    buttons: Array.from({ length: 11 }, (_, n) => ({ label: String(n), payload: `${NPS_PAYLOAD}${responseId}:${n}` })),
  };
}

/**
 * Answers a CSAT or NPS button, or a typed answer while one of those questions waits. Null when the message is not
 * about them (the router goes on; a stale or abandoned question has been dropped from the state by then).
 */
export async function answerFeedback(ctx: TurnContext, understood: Understood): Promise<Reply[] | null> {
  const payload = ctx.msg.payload;
  if (payload?.startsWith(CSAT_PAYLOAD)) return csatButton(ctx, payload.slice(CSAT_PAYLOAD.length));
  if (payload?.startsWith(NPS_PAYLOAD)) return npsButton(ctx, payload.slice(NPS_PAYLOAD.length));
  forgetStale(ctx);
  const { csat, survey } = ctx.state;
  if (!csat && !survey) return null;
  // Another button or a command is a new request: a follow-up question left open is dropped (a detractor still gets
  // the team's attention), a score question stays for a typed answer later.
  if (payload !== undefined || ctx.text.startsWith('/')) {
    if (csat?.scoredAt) delete ctx.state.csat;
    if (survey?.scoredAt) await closeReason(ctx, null);
    return null;
  }
  if (!ctx.text) return null;
  // A gift card code is a gift card question, never a rating (its digits would read as numbers).
  if (!csat?.scoredAt && !survey?.scoredAt && findGiftCardCode(ctx.text)) return null;
  // The latest question asked gets the answer.
  const csatAt = csat ? Date.parse(csat.scoredAt ?? csat.askedAt) : -Infinity;
  const surveyAt = survey ? Date.parse(survey.scoredAt ?? survey.askedAt) : -Infinity;
  if (csat && csatAt >= surveyAt) return csat.scoredAt ? csatComment(ctx, csat.ticketId) : typedCsat(ctx, understood);
  if (survey) return survey.scoredAt ? surveyReason(ctx) : typedSurvey(ctx, understood);
  return null;
}

function forgetStale(ctx: TurnContext): void {
  const now = ctx.deps.clock.now().getTime();
  const { csat, survey } = ctx.state;
  if (csat && (csat.scoredAt ? now - Date.parse(csat.scoredAt) > FOLLOW_UP_MS : now - Date.parse(csat.askedAt) > CSAT_VALID_DAYS * DAY)) delete ctx.state.csat;
  // A survey question past its window stays until answered: the answer then gets a polite "closed" (recordScore decides).
  if (survey?.scoredAt && now - Date.parse(survey.scoredAt) > FOLLOW_UP_MS) delete ctx.state.survey;
}

// ---- CSAT ----

async function csatButton(ctx: TurnContext, rest: string): Promise<Reply[]> {
  if (rest === 'skip') {
    delete ctx.state.csat;
    return [menuReply(ctx, ctx.t.csat.thanks)];
  }
  const m = /^(\d{1,12}):([1-5])$/.exec(rest);
  if (!m) return [menuReply(ctx, ctx.t.csat.alreadyNoted)];
  const ticketId = Number(m[1]);
  const score = Number(m[2]);
  const pending = ctx.state.csat;
  if (pending?.ticketId === ticketId && !pending.scoredAt && ctx.deps.clock.now().getTime() - Date.parse(pending.askedAt) <= CSAT_VALID_DAYS * DAY) {
    return recordCsatScore(ctx, ticketId, score);
  }
  // An older question's button (the state moved on): still counted when the ticket is theirs and unrated, without the
  // comment question. Another customer's ticket, or one rated already, is thanked and left alone.
  const [ticket] = await ctx.deps.db
    .select({ customerId: schema.tickets.customerId })
    .from(schema.tickets)
    .where(and(eq(schema.tickets.id, ticketId), eq(schema.tickets.brandId, ctx.brand.id)));
  if (ticket?.customerId === ctx.customer.id) {
    const result = await recordCsat(ctx.deps, { brandId: ctx.brand.id, ticketId, score });
    if (result.status === 'recorded') return [menuReply(ctx, ctx.t.csat.thanks)];
  }
  return [menuReply(ctx, ctx.t.csat.alreadyNoted)];
}

async function typedCsat(ctx: TurnContext, understood: Understood): Promise<Reply[] | null> {
  const pending = ctx.state.csat!;
  if (isExactRequest(understood)) {
    delete ctx.state.csat;
    return null;
  }
  const rating = readNumber(ctx.text, /\/\s*5\b|out of (?:5|five)|\bstars?\b|نجوم|نجمات|نجمه|顆星|星|分/gu);
  if (rating !== null && Number.isInteger(rating) && rating >= 1 && rating <= 5) return recordCsatScore(ctx, pending.ticketId, rating);
  // Not a rating: an open form gets it; a clear other request is answered; otherwise asked once more.
  if (rating === null && (ctx.state.form || isOtherRequest(understood))) {
    if (!ctx.state.form) delete ctx.state.csat;
    return null;
  }
  if (pending.retried) {
    delete ctx.state.csat;
    return null;
  }
  pending.retried = true;
  const question = csatQuestion(ctx.lang, pending.ticketId);
  return [{ ...question, text: `${ctx.t.csat.invalid}\n${question.text}` }];
}

async function recordCsatScore(ctx: TurnContext, ticketId: number, score: number): Promise<Reply[]> {
  const result = await recordCsat(ctx.deps, { brandId: ctx.brand.id, ticketId, score });
  if (result.status !== 'recorded') {
    delete ctx.state.csat;
    return [menuReply(ctx, ctx.t.csat.alreadyNoted)];
  }
  ctx.state.csat = { ticketId, askedAt: ctx.state.csat?.askedAt ?? ctx.deps.clock.now().toISOString(), scoredAt: ctx.deps.clock.now().toISOString() };
  return [say(ctx, ctx.t.csat.askComment, { buttons: [{ label: ctx.t.buttons.skip, payload: `${CSAT_PAYLOAD}skip` }] })];
}

async function csatComment(ctx: TurnContext, ticketId: number): Promise<Reply[]> {
  delete ctx.state.csat;
  if (!isSkip(ctx)) await recordCsatComment(ctx.deps, { brandId: ctx.brand.id, ticketId, comment: ctx.text });
  return [menuReply(ctx, ctx.t.csat.thanks)];
}

// ---- NPS ----

async function npsButton(ctx: TurnContext, rest: string): Promise<Reply[]> {
  if (rest === 'skip') {
    if (!ctx.state.survey?.scoredAt) return [menuReply(ctx, ctx.t.nps.alreadyNoted)];
    return closeReason(ctx, null);
  }
  const m = /^(\d{1,12}):(\d{1,2})$/.exec(rest);
  if (!m) return [menuReply(ctx, ctx.t.nps.alreadyNoted)];
  const responseId = Number(m[1]);
  const r = schema.surveyResponses;
  const [response] = await ctx.deps.db
    .select({ status: r.status })
    .from(r)
    .where(and(eq(r.id, responseId), eq(r.brandId, ctx.brand.id), eq(r.customerId, ctx.customer.id)));
  // Not theirs, not sent, or answered already: nothing to record.
  if (!response || (response.status !== 'sent' && response.status !== 'expired')) return [menuReply(ctx, ctx.t.nps.alreadyNoted)];
  if (response.status === 'expired') return late(ctx);
  return recordSurveyScore(ctx, await recordScore(ctx.deps, { brandId: ctx.brand.id, customerId: ctx.customer.id, score: Number(m[2]), at: ctx.deps.clock.now() }));
}

async function typedSurvey(ctx: TurnContext, understood: Understood): Promise<Reply[] | null> {
  const pending = ctx.state.survey!;
  if (isExactRequest(understood)) {
    delete ctx.state.survey;
    return null;
  }
  const looksLikeAnswer = answerShaped(ctx.text);
  const parsed = looksLikeAnswer ? parseScore(ctx.text) : ({ status: 'invalid_score', reason: 'not_a_number' } as const);
  if (parsed.status === 'ok') {
    return recordSurveyScore(ctx, await recordScore(ctx.deps, { brandId: ctx.brand.id, customerId: ctx.customer.id, score: parsed.score, at: ctx.deps.clock.now() }));
  }
  const expired = ctx.deps.clock.now().getTime() - Date.parse(pending.askedAt) > ANSWER_WINDOW_DAYS * DAY;
  if (parsed.reason === 'not_a_number' && (expired || ctx.state.form || isOtherRequest(understood))) {
    if (!ctx.state.form) delete ctx.state.survey;
    return null;
  }
  // "11", "-1", "7.5" are answers out of range: asked again with the buttons, as often as that happens. Words that are
  // not a number are asked about once.
  if (parsed.reason === 'not_a_number') {
    if (pending.retried) {
      delete ctx.state.survey;
      return null;
    }
    pending.retried = true;
  }
  const question = surveyQuestion(ctx.lang, pending.responseId);
  return [{ ...question, text: `${ctx.t.nps.invalid}\n${question.text}` }];
}

function recordSurveyScore(ctx: TurnContext, result: RecordScoreResult): Reply[] {
  switch (result.status) {
    case 'recorded':
      ctx.state.survey = {
        responseId: result.responseId,
        askedAt: ctx.state.survey?.askedAt ?? ctx.deps.clock.now().toISOString(),
        scoredAt: ctx.deps.clock.now().toISOString(),
        score: result.score,
        ...(result.reviewUrl ? { reviewUrl: result.reviewUrl } : {}),
      };
      return [say(ctx, ctx.t.nps.askReason, { buttons: [{ label: ctx.t.buttons.skip, payload: `${NPS_PAYLOAD}skip` }] })];
    case 'expired':
      return late(ctx);
    case 'no_survey':
      // Answered already, or nothing was sent: thanked, nothing recorded.
      delete ctx.state.survey;
      return [menuReply(ctx, ctx.t.nps.alreadyNoted)];
    case 'invalid_score': {
      const responseId = ctx.state.survey?.responseId;
      if (responseId === undefined) return [menuReply(ctx, ctx.t.nps.invalid)];
      const question = surveyQuestion(ctx.lang, responseId);
      return [{ ...question, text: `${ctx.t.nps.invalid}\n${question.text}` }];
    }
  }
}

function late(ctx: TurnContext): Reply[] {
  delete ctx.state.survey;
  return [menuReply(ctx, ctx.t.nps.late)];
}

/** The reason for the score (free text, or skip). */
async function surveyReason(ctx: TurnContext): Promise<Reply[]> {
  return closeReason(ctx, isSkip(ctx) ? null : ctx.text);
}

/**
 * Ends the reason question: stores the reason (with its sentiment); a detractor's answer opens a ticket for the store
 * (with the reason, or with the score alone when they gave none) and alerts the team; promoters get the review link.
 */
async function closeReason(ctx: TurnContext, reason: string | null): Promise<Reply[]> {
  const pending = ctx.state.survey;
  delete ctx.state.survey;
  if (!pending?.scoredAt || pending.score === undefined) return [menuReply(ctx, ctx.t.nps.passive)];
  const score = pending.score;
  let ticket: { storeId: string | null; sentiment?: number; description: string } | null = null;
  if (reason) {
    const recorded = await recordReason(ctx.deps, { responseId: pending.responseId, reason });
    if (recorded.status === 'recorded' && recorded.openTicket) {
      ticket = { storeId: recorded.ticket.storeId, sentiment: recorded.sentiment, description: `NPS ${score}/10: ${recorded.ticket.reason}` };
    }
  } else if (score <= 6) {
    const [row] = await ctx.deps.db.select({ storeId: schema.surveyResponses.storeId, ticketId: schema.surveyResponses.ticketId }).from(schema.surveyResponses).where(eq(schema.surveyResponses.id, pending.responseId));
    if (row && row.ticketId === null) ticket = { storeId: row.storeId, description: `NPS ${score}/10 (no reason given)` };
  }
  if (ticket) {
    const created = await createTicket(
      ctx.deps,
      {
        brandId: ctx.brand.id,
        customerId: ctx.customer.id,
        conversationId: ctx.conversationId,
        category: 'nps',
        description: ticket.description,
        source: 'nps',
        actor: { type: 'customer', id: ctx.customer.id },
        ...(ticket.storeId ? { storeId: ticket.storeId } : {}),
        ...(ticket.sentiment !== undefined ? { sentiment: ticket.sentiment } : {}),
      },
      ctx.ticketPolicy,
    );
    await attachTicket(ctx.deps, { responseId: pending.responseId, ticketId: created.id });
    const store = ticket.storeId ? await storeNameEn(ctx, ticket.storeId) : null;
    alertTeam(ctx, `Detractor ${score}/10 at ${store ?? 'no store'}: ticket #${created.id} (${created.priority} priority)`);
    return [menuReply(ctx, ctx.t.nps.detractor(created.id))];
  }
  if (score >= 9) return [menuReply(ctx, ctx.t.nps.promoter(pending.reviewUrl ?? null))];
  return [menuReply(ctx, ctx.t.nps.passive)];
}

// ---- shared ----

function isSkip(ctx: TurnContext): boolean {
  return ctx.t.skipWords.includes(ctx.text.toLocaleLowerCase()) || ctx.text.toLocaleLowerCase() === ctx.t.buttons.skip.toLocaleLowerCase();
}

/** A request read by exact words ("ticket 12", "link", STOP): never an answer, even with a number in it. */
function isExactRequest(understood: Understood): boolean {
  return understood.confidence >= 1 && !NOT_A_REQUEST.has(understood.intent);
}

function isOtherRequest(understood: Understood): boolean {
  return !NOT_A_REQUEST.has(understood.intent) && understood.confidence >= OTHER_REQUEST_CONFIDENCE;
}

/**
 * Whether a text is shaped like an answer to "pick a number": written with digits, at most two words ("four", "九分",
 * "ten please"), or a number word at the end ("I would say nine"). "one more thing" is not an answer of 1.
 */
function answerShaped(text: string): boolean {
  const normalized = normalizeText(toLatinDigits(text)).replace(/[\s!.。！?？؟،,]+$/u, '');
  const words = normalized.split(/\s+/).filter(Boolean);
  if (/\d/.test(normalized)) return words.length <= 6;
  if (words.length <= 2) return true;
  return words.length <= 5 && extractNumbers(words.at(-1)!).length === 1;
}

/** The one number of an answer-shaped text once scale words (`scale`) are taken out; null when there is none or several. */
function readNumber(text: string, scale: RegExp): number | null {
  if (!answerShaped(text)) return null;
  const numbers = extractNumbers(normalizeText(toLatinDigits(text)).replace(scale, ' '));
  return numbers.length === 1 ? numbers[0]! : numbers.length > 1 ? NaN : null;
}
