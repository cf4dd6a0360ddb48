// One customer across channels, from the customer's side: "link" on a channel where they are known gives a one-time
// code; "link 48291375" on another channel joins that channel to the same customer (same points, same membership).
import { and, eq, isNull } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js';
import { LANGUAGES, lastInboundAt, type Reply } from '../../../core/conversation/index.js';
import { customerByVerifiedPhone, issueLinkCode, linkWithCode, LINK_CODE_TTL_MS } from '../../../core/customers/index.js';
import { findAccount } from '../../../core/loyalty/index.js';
import { hitRateLimit } from '../../../core/shared/index.js';
import { schema } from '../../../db/index.js';
import { normalizeText, parsePhone } from '../../../nlu/index.js';
import { catalogs } from '../i18n/index.js';
import { menuReply, say, type TurnContext } from '../turn-context.js';
import { balanceReplies } from './balance.js';

// A profile gets a handful of tries an hour, like gift card codes; and because a web chat profile costs nothing, the
// whole brand gets a budget too: a guesser spreading tries over many sessions runs out long before a hit is likely.
const LINK_GUESS_LIMIT = { limit: 5, windowMs: 60 * 60_000 } as const;
const BRAND_LINK_ATTEMPTS = { limit: 300, windowMs: 60 * 60_000 } as const;
// WhatsApp allows free text for 24 hours after the person's last message.
const WHATSAPP_WINDOW_MS = 24 * 60 * 60_000;
const LINK_WORDS = /^(?:link|link account|link my account|ربط|ربط الحساب|اربط حسابي|綁定|綁定帳號|連結|連結帳號|绑定)(?:\s*[:#]?\s*(?:(\d{8})|(\+?[\d\s-]{8,20})))?$/u;
// A code sent to a phone must not become a way to message strangers: a few per requester and per number a day.
const PHONE_CODE_LIMIT = { limit: 3, windowMs: 24 * 60 * 60_000 } as const;

/** "link", "link 4829137575" or "link +971 50 123 4567" (any script's digits) as a request, or null. */
export function linkRequest(text: string): { code: string | null; phone: string | null } | null {
  const m = LINK_WORDS.exec(normalizeText(text).replace(/^\//, '').replace(/[!.。！؟?]+$/u, '').trim());
  return m ? { code: m[1] ?? null, phone: m[2]?.trim() ?? null } : null;
}

/**
 * "link +971…" on a channel that gives no phone (LINE, WeChat): a code goes to that number's WhatsApp, when the number
 * belongs to a customer we reach there. The answer is the same whether or not it does, so nobody learns from it who is
 * a member; sending is rate-limited per requester and per number.
 */
async function sendCodeToPhone(ctx: TurnContext, typed: string): Promise<Reply[]> {
  const parsed = parsePhone(typed, ctx.brand.country as CountryCode);
  if (!parsed.ok) return [menuReply(ctx, ctx.t.link.badPhone)];
  const requester = await hitRateLimit(ctx.deps, { key: `link-phone:${ctx.brand.id}:${ctx.customer.id}`, ...PHONE_CODE_LIMIT });
  const target = await hitRateLimit(ctx.deps, { key: `link-phone-to:${ctx.brand.id}:${parsed.e164}`, ...PHONE_CODE_LIMIT });
  if (!requester.allowed || !target.allowed) return [menuReply(ctx, ctx.t.link.rateLimited)];
  const customerId = ctx.notify ? await customerByVerifiedPhone(ctx.deps.db, ctx.brand.id, parsed.e164) : null;
  // Only when the code can actually reach that number now (a reachable WhatsApp chat inside its 24-hour window) is one
  // issued at all, bound to this requester.
  const waId = customerId && customerId !== ctx.customer.id ? await reachableWhatsApp(ctx, customerId) : null;
  if (customerId && waId && ctx.notify) {
    const { code } = await issueLinkCode(ctx.deps, { brandId: ctx.brand.id, customerId, requesterCustomerId: ctx.customer.id });
    const [owner] = await ctx.deps.db.select({ language: schema.customers.language }).from(schema.customers).where(eq(schema.customers.id, customerId));
    const lang = LANGUAGES.find((l) => l === owner?.language) ?? ctx.lang;
    const notify = ctx.notify;
    const text = catalogs[lang].link.codeByWhatsApp(code, Math.round(LINK_CODE_TTL_MS / 60_000));
    // Sent once the code is committed, outside the turn's transaction.
    ctx.afterCommit.push(async () => {
      const sent = await notify({ customerId, channel: 'whatsapp', text });
      ctx.deps.log.info({ sent }, 'link code by whatsapp');
    });
  }
  return [say(ctx, ctx.t.link.codeSentIfKnown)];
}

/** The customer's WhatsApp id when a free-text message can reach them now, else null. */
async function reachableWhatsApp(ctx: TurnContext, customerId: string): Promise<string | null> {
  const identities = await ctx.deps.db
    .select({ externalId: schema.channelIdentities.externalId })
    .from(schema.channelIdentities)
    .where(and(eq(schema.channelIdentities.customerId, customerId), eq(schema.channelIdentities.channel, 'whatsapp'), isNull(schema.channelIdentities.unreachableAt)));
  for (const { externalId } of identities) {
    const last = await lastInboundAt(ctx.deps, { brandId: ctx.brand.id, channel: 'whatsapp', chatId: externalId });
    if (last && ctx.deps.clock.now().getTime() - last.getTime() < WHATSAPP_WINDOW_MS) return externalId;
  }
  return null;
}

/** Gives a code, or links with one. */
export async function linkReplies(ctx: TurnContext): Promise<Reply[]> {
  const request = linkRequest(ctx.text);
  if (request?.phone) return sendCodeToPhone(ctx, request.phone);
  if (!request?.code) {
    const { code } = await issueLinkCode(ctx.deps, { brandId: ctx.brand.id, customerId: ctx.customer.id });
    return [say(ctx, ctx.t.link.code(code, Math.round(LINK_CODE_TTL_MS / 60_000)))];
  }
  const hit = await hitRateLimit(ctx.deps, { key: `link-code:${ctx.brand.id}:${ctx.customer.id}`, ...LINK_GUESS_LIMIT });
  const brandHit = hit.allowed ? await hitRateLimit(ctx.deps, { key: `link-code:${ctx.brand.id}`, ...BRAND_LINK_ATTEMPTS }) : hit;
  if (!hit.allowed || !brandHit.allowed) return [menuReply(ctx, ctx.t.link.rateLimited)];
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
