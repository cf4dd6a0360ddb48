// Staff members and how they are recognised: an invite code redeemed in a team chat (or privately, or in the console's
// command box) creates the member and links the sender's platform id in one transaction. A revoked member is not staff
// at all: every lookup here skips them, so their commands meet the same silence as a stranger's.
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { audit, type Actor } from '../audit/index.js';
import type { Language } from '../conversation/index.js';
import { isUniqueViolation } from '../loyalty/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';
import { generateInviteCode, hashInviteCode, normalizeInviteCode } from './invite-code.js';
import { isStaffRole, STORE_BOUND_ROLES, type StaffRole } from './roles.js';

/** A live staff member as the rest of the app sees them. */
export interface StaffMember {
  id: string;
  brandId: string;
  name: string;
  role: StaffRole;
  /** Store ids this person is limited to; empty means the whole brand. */
  storeIds: string[];
  language: Language;
  agentId: string | null;
}

/** A staff member in a listing, revoked ones included. */
export interface StaffListing extends StaffMember {
  revokedAt: Date | null;
  createdAt: Date;
  identities: Array<{ channel: string; externalId: string }>;
}

/** Where staff are recognised: a chat platform's team chat, or 'console' (then the id is the agent's). */
export type StaffIdentityChannel = string;

/** Default lifetime of an invite code. */
export const DEFAULT_INVITE_HOURS = 72;
/** The longest an invite code may live: a code lying around for weeks is a code someone else finds. */
export const MAX_INVITE_HOURS = 24 * 14;

type MemberRow = typeof schema.staffMembers.$inferSelect;

function memberOf(row: MemberRow): StaffMember {
  if (!isStaffRole(row.role)) throw new AppError('INTERNAL', `staff member ${row.id} has an unknown role`);
  return {
    id: row.id,
    brandId: row.brandId,
    name: row.name,
    role: row.role,
    storeIds: row.storeIds,
    language: row.language === 'ar' || row.language === 'zh' ? row.language : 'en',
    agentId: row.agentId,
  };
}

/** What `createInvite` answers. */
export type CreateInviteOutcome =
  | { status: 'created'; inviteId: string; code: string; expiresAt: Date }
  | { status: 'unknown_role' }
  | { status: 'stores_required' }
  | { status: 'bad_name' }
  | { status: 'bad_hours'; max: number };

/**
 * Creates a one-time invite: whoever sends the code becomes a staff member with this name, role and stores. The code is
 * returned once; only its hash is kept. Store managers and franchise owners must be given their stores.
 */
export async function createInvite(
  deps: CoreDeps,
  input: { brandId: string; name: string; role: string; storeIds: readonly string[]; createdBy: string; ttlHours?: number },
): Promise<CreateInviteOutcome> {
  if (!isStaffRole(input.role)) return { status: 'unknown_role' };
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) return { status: 'bad_name' };
  const storeIds = [...new Set(input.storeIds)];
  if (STORE_BOUND_ROLES.has(input.role) && storeIds.length === 0) return { status: 'stores_required' };
  const hours = input.ttlHours ?? DEFAULT_INVITE_HOURS;
  if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_INVITE_HOURS) return { status: 'bad_hours', max: MAX_INVITE_HOURS };
  if (storeIds.length > 0) {
    const known = await deps.db
      .select({ id: schema.stores.id })
      .from(schema.stores)
      .where(and(eq(schema.stores.brandId, input.brandId), inArray(schema.stores.id, storeIds)));
    if (known.length !== storeIds.length) throw new AppError('INVALID_INPUT', 'an invite names a store that is not the brand\'s');
  }
  const code = generateInviteCode();
  const expiresAt = new Date(deps.clock.now().getTime() + hours * 3_600_000);
  const [row] = await deps.db
    .insert(schema.staffInvites)
    .values({ brandId: input.brandId, codeHash: hashInviteCode(normalizeInviteCode(code)!), name, role: input.role, storeIds, expiresAt, createdBy: input.createdBy, createdAt: deps.clock.now() })
    .returning({ id: schema.staffInvites.id });
  if (!row) throw new AppError('INTERNAL', 'invite not stored');
  await audit(deps, { brandId: input.brandId, actor: actorOf(input.createdBy), action: 'staff.invite', target: `staff_invite:${row.id}`, result: 'ok', details: { role: input.role, stores: storeIds.length, hours } });
  return { status: 'created', inviteId: row.id, code, expiresAt };
}

/** What `redeemInvite` answers: unknown, used and expired codes are one vague 'invalid'. */
export type RedeemInviteOutcome = { status: 'joined'; staff: StaffMember } | { status: 'already_staff'; staff: StaffMember } | { status: 'invalid' };

class AlreadyLinked extends Error {}

/**
 * Redeems an invite code for the sender: the staff member and the sender's identity are created in one transaction,
 * and the code is claimed by a conditional update, so of two people racing with one code exactly one joins. On the
 * console (`channel: 'console'`) the identity is the agent account itself.
 */
