// VIP personal shoppers: a top-tier member can have one agent of their own (matched by language and speciality), who
// gets their handoffs first while on duty. A shopper serves at most MAX_VIPS_PER_SHOPPER members; a member is moved
// to another shopper by assigning again (a transfer), recorded in the audit log like the first assignment.
import { and, count, eq } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import { audit, type Actor } from '../audit/index.js';
import type { CoreDeps } from '../shared/index.js';

/** A personal shopper serves at most this many VIPs. */
export const MAX_VIPS_PER_SHOPPER = 15;

/** Tiers whose members may have a personal shopper (the top tiers of the default programme). */
export const DEFAULT_SHOPPER_TIERS: readonly string[] = ['platinum', 'diamond'];

/** What an assignment did. */
export type AssignShopperResult =
  | { status: 'assigned'; agentId: string; transferredFrom: string | null }
  | { status: 'unchanged'; agentId: string }
  | { status: 'not_vip'; tier: string | null }
  | { status: 'not_a_shopper' }
  | { status: 'shopper_full'; agentId: string }
  | { status: 'no_shopper_available' }
  | { status: 'not_found' };

/**
 * Gives a VIP member a personal shopper: `agentId` when named (a transfer when they had another), otherwise the
 * active shopper who speaks the member's language and has the `speciality` (when given), with the fewest VIPs and
 * room for one more. The shopper row is locked while counting, so two assignments cannot both take the 15th place.
 */
export async function assignPersonalShopper(
  deps: CoreDeps,
  input: { brandId: string; customerId: string; agentId?: string; speciality?: string; actor: Actor; vipTiers?: readonly string[] },
): Promise<AssignShopperResult> {
  return deps.db.transaction(async (tx) => {
    const [customer] = await tx
      .select({ id: schema.customers.id, language: schema.customers.language })
      .from(schema.customers)
      .where(and(eq(schema.customers.id, input.customerId), eq(schema.customers.brandId, input.brandId)));
    if (!customer) return { status: 'not_found' };
    const [account] = await tx.select({ tier: schema.loyaltyAccounts.tierCode }).from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, customer.id));
    if (!account || !(input.vipTiers ?? DEFAULT_SHOPPER_TIERS).includes(account.tier)) return { status: 'not_vip', tier: account?.tier ?? null };
    const [current] = await tx.select().from(schema.personalShoppers).where(eq(schema.personalShoppers.customerId, customer.id)).for('update');

    let agentId = input.agentId;
    if (agentId) {
      const [agent] = await tx
        .select({ id: schema.agents.id, isShopper: schema.agents.isPersonalShopper, active: schema.agents.active })
        .from(schema.agents)
        .where(and(eq(schema.agents.id, agentId), eq(schema.agents.brandId, input.brandId)))
        .for('update');
      if (!agent?.isShopper || !agent.active) return { status: 'not_a_shopper' };
    } else {
      agentId = (await bestShopper(tx, input.brandId, customer.language, input.speciality)) ?? undefined;
      if (!agentId) return { status: 'no_shopper_available' };
      await tx.select({ id: schema.agents.id }).from(schema.agents).where(eq(schema.agents.id, agentId)).for('update');
    }
    if (current?.agentId === agentId) return { status: 'unchanged', agentId };
    if ((await vipCount(tx, agentId)) >= MAX_VIPS_PER_SHOPPER) return { status: 'shopper_full', agentId };

    const now = deps.clock.now();
    await tx
      .insert(schema.personalShoppers)
      .values({ customerId: customer.id, brandId: input.brandId, agentId, assignedAt: now })
      .onConflictDoUpdate({ target: schema.personalShoppers.customerId, set: { agentId, assignedAt: now } });
    await audit(
      { ...deps, db: tx },
      {
        brandId: input.brandId,
        actor: input.actor,
        action: current ? 'personal_shopper.transferred' : 'personal_shopper.assigned',
        target: customer.id,
        result: 'ok',
        details: { agentId, from: current?.agentId ?? null },
      },
    );
    return { status: 'assigned', agentId, transferredFrom: current?.agentId ?? null };
  });
}

/** The member's personal shopper, if they have one. */
export async function personalShopperOf(db: Db, customerId: string): Promise<{ id: string; name: string; onDuty: boolean; active: boolean } | null> {
  const [row] = await db
    .select({ id: schema.agents.id, name: schema.agents.name, onDuty: schema.agents.onDuty, active: schema.agents.active })
    .from(schema.personalShoppers)
    .innerJoin(schema.agents, eq(schema.agents.id, schema.personalShoppers.agentId))
    .where(eq(schema.personalShoppers.customerId, customerId));
  return row ?? null;
}

async function vipCount(db: Db, agentId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(schema.personalShoppers).where(eq(schema.personalShoppers.agentId, agentId));
  return row?.n ?? 0;
}

/** The matching shopper with the fewest VIPs and room left; language and speciality must match when known. */
async function bestShopper(db: Db, brandId: string, language: string | null, speciality: string | undefined): Promise<string | null> {
  const shoppers = await db
    .select({ id: schema.agents.id, name: schema.agents.name, languages: schema.agents.languages, specialities: schema.agents.specialities })
    .from(schema.agents)
    .where(and(eq(schema.agents.brandId, brandId), eq(schema.agents.isPersonalShopper, true), eq(schema.agents.active, true)));
  const matching = shoppers.filter((s) => (!language || s.languages.includes(language)) && (!speciality || s.specialities.includes(speciality)));
  const loads = await Promise.all(matching.map(async (s) => ({ ...s, vips: await vipCount(db, s.id) })));
  const open = loads.filter((s) => s.vips < MAX_VIPS_PER_SHOPPER).sort((a, b) => a.vips - b.vips || a.name.localeCompare(b.name));
  return open[0]?.id ?? null;
}
