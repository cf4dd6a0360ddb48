// Rewards in the chat: the catalogue with a button per reward, a yes/no confirmation (a one-question form, so
// "cancel", interruptions and language changes work as everywhere else), the voucher with its QR code, and the
// member's vouchers.
import { randomUUID } from 'node:crypto';
import type { Reply } from '../../../core/conversation/index.js';
import type { LocalizedText } from '../../../db/schema.js';
import { findAccount, loadTiers, type LoyaltyAccount } from '../../../core/loyalty/index.js';
import { getVoucher, listRewards, listVouchers, redeemReward, type RewardView, type VoucherView } from '../../../core/rewards/index.js';
import { createFuzzyMatcher } from '../../../nlu/index.js';
import { confirmField, startForm, type FieldValue, type FormSpec } from '../forms/form-engine.js';
import type { RewardNote } from '../i18n/index.js';
import { menuButtons, menuReply, say, type TurnContext } from '../turn-context.js';
import { joinInvitation } from './balance.js';

/** Button payload prefix for picking a reward: `reward:<uuid>` (43 bytes, under Telegram's 64). */
export const REWARD_PAYLOAD = 'reward:';
/** Button payload prefix for showing a voucher's QR code: `voucher:<uuid>` (44 bytes). */
export const VOUCHER_PAYLOAD = 'voucher:';

// Enough to choose from on a phone; the text lists a few more.
const MAX_REWARD_BUTTONS = 8;
const MAX_LISTED_REWARDS = 15;
const MAX_VOUCHER_BUTTONS = 6;
// "Only N left" is worth saying when it might make a difference.
const FEW_LEFT = 20;
// A confirmation left open is not a standing order: a "yes" after this long shows the list again instead of spending.
const CONFIRM_VALID_MS = 15 * 60_000;

/** A localized name: the turn's language, else English, else any. */
export function localized(ctx: TurnContext, text: LocalizedText): string {
  return text[ctx.lang] ?? text.en ?? Object.values(text).find((v) => v) ?? '';
}

/** The rewards catalogue for a member (what they can redeem first), or the invitation to join. */
export async function rewardsReplies(ctx: TurnContext): Promise<Reply[]> {
  const account = await findAccount(ctx.deps, ctx.customer.id);
  if (!account) return [joinInvitation(ctx, ctx.t.rewards.membersOnly)];
  const rewards = await listRewards(ctx.deps, { brandId: account.brandId, accountId: account.id });
  if (rewards.length === 0) return [menuReply(ctx, ctx.t.rewards.empty)];
  const shown = rewards.slice(0, MAX_LISTED_REWARDS);
  const lines = await Promise.all(
    shown.map(async (r) => ({
      name: localized(ctx, r.name),
      cost: r.costPoints,
      note: await noteFor(ctx, r, account),
      left: r.remainingStock !== null && r.remainingStock <= FEW_LEFT ? r.remainingStock : null,
    })),
  );
  const redeemable = shown.filter((r) => !r.reasonUnavailable);
  const buttons = [
    ...redeemable.slice(0, MAX_REWARD_BUTTONS).map((r) => ({ label: ctx.t.rewards.button(localized(ctx, r.name), r.costPoints), payload: `${REWARD_PAYLOAD}${r.id}` })),
    { label: ctx.t.buttons.vouchers, payload: 'intent:my_vouchers' },
  ];
  return [say(ctx, ctx.t.rewards.list(account.pointsBalance, lines, redeemable.length > 0), { buttons })];
}

/** The reward a message names ("redeem the free drink", "ابي القهوة المجانية"), by fuzzy match on its names in every language. */
export async function namedReward(ctx: TurnContext, text: string): Promise<string | null> {
  const account = await findAccount(ctx.deps, ctx.customer.id);
  if (!account) return null;
  const rewards = await listRewards(ctx.deps, { brandId: account.brandId, accountId: account.id });
  const items = rewards.map((r) => ({ id: r.id, names: Object.values(r.name).filter((n): n is string => typeof n === 'string' && n !== '') }));
  return createFuzzyMatcher(items).match(text)?.id ?? null;
}

/** A reward button was pressed: ask to confirm, or say why it cannot be redeemed. */
export async function rewardPicked(ctx: TurnContext, rewardId: string): Promise<Reply[]> {
  const account = await findAccount(ctx.deps, ctx.customer.id);
  if (!account) return [joinInvitation(ctx, ctx.t.rewards.membersOnly)];
  const reward = (await listRewards(ctx.deps, { brandId: account.brandId, accountId: account.id })).find((r) => r.id === rewardId);
  if (!reward) return [menuReply(ctx, ctx.t.rewards.unavailable({ kind: 'unavailable' }))];
  const note = await noteFor(ctx, reward, account);
  if (note) return [menuReply(ctx, ctx.t.rewards.unavailable(note))];
  return startForm(ctx, redeemForm, {
    rewardId: reward.id,
    // One key per confirmation: a retried or repeated "yes" to this question issues one voucher.
    issueKey: `chat:${randomUUID()}`,
    name: JSON.stringify(reward.name),
    cost: String(reward.costPoints),
    left: String(account.pointsBalance - reward.costPoints),
    minTier: reward.minTierCode,
    askedAt: ctx.deps.clock.now().toISOString(),
  });
}

