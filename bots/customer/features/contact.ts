// Messages that ask for people or change what we may do with the customer's data: a person from the team (asked
// for, or a complaint), a rating, STOP, and requests to export or delete personal data.
import type { Reply } from '../../../core/conversation/index.js';
import { audit } from '../../../core/audit/index.js';
import { consentInForce, recordConsent } from '../../../core/consent/index.js';
import { extractNumbers } from '../../../nlu/index.js';
import { confirmField, startForm, type FormSpec } from '../forms/form-engine.js';
import { menuReply, say, type TurnContext } from '../turn-context.js';

/** Why a person was asked for; kept with the request so the team sees what to expect. */
export type HandoffReason = 'asked' | 'complaint' | 'misunderstood';

/**
 * Records that the customer wants a person, in the conversation's state (committed with this turn), and tells them.
 * The team's queue and console read these requests; until a person takes over, the bot keeps answering.
 */
export function handoffReplies(ctx: TurnContext, reason: HandoffReason): Reply[] {
  const already = ctx.state.handoff !== undefined;
  if (!already) ctx.state.handoff = { requestedAt: ctx.deps.clock.now().toISOString(), reason };
  ctx.deps.log.info({ customerId: ctx.customer.id, reason, already }, 'customer asked for a person');
  if (reason === 'complaint') return [say(ctx, ctx.t.human.support)];
  return [say(ctx, already ? ctx.t.human.alreadyRequested : ctx.t.human.requested)];
}

/** A 0–10 rating sent on its own (no survey waiting for it): thanked; the number is read in any script. */
export function npsReplies(ctx: TurnContext): Reply[] {
  const score = extractNumbers(ctx.text).find((n) => Number.isInteger(n) && n >= 0 && n <= 10) ?? null;
  return [menuReply(ctx, ctx.t.npsThanks(score))];
}

/** STOP: marketing consent on this channel is withdrawn at once (recorded, so the history shows when and how). */
export async function unsubscribeReplies(ctx: TurnContext): Promise<Reply[]> {
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
