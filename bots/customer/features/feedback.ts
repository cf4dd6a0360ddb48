// Feedback the bot asked for: the CSAT rating after a person resolved a conversation (the agent desk sends the question,
// `csatQuestion`, and sets `state.csat`), and the NPS survey after a purchase (the survey sender sends `surveyQuestion`
// and sets `state.survey`). A button answers exactly; a typed answer counts only when the whole message reads as a
// score ("8", "ten", "٨ من ١٠", "九分", "I'd say 8"), and answers the latest question; then one optional free-text
// follow-up (a comment, the reason). A score-like answer out of range is asked again; any other message goes to the
// usual routing and leaves the question waiting (until its window closes), so "order 884201" or "got 2 bottles broken"
// is never taken for a score. An open form gets typed messages first; a clear request ("I want to talk to a person",
// STOP, a command or a button) is never taken as the comment or reason.
import { and, eq } from 'drizzle-orm';
import { LANGUAGES, type Language, type Reply } from '../../../core/conversation/index.js';
import { ANSWER_WINDOW_DAYS, attachTicket, parseScore, recordReason, recordScore, type RecordScoreResult } from '../../../core/surveys/index.js';
import { createTicket, recordCsat, recordCsatComment } from '../../../core/tickets/index.js';
import { schema } from '../../../db/index.js';
import { extractNumbers, normalizeText } from '../../../nlu/index.js';
import { findNumbers } from '../../../nlu/entities/numbers.js';
import { catalogs, directionOf } from '../i18n/index.js';
import { menuReply, say, type TurnContext, type Understood } from '../turn-context.js';
import { marketingKeyword } from './contact.js';
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
// Requests that are never a comment or a reason, however they are worded: the follow-up question is dropped and the
// message routed as usual. ('support' only where the reason opens no ticket of its own: a detractor's complaint is the
// reason, and becomes a ticket anyway.)
const REQUEST_INTENTS = new Set(['human', 'support', 'unsubscribe', 'data_export', 'data_delete']);
// How sure the classifier must be that a follow-up answer is one of those requests.
const REQUEST_CONFIDENCE = 0.6;
// The CSAT scale's words ("4/5", "4 out of 5", "5 stars", "四顆星"), taken out before the rating is read.
const CSAT_SCALE = /\/\s*5\b|out of (?:5|five)|\bstars?\b|نجوم|نجمات|نجمه|顆星|星|分/gu;

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
  const staleSurvey = forgetStale(ctx);
  const { csat, survey } = ctx.state;
  // A score typed just after the survey's window closed: thanked as late (and the survey marked expired). Only this
  // once: the question is gone from the state, so later messages are not read against it.
  if (staleSurvey && !csat && payload === undefined && !ctx.state.form && ctx.text && !ctx.text.startsWith('/') && isScoreLike(ctx.text)) {
    return recordSurveyScore(ctx, await recordScore(ctx.deps, { brandId: ctx.brand.id, customerId: ctx.customer.id, score: ctx.text, at: ctx.deps.clock.now() }));
  }
  if (!csat && !survey) return null;
  // Another button or a command is a new request: a follow-up question left open is dropped (a detractor still gets
  // the team's attention), a score question stays for a typed answer later.
  if (payload !== undefined || ctx.text.startsWith('/')) {
    if (csat?.scoredAt) delete ctx.state.csat;
    if (survey?.scoredAt) await closeReason(ctx, null);
    return null;
  }
  if (!ctx.text) return null;
  // The latest question asked gets the answer.
  const csatAt = csat ? Date.parse(csat.scoredAt ?? csat.askedAt) : -Infinity;
  const surveyAt = survey ? Date.parse(survey.scoredAt ?? survey.askedAt) : -Infinity;
  if (csat && csatAt >= surveyAt) return csat.scoredAt ? csatComment(ctx, csat.ticketId, understood) : typedCsat(ctx);
  if (survey) return survey.scoredAt ? surveyReason(ctx, understood) : typedSurvey(ctx);
  return null;
}

/**
 * Drops questions past their time: a CSAT question after CSAT_VALID_DAYS, an unanswered survey after
 * ANSWER_WINDOW_DAYS (its buttons still get the polite "closed"), a comment or reason question after a day. True when
 * an unanswered survey was dropped now.
 */