/** The member's vouchers with a QR button each, or the invitation to join. */
export async function vouchersReplies(ctx: TurnContext): Promise<Reply[]> {
  const account = await findAccount(ctx.deps, ctx.customer.id);
  if (!account) return [joinInvitation(ctx, ctx.t.rewards.membersOnly)];
  const vouchers = await listVouchers(ctx.deps, { accountId: account.id });
  if (vouchers.length === 0) return [menuReply(ctx, ctx.t.vouchers.empty)];
  const buttons = vouchers.slice(0, MAX_VOUCHER_BUTTONS).map((v) => ({ label: ctx.t.vouchers.qrButton(v.code), payload: `${VOUCHER_PAYLOAD}${v.id}` }));
  return [say(ctx, ctx.t.vouchers.list(vouchers.map((v) => voucherText(ctx, v))), { buttons })];
}

/** A voucher's QR button was pressed: the voucher with its QR code, if it is the member's and still usable. */
export async function voucherShown(ctx: TurnContext, voucherId: string): Promise<Reply[]> {
  const account = await findAccount(ctx.deps, ctx.customer.id);
  if (!account) return [joinInvitation(ctx, ctx.t.rewards.membersOnly)];
  const voucher = await getVoucher(ctx.deps, { accountId: account.id, voucherId });
  if (!voucher) return [menuReply(ctx, ctx.t.vouchers.notFound)];
  if (voucher.status !== 'active') return [menuReply(ctx, ctx.t.vouchers.notUsable(voucher.status))];
  return [say(ctx, ctx.t.vouchers.show(voucherText(ctx, voucher)), { image: { qr: voucher.code, alt: ctx.t.rewards.qrAlt(voucher.code) }, buttons: menuButtons(ctx) })];
}

const redeemConfirmField = confirmField({
  question: (ctx) => {
    const v = ctx.state.form?.values ?? {};
    return ctx.t.rewards.confirm(storedName(ctx, v.name), Number(v.cost), Number(v.left));
  },
  labels: (ctx) => ({ yes: ctx.t.buttons.redeemYes, no: ctx.t.buttons.redeemNo }),
  declined: (ctx) => [menuReply(ctx, ctx.t.rewards.declined)],
});

/** The confirmation before spending points; completing it redeems. */
export const redeemForm: FormSpec = {
  id: 'redeem',
  intent: 'rewards',
  fields: [redeemConfirmField],
  intro: () => [],
  cancelled: (ctx) => [menuReply(ctx, ctx.t.rewards.declined)],
  resumeText: (ctx) => ctx.t.rewards.resume,
  complete: async (ctx, values) => {
    const account = await findAccount(ctx.deps, ctx.customer.id);
    if (!account) return [joinInvitation(ctx, ctx.t.rewards.membersOnly)];
    const askedAt = Date.parse(String(values.askedAt));
    if (!(ctx.deps.clock.now().getTime() - askedAt <= CONFIRM_VALID_MS)) {
      const [list, ...rest] = await rewardsReplies(ctx);
      return list ? [{ ...list, text: `${ctx.t.rewards.confirmExpired}\n${list.text}` }, ...rest] : [];
    }
    const cost = Number(values.cost);
    const result = await redeemReward(ctx.deps, { accountId: account.id, rewardId: String(values.rewardId), issueKey: String(values.issueKey) });
    switch (result.status) {
      case 'issued': {
        const { voucher } = result;
        const balance = (await findAccount(ctx.deps, ctx.customer.id))?.pointsBalance ?? 0;
        return [
          say(ctx, ctx.t.rewards.issued({ ...voucherText(ctx, voucher), balance }), {
            image: { qr: voucher.code, alt: ctx.t.rewards.qrAlt(voucher.code) },
            buttons: menuButtons(ctx),
          }),
        ];
      }
      case 'insufficient_points':
        return [menuReply(ctx, ctx.t.rewards.unavailable({ kind: 'points', missing: Math.max(1, cost - result.balance) }))];
      case 'not_eligible':
        return [menuReply(ctx, ctx.t.rewards.unavailable({ kind: 'tier', tierName: await tierName(ctx, account.brandId, values.minTier) }))];
      case 'out_of_stock':
        return [menuReply(ctx, ctx.t.rewards.unavailable({ kind: 'stock' }))];
      case 'limit_reached':
        return [menuReply(ctx, ctx.t.rewards.unavailable({ kind: 'limit' }))];
      case 'not_available':
        return [menuReply(ctx, ctx.t.rewards.unavailable({ kind: 'unavailable' }))];
    }
  },
};

/** Why the member cannot redeem `r` now, worded for the catalogue; null when they can. */
async function noteFor(ctx: TurnContext, r: RewardView, account: LoyaltyAccount): Promise<RewardNote | null> {
  switch (r.reasonUnavailable) {
    case undefined:
      return null;
    case 'tier':
      return { kind: 'tier', tierName: await tierName(ctx, account.brandId, r.minTierCode) };
    case 'stock':
      return { kind: 'stock' };
    case 'limit':
      return { kind: 'limit' };
    case 'points':
      return { kind: 'points', missing: r.costPoints - account.pointsBalance };
  }
}

async function tierName(ctx: TurnContext, brandId: string, code: FieldValue | undefined): Promise<string> {
  const tiers = await loadTiers(ctx.deps.db, brandId);
  const tier = tiers.find((t) => t.code === code);
  return tier ? localized(ctx, tier.name) || tier.code : String(code ?? '');
}

function voucherText(ctx: TurnContext, v: VoucherView): { name: string; code: string; expiresAt: Date } {
  return { name: localized(ctx, v.rewardName), code: v.code, expiresAt: v.expiresAt };
}

// The reward's name is kept in every language, so a language switch mid-confirmation still names it right.
function storedName(ctx: TurnContext, value: FieldValue | undefined): string {
  try {
    return localized(ctx, JSON.parse(String(value)) as LocalizedText);
  } catch {
    return '';
  }
}
