// The programme explained in chat: the member's points history, the tiers and their perks, and how to invite a friend.
import type { Reply } from '../../../core/conversation/index.js';
import { findAccount, heldPoints, loadProgram, loadTiers, pointsHistory } from '../../../core/loyalty/index.js';
import { menuReply, type TurnContext } from '../turn-context.js';
import { joinInvitation, tierLabel } from './balance.js';

// A chat message, not a statement: the latest few movements are what people ask about.
const HISTORY_ITEMS = 8;

/** The member's latest points movements and the points on hold, or the invitation to join. */
export async function historyReplies(ctx: TurnContext): Promise<Reply[]> {
  const account = await findAccount(ctx.deps, ctx.customer.id);
  if (!account) return [joinInvitation(ctx, ctx.t.notMember)];
  const [items, held] = await Promise.all([
    pointsHistory(ctx.deps, { accountId: account.id, limit: HISTORY_ITEMS }),
    heldPoints(ctx.deps, { accountId: account.id, limit: HISTORY_ITEMS }),
  ]);
  if (items.length === 0 && held.length === 0) return [menuReply(ctx, ctx.t.history.empty)];
  return [menuReply(ctx, ctx.t.history.list(items, account.pointsBalance, held))];
}

/** The programme's tiers with their thresholds and earning bonus; the member's own tier is marked. */
export async function tierInfoReplies(ctx: TurnContext): Promise<Reply[]> {
  const [tiers, program, account] = await Promise.all([
    loadTiers(ctx.deps.db, ctx.brand.id),
    loadProgram(ctx.deps.db, ctx.brand.id),
    findAccount(ctx.deps, ctx.customer.id),
  ]);
  const bonus = program?.tierBonusPercent ?? {};
  const lines = tiers.map((t) => ({
    name: tierLabel(ctx, t),
    minPoints: t.minPoints,
    bonusPercent: Object.hasOwn(bonus, t.code) ? (bonus[t.code] ?? 0) : 0,
    current: account?.tierCode === t.code,
  }));
  const text = ctx.t.tiers.overview(lines, (program?.tierQualification ?? 'rolling_12_months') === 'rolling_12_months');
  return [account ? menuReply(ctx, text) : joinInvitation(ctx, text)];
}

/** How to invite a friend: the member number to share and what both sides get. */
export async function referralReplies(ctx: TurnContext): Promise<Reply[]> {
  const [account, program] = await Promise.all([findAccount(ctx.deps, ctx.customer.id), loadProgram(ctx.deps.db, ctx.brand.id)]);
  const { referrerPoints, refereePoints } = program?.referral ?? { referrerPoints: 0, refereePoints: 0 };
  if (!account) return [joinInvitation(ctx, ctx.t.referral.membersOnly(refereePoints))];
  return [menuReply(ctx, ctx.t.referral.invite(account.memberCode, referrerPoints, refereePoints))];
}