function forgetStale(ctx: TurnContext): boolean {
  const now = ctx.deps.clock.now().getTime();
  const { csat, survey } = ctx.state;
  if (csat && (csat.scoredAt ? now - Date.parse(csat.scoredAt) > FOLLOW_UP_MS : now - Date.parse(csat.askedAt) > CSAT_VALID_DAYS * DAY)) delete ctx.state.csat;
  if (!survey) return false;
  if (survey.scoredAt ? now - Date.parse(survey.scoredAt) > FOLLOW_UP_MS : now - Date.parse(survey.askedAt) > ANSWER_WINDOW_DAYS * DAY) {
    delete ctx.state.survey;
    return !survey.scoredAt;
  }
  return false;
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

async function typedCsat(ctx: TurnContext): Promise<Reply[] | null> {
  const pending = ctx.state.csat!;
  // An open form gets typed messages; anything but a score goes to the usual routing. The question stays for a
  // button or a typed rating later (until CSAT_VALID_DAYS).
  if (ctx.state.form || !isScoreLike(ctx.text)) return null;
  const numbers = extractNumbers(normalizeText(ctx.text).replace(CSAT_SCALE, ' '));
  const rating = numbers.length === 1 ? numbers[0]! : NaN;
  if (Number.isInteger(rating) && rating >= 1 && rating <= 5) return recordCsatScore(ctx, pending.ticketId, rating);
  // A score out of range ("6", "ten"): asked once more, then the question is dropped.
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

async function csatComment(ctx: TurnContext, ticketId: number, understood: Understood): Promise<Reply[] | null> {
  delete ctx.state.csat;
  // A clear request is answered as such; the rating stays, without a comment.
  if (!isSkip(ctx) && isClearRequest(ctx, understood, { support: true })) return null;
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

async function typedSurvey(ctx: TurnContext): Promise<Reply[] | null> {
  const pending = ctx.state.survey!;
  // An open form gets typed messages; anything but a score goes to the usual routing. The question stays for a
  // button or a typed score later (until ANSWER_WINDOW_DAYS).
  if (ctx.state.form || !isScoreLike(ctx.text)) return null;
  const parsed = parseScore(ctx.text);
  if (parsed.status === 'ok') {
    return recordSurveyScore(ctx, await recordScore(ctx.deps, { brandId: ctx.brand.id, customerId: ctx.customer.id, score: parsed.score, at: ctx.deps.clock.now() }));
  }
  // "11", "-1", "7.5", "7 or 8": a score, but not one we can record: asked again with the buttons.
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

/** The reason for the score (free text, or skip). A clear request ends the question without a reason, and is routed. */
async function surveyReason(ctx: TurnContext, understood: Understood): Promise<Reply[] | null> {
  if (isSkip(ctx)) return closeReason(ctx, null);
  // A detractor's complaint is their reason (it opens a ticket); others asking for support are routed to it.
  const detractor = (ctx.state.survey?.score ?? 10) <= 6;
  if (isClearRequest(ctx, understood, { support: !detractor })) {
    await closeReason(ctx, null);
    return null;
  }
  return closeReason(ctx, ctx.text);
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

/**
 * Whether a follow-up answer is a clear request rather than a comment or reason: STOP or START, or the classifier sure
 * (≥ REQUEST_CONFIDENCE) of a request for a person, support (when `support`), unsubscribing, or their data. Buttons
 * and commands never get here (answerFeedback routes them first).
 */
function isClearRequest(ctx: TurnContext, understood: Understood, opts: { support: boolean }): boolean {
  if (marketingKeyword(ctx.text)) return true;
  const read = [understood, ctx.nlu.classify(ctx.text)];
  return read.some((r) => REQUEST_INTENTS.has(r.intent) && r.confidence >= REQUEST_CONFIDENCE && (opts.support || r.intent !== 'support'));
}

// Words that may stand around the number of an answer without making the message about something else: "I'd say 8",
// "8 out of 10", "5 stars", "7 or 8", "٨ من ١٠", "我給九分". Anything else ("got 2 bottles broken", "order 884201") makes
// the message something other than a score.
const SCORE_FILLER = new Set([
  'i', 'id', 'ill', 'im', 'would', 'say', 'give', 'gave', 'giving', 'rate', 'it', 'its', 'you', 'u', 'us', 'a', 'an', 'my',
  'score', 'rating', 'is', 'maybe', 'probably', 'about', 'around', 'like', 'solid', 'definitely', 'honestly', 'hmm',
  'um', 'ok', 'okay', 'well', 'so', 'just', 'out', 'of', 'or', 'and', 'between', 'points', 'point', 'stars', 'star',
  'please', 'pls', 'from', 'me', 'for', 'sure', 'yes',
  'من', 'او', 'و', 'اعطي', 'اعطيك', 'اعطيكم', 'تقييمي', 'درجه', 'نجوم', 'نجمات', 'نجمه', 'تقريبا', 'يمكن',
]);
// Single characters doing the same in Chinese (written without spaces): 分 (points), 給/打 (give), 顆星 (stars), 滿 (full
// marks), 我 (I), 吧, 大概 (about), 或 (or).
const SCORE_FILLER_CHARS = /[分給给打顆颗星滿满我吧大概或嗯]/gu;
// Bigger numbers are an order, a member or a phone number, a price: never a score.
const MAX_SCORE_LIKE = 100;

/**
 * Whether the whole message reads as a score: one or a few numbers (any script, words or numerals) with at most a few
 * filler words around them, all of them 100 or less. "8", "ten", "٨ من ١٠", "十分", "I'd say 8", "11", "7.5" are;
 * "got 2 bottles broken", "order 884201", "I have a problem" are not.
 */
export function isScoreLike(text: string): boolean {
  const normalized = normalizeText(text).replace(/\u066B/g, '.').replace(/\u066C/g, ',');
  const numbers = findNumbers(normalized);
  if (numbers.length === 0 || numbers.length > 3 || numbers.some((n) => Math.abs(n.value) > MAX_SCORE_LIKE)) return false;
  let rest = '';
  let at = 0;
  for (const n of numbers) {
    rest += `${normalized.slice(at, n.start)} `;
    at = n.end;
  }
  rest += normalized.slice(at);
  const words = rest
    .replace(/[’']/gu, '')
    .replace(SCORE_FILLER_CHARS, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return words.length <= 6 && words.every((w) => SCORE_FILLER.has(w));
}
