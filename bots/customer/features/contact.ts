// Messages that ask for people or change what we may do with the customer's data: a person from the team (asked
// for, or a complaint), a rating, STOP, and requests to export or delete personal data.
import type { Reply } from '../../../core/conversation/index.js';
import { audit } from '../../../core/audit/index.js';
import { consentInForce, recordConsent } from '../../../core/consent/index.js';
import { extractNumbers, normalizeText } from '../../../nlu/index.js';
import { confirmField, startForm, type FormSpec } from '../forms/form-engine.js';
import { menuReply, say, type TurnContext } from '../turn-context.js';

/** Why a person was asked for; kept with the request so the team sees what to expect. */
export type HandoffReason = 'asked' | 'complaint' | 'misunderstood';

// A request nobody picked up in a day is stale: asking again is a new request, and the bot offers a person again.
const HANDOFF_OPEN_MS = 24 * 60 * 60_000;

/** Whether the customer asked for a person in the last day. */
export function handoffOpen(ctx: TurnContext): boolean {
  const at = ctx.state.handoff ? Date.parse(ctx.state.handoff.requestedAt) : NaN;
  return ctx.deps.clock.now().getTime() - at < HANDOFF_OPEN_MS;
}

/**
 * Records that the customer wants a person: on the conversation's state and in the audit log (both committed with
 * this turn), and tells them. The team's queue (issue #6) reads these requests; until a person takes over, the bot
 * keeps answering.
 */
export async function handoffReplies(ctx: TurnContext, reason: HandoffReason): Promise<Reply[]> {
  const already = handoffOpen(ctx);
  if (!already) {
    ctx.state.handoff = { requestedAt: ctx.deps.clock.now().toISOString(), reason };
    await audit(ctx.deps, {
      brandId: ctx.brand.id,
      actor: { type: 'customer', id: ctx.customer.id },
      action: 'conversation.handoff_requested',
      target: ctx.customer.id,
      result: 'ok',
      details: { channel: ctx.msg.channel, reason },
    });
  }
  ctx.deps.log.info({ customerId: ctx.customer.id, reason, already }, 'customer asked for a person');
  if (reason === 'complaint') return [say(ctx, ctx.t.human.support)];
  return [say(ctx, already ? ctx.t.human.alreadyRequested : ctx.t.human.requested)];
}

/** A 0–10 rating sent on its own (no survey waiting for it): thanked; the number is read in any script. */
export function npsReplies(ctx: TurnContext): Reply[] {
  const score = extractNumbers(ctx.text).find((n) => Number.isInteger(n) && n >= 0 && n <= 10) ?? null;
  return [menuReply(ctx, ctx.t.npsThanks(score))];
}

// The keywords carriers and platforms honour without question, in our three languages. Matched on the whole message
// (normalized, end punctuation dropped): "stop" alone is STOP, "stop the sign up" is not.
const STOP_KEYWORDS = new Set(['stop', 'stopall', 'unsubscribe', 'unsub', 'end', 'quit', 'opt out', 'optout', 'ايقاف', 'الغاء الاشتراك', 'وقف الرسائل', '退訂', '取消訂閱', '停止']);
const START_KEYWORDS = new Set(['start', 'unstop', 'subscribe', 'resubscribe', 'اشتراك بالعروض', 'ارسلوا العروض', '訂閱', '訂閱優惠']);
// An unsubscribe the classifier reads with less confidence is confirmed first: "enough" or "mute" may mean something else.
const SURE_UNSUBSCRIBE = 0.6;

/** The whole message as a keyword: 'stop', 'start', or null. */
export function marketingKeyword(text: string): 'stop' | 'start' | null {
  const key = normalizeText(text).replace(/[\s!.。！؟?]+$/u, '').trim();
  return STOP_KEYWORDS.has(key) ? 'stop' : START_KEYWORDS.has(key) ? 'start' : null;
}

/**
 * STOP: marketing consent on this channel is withdrawn at once for the keyword, a button or a sure reading; an unsure
 * one ("enough") is asked first. The withdrawal is recorded, so the history shows when and how.
 */