export async function redeemInvite(
  deps: CoreDeps,
  input: { brandId: string; code: string; channel: StaffIdentityChannel; externalId: string; language?: Language },
): Promise<RedeemInviteOutcome> {
  const existing = await staffForSender(deps, { brandId: input.brandId, channel: input.channel, externalId: input.externalId });
  if (existing) return { status: 'already_staff', staff: existing };
  const normalized = normalizeInviteCode(input.code);
  if (!normalized) return { status: 'invalid' };
  const now = deps.clock.now();
  const invites = schema.staffInvites;
  try {
    const joined = await deps.db.transaction(async (tx) => {
      const [invite] = await tx
        .update(invites)
        .set({ usedAt: now })
        .where(and(eq(invites.brandId, input.brandId), eq(invites.codeHash, hashInviteCode(normalized)), isNull(invites.usedAt), sql`${invites.expiresAt} > ${now.toISOString()}::timestamptz`))
        .returning();
      if (!invite) return null;
      if (input.channel === 'console') {
        // The agent may have been staff before (revoked): the agent link moves to the new membership.
        await tx
          .update(schema.staffMembers)
          .set({ agentId: null })
          .where(and(eq(schema.staffMembers.agentId, input.externalId), sql`${schema.staffMembers.revokedAt} is not null`));
      }
      const [member] = await tx
        .insert(schema.staffMembers)
        .values({
          brandId: input.brandId,
          name: invite.name,
          role: invite.role,
          storeIds: invite.storeIds,
          language: input.language ?? 'en',
          agentId: input.channel === 'console' ? input.externalId : null,
          createdBy: `invite:${invite.id}`,
          createdAt: now,
        })
        .returning();
      if (!member) throw new AppError('INTERNAL', 'staff member not stored');
      if (input.channel !== 'console') {
        // An identity left by a revoked membership moves to the new one; a live one means a race we lost.
        const ids = schema.staffIdentities;
        const [linked] = await tx
          .insert(ids)
          .values({ brandId: input.brandId, staffId: member.id, channel: input.channel, externalId: input.externalId, createdAt: now })
          .onConflictDoUpdate({
            target: [ids.brandId, ids.channel, ids.externalId],
            set: { staffId: member.id, createdAt: now },
            setWhere: sql`${ids.staffId} in (select id from staff_members where revoked_at is not null)`,
          })
          .returning({ id: ids.id });
        if (!linked) throw new AlreadyLinked();
      }
      await tx.update(invites).set({ usedByStaffId: member.id }).where(eq(invites.id, invite.id));
      await audit({ ...deps, db: tx }, { brandId: input.brandId, actor: { type: 'staff', id: member.id }, action: 'staff.join', target: `staff_invite:${invite.id}`, result: 'ok', details: { channel: input.channel, role: invite.role } });
      return memberOf(member);
    });
    return joined ? { status: 'joined', staff: joined } : { status: 'invalid' };
  } catch (err) {
    if (err instanceof AlreadyLinked || isUniqueViolation(err)) {
      const now = await staffForSender(deps, { brandId: input.brandId, channel: input.channel, externalId: input.externalId });
      if (now) return { status: 'already_staff', staff: now };
    }
    throw err;
  }
}

/** The live staff member a sender is: by platform identity, or on the console by agent id. */
export async function staffForSender(deps: CoreDeps, input: { brandId: string; channel: StaffIdentityChannel; externalId: string }): Promise<StaffMember | null> {
  return input.channel === 'console' ? staffForAgent(deps, { brandId: input.brandId, agentId: input.externalId }) : staffForIdentity(deps, input);
}

/** The live staff member behind a team-chat identity; null for strangers and revoked staff. */
export async function staffForIdentity(deps: CoreDeps, input: { brandId: string; channel: StaffIdentityChannel; externalId: string }): Promise<StaffMember | null> {
  const [row] = await deps.db
    .select({ m: schema.staffMembers })
    .from(schema.staffIdentities)
    .innerJoin(schema.staffMembers, eq(schema.staffMembers.id, schema.staffIdentities.staffId))
    .where(
      and(
        eq(schema.staffIdentities.brandId, input.brandId),
        eq(schema.staffIdentities.channel, input.channel),
        eq(schema.staffIdentities.externalId, input.externalId),
        isNull(schema.staffMembers.revokedAt),
      ),
    );
  return row ? memberOf(row.m) : null;
}

