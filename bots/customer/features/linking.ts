// One customer across channels, from the customer's side: "link" on a channel where they are known gives a one-time
// code; "link 482913" on another channel joins that channel to the same customer (same points, same membership).
import { eq } from 'drizzle-orm';
import type { Reply } from '../../../core/conversation/index.js';
import { issueLinkCode, linkWithCode, LINK_CODE_TTL_MS } from '../../../core/customers/index.js';
import { findAccount } from '../../../core/loyalty/index.js';
import { hitRateLimit } from '../../../core/shared/index.js';
import { schema } from '../../../db/index.js';
import { normalizeText } from '../../../nlu/index.js';
import { menuReply, say, type TurnContext } from '../turn-context.js';
import { balanceReplies } from './balance.js';

// Six digits are guessable in bulk: a customer gets a handful of tries an hour, like gift card codes.
const LINK_GUESS_LIMIT = { limit: 5, windowMs: 60 * 60_000 } as const;
const LINK_WORDS = /^(?:link|link account|link my account|ربط|ربط الحساب|اربط حسابي|綁定|綁定帳號|連結|連結帳號|绑定)(?:\s*[:#]?\s*(\d{6}))?$/u;

/** "link" or "link 482913" (any script's digits) as a request, or null. */
export function linkRequest(text: string): { code: string | null } | null {
  const m = LINK_WORDS.exec(normalizeText(text).replace(/^\//, '').replace(/[\s!.。！؟?]+$/u, '').trim());
  return m ? { code: m[1] ?? null } : null;
}

/** Gives a code, or links with one. */
export async function linkReplies(ctx: TurnContext): Promise<Reply[]> {
  const request = linkRequest(ctx.text);
  if (!request?.code) {
    const { code } = await issueLinkCode(ctx.deps, { brandId: ctx.brand.id, customerId: ctx.customer.id });
    return [say(ctx, ctx.t.link.code(code, Math.round(LINK_CODE_TTL_MS / 60_000)))];
  }
  const hit = await hitRateLimit(ctx.deps, { key: `link-code:${ctx.brand.id}:${ctx.customer.id}`, ...LINK_GUESS_LIMIT });
  if (!hit.allowed) return [menuReply(ctx, ctx.t.link.rateLimited)];
  const result = await linkWithCode(ctx.deps, { brandId: ctx.brand.id, customerId: ctx.customer.id, code: request.code });
  switch (result.status) {
    case 'invalid':
      return [menuReply(ctx, ctx.t.link.invalid)];
    case 'already_linked':
      return [menuReply(ctx, ctx.t.link.already)];
    case 'conflict':
      return [menuReply(ctx, ctx.t.link.conflict)];
    case 'linked': {
      // From now on this chat is the other profile's: the rest of the turn speaks for it.
      const [customer] = await ctx.deps.db.select().from(schema.customers).where(eq(schema.customers.id, result.intoCustomerId));
      if (customer) ctx.customer = customer;
      ctx.isMember = (await findAccount(ctx.deps, ctx.customer.id)) !== undefined;
      return [say(ctx, ctx.t.link.linked), ...(ctx.isMember ? await balanceReplies(ctx) : [menuReply(ctx)])];
    }
  }
}
