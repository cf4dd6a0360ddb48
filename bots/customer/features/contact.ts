// Messages that change what we may do with the customer's data: STOP and START, requests to export or delete personal
// data; and a rating sent on its own. (A person from the team: handoff.ts; complaints: tickets.ts.)
import type { ChannelName, Reply } from '../../../core/conversation/index.js';
import type { CoreDeps } from '../../../core/shared/index.js';
import { audit } from '../../../core/audit/index.js';
import { consentInForce, recordConsent } from '../../../core/consent/index.js';
import { extractNumbers, normalizeText } from '../../../nlu/index.js';
import { confirmField, startForm, type FormSpec } from '../forms/form-engine.js';
import { menuReply, say, type TurnContext } from '../turn-context.js';

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
  const before = await setMarketingConsent(ctx.deps, { customerId: ctx.customer.id, channel: ctx.msg.channel, granted: false, wordingVersion: ctx.brand.marketingWordingVersion });
  return [say(ctx, before === true ? ctx.t.unsubscribe.done : ctx.t.unsubscribe.notSubscribed)];
}

/** START: offers on this channel again, as the customer asked in so many words; recorded like any consent. */
export async function resubscribeReplies(ctx: TurnContext): Promise<Reply[]> {
  await setMarketingConsent(ctx.deps, { customerId: ctx.customer.id, channel: ctx.msg.channel, granted: true, wordingVersion: ctx.brand.marketingWordingVersion });
  return [menuReply(ctx, ctx.t.unsubscribe.resubscribed)];
}

/**
 * Records STOP (`granted: false`, source chat_stop) or START (chat_start) for marketing on a channel, unless that is
 * already the consent in force. Returns the decision in force before (null: never asked). Also used while a person has
 * the conversation: the bot says nothing then, but a STOP is honoured at once all the same.
 */
export async function setMarketingConsent(
  deps: CoreDeps,
  input: { customerId: string; channel: ChannelName; granted: boolean; wordingVersion: string },
): Promise<boolean | null> {
  const current = await consentInForce(deps, { customerId: input.customerId, purpose: 'marketing', channel: input.channel });
  if (current?.granted !== input.granted) {
    await recordConsent(deps, {
      customerId: input.customerId,
      purpose: 'marketing',
      channel: input.channel,
      granted: input.granted,
      wordingVersion: input.wordingVersion,
      source: input.granted ? 'chat_start' : 'chat_stop',
    });
  }
  return current?.granted ?? null;
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