/** The live staff member linked to a console agent account; null when none. */
export async function staffForAgent(deps: CoreDeps, input: { brandId: string; agentId: string }): Promise<StaffMember | null> {
  if (!UUID.test(input.agentId)) return null;
  const [row] = await deps.db
    .select()
    .from(schema.staffMembers)
    .where(and(eq(schema.staffMembers.brandId, input.brandId), eq(schema.staffMembers.agentId, input.agentId), isNull(schema.staffMembers.revokedAt)));
  return row ? memberOf(row) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A staff member by id, live or not (null when unknown). */
export async function staffById(deps: CoreDeps, input: { brandId: string; staffId: string }): Promise<(StaffMember & { revokedAt: Date | null }) | null> {
  if (!UUID.test(input.staffId)) return null;
  const [row] = await deps.db.select().from(schema.staffMembers).where(and(eq(schema.staffMembers.brandId, input.brandId), eq(schema.staffMembers.id, input.staffId)));
  return row ? { ...memberOf(row), revokedAt: row.revokedAt } : null;
}

/** Every staff member of the brand (revoked ones too, unless `activeOnly`), oldest first, with their identities. */
export async function listStaff(deps: CoreDeps, input: { brandId: string; activeOnly?: boolean }): Promise<StaffListing[]> {
  const rows = await deps.db
    .select()
    .from(schema.staffMembers)
    .where(and(eq(schema.staffMembers.brandId, input.brandId), input.activeOnly ? isNull(schema.staffMembers.revokedAt) : undefined))
    .orderBy(asc(schema.staffMembers.createdAt), asc(schema.staffMembers.name));
  const identities =
    rows.length === 0
      ? []
      : await deps.db
          .select({ staffId: schema.staffIdentities.staffId, channel: schema.staffIdentities.channel, externalId: schema.staffIdentities.externalId })
          .from(schema.staffIdentities)
          .where(inArray(schema.staffIdentities.staffId, rows.map((r) => r.id)));
  return rows.map((r) => ({
    ...memberOf(r),
    revokedAt: r.revokedAt,
    createdAt: r.createdAt,
    identities: identities.filter((i) => i.staffId === r.id).map((i) => ({ channel: i.channel, externalId: i.externalId })),
  }));
}

/** What `revokeStaff` answers. */
export type RevokeStaffOutcome = { status: 'revoked'; staff: StaffMember } | { status: 'already_revoked' } | { status: 'not_found' };

/** Revokes a staff member: from now on they are not staff anywhere (team chats, console, campaigns in flight). */
export async function revokeStaff(deps: CoreDeps, input: { brandId: string; staffId: string; by: string }): Promise<RevokeStaffOutcome> {
  if (!UUID.test(input.staffId)) return { status: 'not_found' };
  const now = deps.clock.now();
  const [row] = await deps.db
    .update(schema.staffMembers)
    .set({ revokedAt: now })
    .where(and(eq(schema.staffMembers.brandId, input.brandId), eq(schema.staffMembers.id, input.staffId), isNull(schema.staffMembers.revokedAt)))
    .returning();
  if (!row) return (await staffById(deps, input)) ? { status: 'already_revoked' } : { status: 'not_found' };
  await audit(deps, { brandId: input.brandId, actor: actorOf(input.by), action: 'staff.revoke', target: `staff:${row.id}`, result: 'ok', details: { role: row.role } });
  return { status: 'revoked', staff: memberOf(row) };
}

/** What `linkAgent` answers. */
export type LinkAgentOutcome = { status: 'linked'; staff: StaffMember } | { status: 'not_found' } | { status: 'agent_taken'; staffId: string };

/** Links a console agent account to a live staff member, so the console's command box acts as them. */
export async function linkAgent(deps: CoreDeps, input: { brandId: string; staffId: string; agentId: string; by: string }): Promise<LinkAgentOutcome> {
  const owner = await staffForAgent(deps, { brandId: input.brandId, agentId: input.agentId });
  if (owner && owner.id !== input.staffId) return { status: 'agent_taken', staffId: owner.id };
  const staff = await staffById(deps, input);
  if (!staff || staff.revokedAt) return { status: 'not_found' };
  const [row] = await deps.db.transaction(async (tx) => {
    // A revoked membership may still hold the agent (the unique index counts it): it lets go.
    await tx.update(schema.staffMembers).set({ agentId: null }).where(and(eq(schema.staffMembers.agentId, input.agentId), sql`${schema.staffMembers.revokedAt} is not null`));
    const updated = await tx.update(schema.staffMembers).set({ agentId: input.agentId }).where(eq(schema.staffMembers.id, staff.id)).returning();
    await audit({ ...deps, db: tx }, { brandId: input.brandId, actor: actorOf(input.by), action: 'staff.link_agent', target: `staff:${staff.id}`, result: 'ok', details: { agentId: input.agentId } });
    return updated;
  });
  return { status: 'linked', staff: memberOf(row!) };
}

/** Sets the language the staff bot answers this person in. */
export async function setStaffLanguage(deps: CoreDeps, input: { brandId: string; staffId: string; language: Language }): Promise<void> {
  await deps.db.update(schema.staffMembers).set({ language: input.language }).where(and(eq(schema.staffMembers.brandId, input.brandId), eq(schema.staffMembers.id, input.staffId)));
}

/** The audit actor of a `by` string: a staff id when it is one, else the tool that acted (e.g. `admin-cli:ops`). */
function actorOf(by: string): Actor {
  return UUID.test(by) ? { type: 'staff', id: by } : { type: 'system', id: by };
}
