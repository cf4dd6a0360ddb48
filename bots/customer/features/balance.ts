import { getBalance, type TierDef } from '../../../core/loyalty/index.js';
import type { Reply } from '../../../core/conversation/index.js';
import { menuReply, say, type TurnContext } from '../turn-context.js';

/** Localized tier name, falling back to English then the code. */
export function tierLabel(ctx: TurnContext, tier: TierDef): string {
  return tier.name[ctx.lang] ?? tier.name.en ?? tier.code;
}

/** An invitation to join with a "join" button, left off inside a form (mid-enrollment the sign-up is already under way). */
export function joinInvitation(ctx: TurnContext, text: string): Reply {
  return say(ctx, text, ctx.state.form ? {} : { buttons: [{ label: ctx.t.buttons.join, payload: 'intent:enroll' }] });
}

/** The member's balance, or an invitation to join for non-members. */
export async function balanceReplies(ctx: TurnContext): Promise<Reply[]> {
  const view = await getBalance(ctx.deps, ctx.customer.id);
  if (!view) return [joinInvitation(ctx, ctx.t.notMember)];
  const reply = menuReply(
    ctx,
      ctx.t.balance({
        points: view.points,
        pendingPoints: view.pendingPoints,
        tierName: tierLabel(ctx, view.tier),
        memberCode: view.memberCode,
        next: view.next ? { tierName: tierLabel(ctx, view.next.tier), pointsNeeded: view.next.pointsNeeded } : null,
        expiring: view.expiring.points > 0 && view.expiring.firstDate ? { points: view.expiring.points, date: view.expiring.firstDate } : null,
      }),
    );
  // "Where did my points come from?" is the usual next question.
  return [{ ...reply, buttons: [{ label: ctx.t.buttons.history, payload: 'intent:points_history' }, ...(reply.buttons ?? [])] }];
}
