// Demo data so a new user can try everything at once: a sample brand with stores, the default tiers,
// a few rewards and members with points history. Safe to run again: every row has a natural key.
import { eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { createAgent, findAgent, passwordProblem, setPassword } from '../agents/index.js';
import { issueGiftCard } from '../gift-cards/index.js';
import { postLedgerEntry, DEFAULT_TIERS, generateMemberCode } from '../loyalty/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';

const DAY = 86_400_000;

const STORES = [
  { code: 'DXB-MALL', name: { en: 'Dubai Mall', ar: 'دبي مول', zh: '杜拜購物中心' }, city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai' },
  { code: 'DXB-MOE', name: { en: 'Mall of the Emirates', ar: 'مول الإمارات', zh: '阿聯酋購物中心' }, city: 'Dubai', country: 'AE', timezone: 'Asia/Dubai' },
  { code: 'TPE-XINYI', name: { en: 'Taipei Xinyi', ar: 'تايبيه شينيي', zh: '台北信義店' }, city: 'Taipei', country: 'TW', timezone: 'Asia/Taipei' },
  { code: 'KUL-PAV', name: { en: 'Kuala Lumpur Pavilion', ar: 'كوالالمبور بافيليون', zh: '吉隆坡柏威年店' }, city: 'Kuala Lumpur', country: 'MY', timezone: 'Asia/Kuala_Lumpur' },
];

const REWARDS = [
  { code: 'FREE-DRINK', kind: 'free_item', costPoints: 500, stock: null, name: { en: 'Free regular drink', ar: 'مشروب عادي مجاني', zh: '免費中杯飲品' } },
  { code: 'VOUCHER-10', kind: 'discount_voucher', costPoints: 1_000, stock: null, name: { en: '10% off your next order', ar: 'خصم 10٪ على طلبك القادم', zh: '下次消費九折' } },
  { code: 'OUD-SAMPLE', kind: 'gift', costPoints: 300, stock: 200, name: { en: 'Oud discovery sample', ar: 'عينة عود للتجربة', zh: '烏木沉香體驗小樣' } },
  { code: 'VIP-GIFTBOX', kind: 'gift', costPoints: 5_000, stock: 20, name: { en: 'VIP gift box', ar: 'صندوق هدايا كبار الشخصيات', zh: 'VIP 禮盒' } },
];

const MEMBERS = [
  { key: 'aisha', name: 'Aisha Al Mansoori', birthday: '1991-04-18', phone: '+971501234567', language: 'ar', earned: [4_000, 2_500], spent: 300 },
  { key: 'meiling', name: '陳美玲', birthday: '1995-11-02', phone: '+886912345678', language: 'zh', earned: [900, 600], spent: 0 },
  { key: 'john', name: 'John Smith', birthday: '1988-07-30', phone: '+60123456789', language: 'en', earned: [450], spent: 0 },
];

// Two agents for the console and the team chat. On duty, so a customer asking for a person is assigned at once.
const AGENTS = [
  { login: 'sara', name: 'Sara', languages: ['en', 'ar'], specialities: ['fragrance'], isPersonalShopper: true },
  { login: 'omar', name: 'Omar', languages: ['ar', 'en', 'zh'], specialities: ['loyalty'], isPersonalShopper: false },
];

// Canned responses for the console's picker and the team chat's /canned; the desk fills {name} {points} {tier}
// {member_code} from the customer's profile (an unknown value becomes empty).
const CANNED: Array<{ name: string; language: string; text: string }> = [
  { name: 'greeting', language: 'en', text: 'Hello {name}, thanks for waiting. How can I help you today?' },
  { name: 'greeting', language: 'ar', text: 'مرحبًا {name}، شكرًا لانتظارك. كيف أقدر أساعدك اليوم؟' },
  { name: 'greeting', language: 'zh', text: '{name}您好，感謝您的耐心等候。今天有什麼可以幫您的嗎？' },
  { name: 'points', language: 'en', text: 'You have {points} points and you are at the {tier} tier. Your member number is {member_code}.' },
  { name: 'points', language: 'ar', text: 'رصيدك {points} نقطة ومستواك {tier}. رقم عضويتك {member_code}.' },
  { name: 'points', language: 'zh', text: '您目前有 {points} 點，會員等級為 {tier}，會員編號 {member_code}。' },
  { name: 'closing', language: 'en', text: 'Is there anything else I can help you with, {name}? If not, I will hand you back to our assistant.' },
  { name: 'closing', language: 'ar', text: 'هل أقدر أساعدك بشيء آخر يا {name}؟ إذا لا، سأعيدك إلى المساعد الآلي.' },
  { name: 'closing', language: 'zh', text: '{name}，還有其他需要幫忙的嗎？如果沒有，我會將您轉回智能助理。' },
];

/** Options of the demo seed. */
export interface SeedOptions {
  /**
   * Console password of the demo agents (at least 10 characters). Unset: the agents are created without one (they
   * work in the team chat; `npm run admin -- agent password --login sara` sets one). The app passes
   * DEMO_AGENT_PASSWORD from its configuration.
   */
  agentPassword?: string;
}

/** Summary of what `seedDemoData` did. */
export interface SeedResult {
  created: boolean;
  stores: number;
  rewards: number;
  members: number;
  /** Demo agents created by this run, and whether they got a console password. */
  agents: number;
  agentPasswords: boolean;
  /** The demo gift card's code, shown once when the brand is first created (only its hash is stored). */
  giftCardCode: string | null;
}

/** True when the brand already exists (the app seeds automatically only into an empty database). */
export async function brandExists(deps: CoreDeps, brandId: string): Promise<boolean> {
  const rows = await deps.db.select({ id: schema.brands.id }).from(schema.brands).where(eq(schema.brands.id, brandId));
  return rows.length > 0;
}

/** Creates (or completes) the demo brand `brandId`. */
export async function seedDemoData(deps: CoreDeps, brandId: string, options: SeedOptions = {}): Promise<SeedResult> {
  const created = !(await brandExists(deps, brandId));
  const agentPassword = options.agentPassword;
  const problem = agentPassword === undefined ? null : passwordProblem(agentPassword);
  if (problem) throw new AppError('INVALID_INPUT', `DEMO_AGENT_PASSWORD: ${problem}`);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    // No return window in the demo, so a purchase posted through the POS API can be spent in the chat at once
    // (a real brand keeps the default 14 days: see core/loyalty/program.ts).
    await tx
      .insert(schema.brands)
      .values({ id: brandId, name: 'Loyalty Club (demo)', defaultLanguage: 'en', country: 'AE', timezone: 'Asia/Dubai', settings: { pendingDays: 0 } })
      .onConflictDoNothing();
    await tx.insert(schema.stores).values(STORES.map((s) => ({ ...s, brandId }))).onConflictDoNothing();
    await tx
      .insert(schema.tiers)
      .values(DEFAULT_TIERS.map((t, rank) => ({ brandId, code: t.code, name: t.name, minPoints: t.minPoints, rank })))
      .onConflictDoNothing();
    await tx.insert(schema.rewards).values(REWARDS.map((r) => ({ ...r, brandId }))).onConflictDoNothing();
    await tx.insert(schema.cannedResponses).values(CANNED.map((c) => ({ ...c, brandId }))).onConflictDoNothing();
    // A post-purchase NPS survey two hours after a sale (in the store's waking hours), once a month at most.
    const [survey] = await tx.select({ id: schema.surveys.id }).from(schema.surveys).where(eq(schema.surveys.brandId, brandId)).limit(1);
    if (!survey) {
      await tx.insert(schema.surveys).values({ brandId, kind: 'post_purchase', delayMinutes: 120, minDaysBetween: 30, reviewUrl: 'https://example.com/loyalty-club/review' });
    }
  });

  let agents = 0;
  for (const a of AGENTS) {
    const existing = await findAgent(deps, { brandId, login: a.login });
    if (!existing) {
      const result = await createAgent(deps, { brandId, ...a, onDuty: true, ...(agentPassword ? { password: agentPassword } : {}), by: { type: 'system', id: 'demo-seed' } });
      if (result.status === 'created') agents += 1;
    } else if (!existing.hasPassword && agentPassword) {
      // Seeded earlier without a password; a password given now is set (an existing one is never overwritten).
      await setPassword(deps, { brandId, login: a.login, password: agentPassword, by: { type: 'system', id: 'demo-seed' } });
    }
  }

  for (const m of MEMBERS) {
    const identity = `demo-${m.key}`;
    const [existing] = await deps.db
      .select({ customerId: schema.channelIdentities.customerId })
      .from(schema.channelIdentities)
      .where(eq(schema.channelIdentities.externalId, identity));
    if (existing) continue;
    const accountId = await deps.db.transaction(async (tx) => {
      const [c] = await tx
        .insert(schema.customers)
        .values({ brandId, name: m.name, birthday: m.birthday, phone: m.phone, phoneVerified: true, language: m.language })
        .returning();
      await tx.insert(schema.channelIdentities).values({ brandId, customerId: c!.id, channel: 'web', externalId: identity, displayName: m.name });
      const [a] = await tx
        .insert(schema.loyaltyAccounts)
        .values({ brandId, customerId: c!.id, memberCode: generateMemberCode(), tierCode: 'bronze', enrolledVia: 'pos', enrolledAt: new Date(now.getTime() - 400 * DAY) })
        .returning();
      return a!.id;
    });
    // Earned about eleven and two months ago with a 12-month expiry, so the older lot expires soon.
    const ages = [335, 60];
    for (const [i, points] of m.earned.entries()) {
      const earnedAt = now.getTime() - (ages[i] ?? 30) * DAY;
      await postLedgerEntry(deps, {
        accountId,
        kind: 'earn',
        points,
        idempotencyKey: `demo:${identity}:earn:${i}`,
        expiresAt: new Date(earnedAt + 365 * DAY),
        reference: `demo-purchase-${i}`,
      });
    }
    if (m.spent > 0) {
      await postLedgerEntry(deps, { accountId, kind: 'redeem', points: -m.spent, idempotencyKey: `demo:${identity}:redeem`, reference: 'OUD-SAMPLE' });
    }
  }
  const giftCard = created ? await issueGiftCard(deps, { brandId, amountMinor: 25_000, currency: 'AED', expiresAt: null, issuedBy: 'demo-seed' }) : null;
  return { created, stores: STORES.length, rewards: REWARDS.length, members: MEMBERS.length, agents, agentPasswords: agentPassword !== undefined, giftCardCode: giftCard?.code ?? null };
}
