// What every staff command handler gets and gives back: the person (a live staff member), their catalog and
// formatter, and the replies plus one audit note (null when `authorize` already wrote the refusal).
import { eq } from 'drizzle-orm';
import type { CustomerPusher, Reply, ReplyAttachment, StaffMessage, TeamChat } from '../../core/conversation/index.js';
import { parseProgramConfig } from '../../core/loyalty/index.js';
import { authorize, type StaffAction, type StaffMember } from '../../core/staff/index.js';
import type { CoreDeps, JobQueue } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { Fmt } from './format.js';
import { directionOf, textsFor, type Catalog } from './i18n/index.js';

/** What the staff commands need besides the core deps. */
export interface StaffCommandDeps extends CoreDeps {
  brandId: string;
  /** Sends to a customer's chat: `/campaign test` sends the test message through it (to the staff member's own chat). */
  pusher?: CustomerPusher;
  /** Posts in the team chats: approval requests are announced there. */
  teamChat?: TeamChat;
  /** The job queue: starting or resuming a campaign enqueues its delivery. */
  queue?: JobQueue;
}

/** One command's situation. */
export interface CommandContext {
  deps: StaffCommandDeps;
  staff: StaffMember;
  msg: StaffMessage;
  t: Catalog;
  fmt: Fmt;
  /** The programme's currency, for money figures. */
  currency: string;
}

/** The audit entry of one command: `action` without the `staff.` prefix, which the dispatcher adds. */
export interface AuditNote {
  action: string;
  result: string;
  target?: string;
  details?: Record<string, unknown>;
}

/** A command's replies and its audit note (null: already audited, e.g. a refusal by `authorize`). */
export interface CommandResult {
  replies: Reply[];
  audit: AuditNote | null;
}

/** The context of a staff member's message (their language; the brand's time zone for dates). */
export async function commandContext(deps: StaffCommandDeps, staff: StaffMember, msg: StaffMessage): Promise<CommandContext> {
  const [brand] = await deps.db.select({ timezone: schema.brands.timezone, settings: schema.brands.settings }).from(schema.brands).where(eq(schema.brands.id, deps.brandId));
  let currency = 'AED';
  try {
    currency = parseProgramConfig(brand?.settings ?? {}).currency;
  } catch {
    // A broken programme setting is reported where the programme is used; figures here still show.
  }
  return { deps, staff, msg, t: textsFor(staff.language), fmt: new Fmt(staff.language, brand?.timezone ?? 'UTC'), currency };
}

/** One text reply in the person's language direction, with an optional file. */
export function say(ctx: { staff: StaffMember }, text: string, attachment?: ReplyAttachment): Reply[] {
  return [{ text, dir: directionOf(ctx.staff.language), ...(attachment ? { attachment } : {}) }];
}

/** A result with an audit note. */
export function done(replies: Reply[], action: string, result: string, extra: Omit<AuditNote, 'action' | 'result'> = {}): CommandResult {
  return { replies, audit: { action, result, ...extra } };
}

/**
 * Checks the person may do `action` (at `storeId`); null when allowed, else the refusal to answer with (audited by
 * `authorize`).
 */
export async function refuse(ctx: CommandContext, action: StaffAction, command: string, opts: { storeId?: string; target?: string } = {}): Promise<CommandResult | null> {
  const outcome = await authorize(ctx.deps, { staff: ctx.staff, action, ...opts });
  if (outcome.status === 'allowed') return null;
  switch (outcome.reason) {
    case 'role':
      return { replies: say(ctx, ctx.t.deniedRole(command, ctx.t.roleName[ctx.staff.role])), audit: null };
    case 'no_stores':
      return { replies: say(ctx, ctx.t.deniedNoStores), audit: null };
    case 'scope':
      return { replies: say(ctx, ctx.t.customerNotFound), audit: null };
  }
}