export async function unsubscribeReplies(ctx: TurnContext, understood: { confidence: number }): Promise<Reply[]> {
  const sure = ctx.msg.payload !== undefined || marketingKeyword(ctx.text) === 'stop' || understood.confidence >= SURE_UNSUBSCRIBE;
  if (!sure) return startForm(ctx, unsubscribeForm);
  return withdrawMarketing(ctx);
}

async function withdrawMarketing(ctx: TurnContext): Promise<Reply[]> {
  const channel = ctx.msg.channel;
  const current = await consentInForce(ctx.deps, { customerId: ctx.customer.id, purpose: 'marketing', channel });
  if (current?.granted !== false) {
    await recordConsent(ctx.deps, {
      customerId: ctx.customer.id,
      purpose: 'marketing',
      channel,
      granted: false,
      wordingVersion: ctx.brand.marketingWordingVersion,
      source: 'chat_stop',
    });
  }
  return [say(ctx, current?.granted === true ? ctx.t.unsubscribe.done : ctx.t.unsubscribe.notSubscribed)];
}

/** START: offers on this channel again, as the customer asked in so many words; recorded like any consent. */
export async function resubscribeReplies(ctx: TurnContext): Promise<Reply[]> {
  const channel = ctx.msg.channel;
  const current = await consentInForce(ctx.deps, { customerId: ctx.customer.id, purpose: 'marketing', channel });
  if (current?.granted !== true) {
    await recordConsent(ctx.deps, {
      customerId: ctx.customer.id,
      purpose: 'marketing',
      channel,
      granted: true,
      wordingVersion: ctx.brand.marketingWordingVersion,
      source: 'chat_start',
    });
  }
  return [menuReply(ctx, ctx.t.unsubscribe.resubscribed)];
}

/** The confirmation of an unsure unsubscribe. */
export const unsubscribeForm: FormSpec = {
  id: 'unsubscribe',
  fields: [
    confirmField({
      question: (ctx) => ctx.t.unsubscribe.confirm,
      labels: (ctx) => ({ yes: ctx.t.buttons.yes, no: ctx.t.buttons.no }),
      declined: (ctx) => [menuReply(ctx, ctx.t.unsubscribe.kept)],
    }),
  ],
  intro: () => [],
  cancelled: (ctx) => [menuReply(ctx, ctx.t.unsubscribe.kept)],
  resumeText: (ctx) => ctx.t.unsubscribe.confirm,
  complete: (ctx) => withdrawMarketing(ctx),
};

/** A request to export or delete personal data: confirmed first (a misread message must not start one), then
 * recorded in the audit log for the privacy team and acknowledged. */
export function privacyRequestReplies(ctx: TurnContext, kind: 'export' | 'delete'): Promise<Reply[]> {
  return startForm(ctx, privacyForm, { kind });
}

const privacyConfirmField = confirmField({
  question: (ctx) => (ctx.state.form?.values.kind === 'delete' ? ctx.t.privacy.confirmDelete : ctx.t.privacy.confirmExport),
  labels: (ctx) => ({ yes: ctx.t.buttons.yes, no: ctx.t.buttons.no }),
  declined: (ctx) => [menuReply(ctx, ctx.t.privacy.notRequested)],
});

/** The one-question confirmation of a data request. */
export const privacyForm: FormSpec = {
  id: 'privacy',
  fields: [privacyConfirmField],
  intro: () => [],
  cancelled: (ctx) => [menuReply(ctx, ctx.t.privacy.notRequested)],
  resumeText: (ctx) => ctx.t.privacy.resume,
  complete: async (ctx, values) => {
    const kind = values.kind === 'delete' ? 'delete' : 'export';
    await audit(ctx.deps, {
      brandId: ctx.brand.id,
      actor: { type: 'customer', id: ctx.customer.id },
      action: kind === 'export' ? 'privacy.export_requested' : 'privacy.erasure_requested',
      target: ctx.customer.id,
      result: 'ok',
      details: { channel: ctx.msg.channel },
    });
    return [menuReply(ctx, kind === 'export' ? ctx.t.privacy.exportRequested : ctx.t.privacy.deleteRequested)];
  },
};
