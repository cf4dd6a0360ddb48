// Admin commands run from a shell on the server (`npm run admin -- …` once main.ts routes `admin` here). Secrets they
// create (API keys, gift card codes) are printed once and never again: they are stored only as hashes. Secrets they
// take (agent passwords) come from the environment or stdin, never from argv (which `ps` and shell history show).
import { parseArgs } from 'node:util';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { createAgent, findAgent, listAgents, setOnDuty, setPassword } from '../../core/agents/index.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../core/api-keys/index.js';
import { audit } from '../../core/audit/index.js';
import { customerProfile, findCustomer, reverseMerge } from '../../core/customers/index.js';
import { assignPersonalShopper, MAX_VIPS_PER_SHOPPER } from '../../core/handoff/index.js';
import { assign, changeStatus, createTicket, type TicketStatus } from '../../core/tickets/index.js';
import { issueGiftCard } from '../../core/gift-cards/index.js';
import { AppError, type CoreDeps } from '../../core/shared/index.js';
import { createInvite, linkAgent, listStaff, MAX_INVITE_HOURS, revokeStaff, ROLES, storesByCodes, storesByIds } from '../../core/staff/index.js';

const USAGE = [
  'usage:',
  '  admin api-key create --store CODE --name NAME [--by WHO]    a key for one store',
  '  admin api-key create --all-stores --name NAME [--by WHO]    a brand-wide key (must name the store per request)',
  '  admin api-key list',
  '  admin api-key revoke ID [--by WHO]',
  '  admin gift-card issue --amount MINOR --currency XXX [--expires YYYY-MM-DD] [--by WHO]',
  '  admin customer show (--member CODE | --phone +E164) [--by WHO]   the unified profile across channels',
  '  admin merge reverse ID --by WHO                                  undo a merge of two profiles',
  '  admin agent add --login L --name N [--languages en,ar] [--specialities a,b] [--telegram-id ID] [--line-id ID]',
  '                  [--max N] [--personal-shopper] [--on-duty] [--no-password] [--by WHO]',
  '                                         an agent; the console password comes from AGENT_PASSWORD or stdin',
  '  admin agent password --login L [--by WHO]      set or reset the password (AGENT_PASSWORD or stdin)',
  '  admin agent duty --login L on|off [--by WHO]',
  '  admin agent list',
  '  admin ticket open --member CODE --category C --description TEXT [--store CODE] [--by WHO]   a ticket opened by staff',
  '  admin ticket list [--status open|pending_customer|resolved|closed]',
  '  admin ticket status ID open|pending_customer|resolved|closed [--by WHO]',
  '  admin ticket assign ID --login L [--by WHO]',
  '  admin shopper assign --member CODE [--login L] [--speciality S] [--by WHO]',
  '                                         a VIP\'s personal shopper (matched by language/speciality, or --login; again = transfer)',
  '  admin staff invite --name N --role R [--stores CODE,CODE] [--hours 72] [--by WHO]',
  '                                         a one-time code to send the bot with /join (printed once; roles: ' + ROLES.join(', ') + ')',
  '  admin staff list',
  '  admin staff revoke (--id ID | --name N) [--by WHO]   not staff anywhere from now on',
  '  admin staff link-agent --staff ID --agent LOGIN [--by WHO]   the console\'s command box acts as this staff member',
];

/** Where commands read secrets: the environment and stdin (the defaults), or a test's stand-ins. */
export interface AdminIo {
  env: Readonly<Record<string, string | undefined>>;
  /** Reads one secret line (hidden when typed at a terminal); null when there is nothing to read. */
  readSecret(prompt: string): Promise<string | null>;
}

/** The real process's environment and stdin. */
export const processIo: AdminIo = { env: process.env, readSecret: readSecretFromStdin };

/** Exit codes: 0 done, 1 refused (unknown store or key, bad value), 2 wrong usage. */
const OK = 0;
const REFUSED = 1;
const USAGE_ERROR = 2;

/** Runs one admin command against the brand; writes lines to `out` and returns the process exit code. */
export async function runAdminCommand(argv: string[], deps: CoreDeps & { brandId: string }, out: (line: string) => void, io: AdminIo = processIo): Promise<number> {
  const [group, action, ...rest] = argv;
  let args: ReturnType<typeof parse>;
  try {
    args = parse(rest);
  } catch (err) {
    return usage(out, (err as Error).message);
  }
  try {
    switch (`${group ?? ''} ${action ?? ''}`) {
      case 'api-key create':
        return await createKey(deps, args, out);
      case 'api-key list':
        return await listKeys(deps, out);
      case 'api-key revoke':
        return await revokeKey(deps, args, out);
      case 'gift-card issue':
        return await issueCard(deps, args, out);
      case 'customer show':
        return await showCustomer(deps, args, out);
      case 'merge reverse':
        return await undoMerge(deps, args, out);
      case 'agent add':
        return await addAgent(deps, args, out, io);
      case 'agent password':
        return await agentPassword(deps, args, out, io);
      case 'agent duty':
        return await agentDuty(deps, args, out);
      case 'agent list':
        return await agentList(deps, out);
      case 'shopper assign':
        return await assignShopper(deps, args, out);
      case 'ticket open':
        return await openTicket(deps, args, out);
      case 'ticket list':
        return await listTickets(deps, args, out);
      case 'ticket status':
        return await ticketStatus(deps, args, out);
      case 'ticket assign':
        return await ticketAssign(deps, args, out);
      case 'staff invite':
        return await staffInvite(deps, args, out);
      case 'staff list':
        return await staffList(deps, out);
      case 'staff revoke':
        return await staffRevoke(deps, args, out);
      case 'staff link-agent':
        return await staffLinkAgent(deps, args, out);
      default:
        return usage(out, group ? `unknown command: ${[group, action].filter(Boolean).join(' ')}` : undefined);
    }
  } catch (err) {
    if (err instanceof AppError && err.code !== 'INTERNAL' && err.code !== 'UNAVAILABLE') {
      out(`error: ${err.message}`);
      return REFUSED;
    }
    throw err;
  }
}

function parse(rest: string[]) {
  return parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      store: { type: 'string' },
      'all-stores': { type: 'boolean' },
      name: { type: 'string' },
      by: { type: 'string' },
      amount: { type: 'string' },
      currency: { type: 'string' },
      expires: { type: 'string' },
      member: { type: 'string' },
      phone: { type: 'string' },
      login: { type: 'string' },
      languages: { type: 'string' },
      specialities: { type: 'string' },
      speciality: { type: 'string' },
      category: { type: 'string' },
      description: { type: 'string' },
      status: { type: 'string' },
      'telegram-id': { type: 'string' },
      'line-id': { type: 'string' },
      max: { type: 'string' },
      'personal-shopper': { type: 'boolean' },
      'on-duty': { type: 'boolean' },
      'no-password': { type: 'boolean' },
      password: { type: 'string' },
      role: { type: 'string' },
      stores: { type: 'string' },
      hours: { type: 'string' },
      id: { type: 'string' },
      staff: { type: 'string' },
      agent: { type: 'string' },
    },
  });
}

type Args = ReturnType<typeof parse>;

function usage(out: (line: string) => void, problem?: string): number {
  if (problem) out(`error: ${problem}`);
  USAGE.forEach((l) => out(l));
  return USAGE_ERROR;
}

async function createKey(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const { store, name } = args.values;
  const allStores = args.values['all-stores'] === true;
  // A brand-wide key is powerful; it must be asked for by name, never be what a forgotten --store gives.
  if (!name || (store === undefined) === !allStores) return usage(out, 'api-key create needs --name and exactly one of --store CODE or --all-stores');
  const created = await createApiKey(deps, { brandId: deps.brandId, storeCode: allStores ? null : store!, name, createdBy: by(args) });
  out(`API key ${created.id} created for ${allStores ? 'every store of the brand' : `store ${store}`} ("${name.trim()}").`);
  out('Store it now in the till\'s configuration; it is not stored here and cannot be shown again:');
  out('');
  out(`  ${created.key}`);
  out('');
  out(`Send it as: Authorization: Bearer ${created.key.slice(0, 17)}…`);
  return OK;
}

async function listKeys(deps: CoreDeps & { brandId: string }, out: (line: string) => void): Promise<number> {
  const keys = await listApiKeys(deps, { brandId: deps.brandId });
  if (keys.length === 0) {
    out('no API keys yet: admin api-key create --store CODE --name NAME');
    return OK;
  }
  out(['id', 'prefix', 'store', 'name', 'created', 'last used', 'status'].join('\t'));
  for (const k of keys) {
    const status = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
    out([k.id, `pos_${k.prefix}_…`, k.storeCode ?? '(all stores)', k.name, k.createdAt.toISOString(), k.lastUsedAt?.toISOString() ?? 'never', status].join('\t'));
  }
  return OK;
}

async function revokeKey(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const [id, extra] = args.positionals;
  if (!id || extra !== undefined) return usage(out, 'api-key revoke needs exactly one key id (see admin api-key list)');
  const { status } = await revokeApiKey(deps, { brandId: deps.brandId, id, revokedBy: by(args) });
  switch (status) {
    case 'revoked':
      out(`API key ${id} revoked; requests with it are refused from now on.`);
      return OK;
    case 'already_revoked':
      out(`API key ${id} was already revoked.`);
      return OK;
    case 'not_found':
      out(`error: no API key ${id} in brand ${deps.brandId}`);
      return REFUSED;
  }
}

async function issueCard(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const { amount, currency, expires } = args.values;
  if (!amount || !currency) return usage(out, 'gift-card issue needs --amount (minor units) and --currency');
  if (!/^[1-9]\d{0,8}$/.test(amount)) return usage(out, '--amount must be a whole number of minor units between 1 and 999999999, e.g. 50000 for 500.00');
  let expiresAt: Date | null = null;
  if (expires !== undefined) {
    const tz = await brandTimezone(deps);
    expiresAt = endOfDay(expires, tz);
    if (!expiresAt) return usage(out, '--expires must be a date such as 2027-12-31');
    if (expiresAt <= deps.clock.now()) return usage(out, '--expires must be in the future');
  }
  const card = await issueGiftCard(deps, { brandId: deps.brandId, amountMinor: Number(amount), currency: currency.toUpperCase(), expiresAt, issuedBy: by(args) });
  out(`Gift card ${card.giftCardId} issued: ${amount} minor units of ${currency.toUpperCase()}${expiresAt ? `, valid through ${expires}` : ', no expiry'}.`);
  out('Give the code to the customer now; only its hash is stored and it cannot be shown again:');
  out('');
  out(`  ${card.code}`);
  out('');
  return OK;
}

function by(args: Args): string {
  return `admin-cli:${args.values.by ?? 'unknown'}`;
}

async function brandTimezone(deps: CoreDeps & { brandId: string }): Promise<string> {
  const [row] = await deps.db.select({ timezone: schema.brands.timezone }).from(schema.brands).where(eq(schema.brands.id, deps.brandId));
  return row?.timezone ?? 'UTC';
}

/** The first instant after `date` (YYYY-MM-DD) in `timeZone`: a card "valid through" a date works all that local day. */
export function endOfDay(date: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  const nextMidnightUtc = Date.UTC(y, mo - 1, d + 1);
  // Local midnight = UTC midnight minus the zone's offset then; checked twice for a DST change on that night.
  let guess = nextMidnightUtc - offsetMs(new Date(nextMidnightUtc), timeZone);
  guess = nextMidnightUtc - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

function offsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

async function showCustomer(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const { member, phone } = args.values;
  if ((member === undefined) === (phone === undefined)) return usage(out, 'customer show needs exactly one of --member CODE or --phone +E164');
  const customerId = await findCustomer(deps, { brandId: deps.brandId, ...(member ? { memberCode: member } : { phone: phone! }) });
  const profile = customerId ? await customerProfile(deps, { brandId: deps.brandId, customerId }) : null;
  // Reading a customer's data is audited like any staff access, found or not.
  await audit(deps, { brandId: deps.brandId, actor: { type: 'staff', id: by(args) }, action: 'customer.viewed', target: customerId ?? undefined, result: profile ? 'ok' : 'not_found', details: { via: 'cli' } });
  if (!profile) {
    out('error: no such customer (or the phone matches more than one profile)');
    return REFUSED;
  }
  const c = profile.customer;
  out(`customer ${c.id}: ${c.name ?? '(no name)'} · phone ${c.phone ?? '—'}${c.phoneVerified ? ' (verified)' : ''} · language ${c.language ?? '—'}`);
  out(profile.account ? `member ${profile.account.memberCode} · ${profile.account.points} points (+${profile.account.pendingPoints} on hold) · ${profile.account.tierCode}` : 'not a member');
  out(`preferred channel: ${profile.preferredChannel ?? '—'}`);
  out('channels:');
  for (const i of profile.identities) out(`  ${i.channel} ${i.externalId}${i.displayName ? ` "${i.displayName}"` : ''} since ${i.since.toISOString()}${i.reachable ? '' : ' (unreachable)'}`);
  out('consent in force:');
  for (const r of profile.consents) out(`  ${r.purpose} on ${r.channel}: ${r.granted ? 'granted' : 'refused'} (wording ${r.wordingVersion}, ${r.at.toISOString()}, ${r.source})`);
  if (profile.merges.length > 0) {
    out('merges:');
    for (const m of profile.merges) out(`  #${m.id} ${m.fromCustomerId} → ${m.intoCustomerId} (${m.reason}, ${m.at.toISOString()})${m.reversedAt ? ' reversed' : ''}`);
  }
  out('latest messages:');
  for (const m of profile.timeline) out(`  ${m.at.toISOString()} ${m.channel} ${m.direction === 'in' ? '←' : '→'} ${(m.text ?? '').replace(/\s+/g, ' ').slice(0, 80)}`);
  return OK;
}

async function undoMerge(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const id = Number(args.positionals[0]);
  if (!Number.isSafeInteger(id) || id <= 0 || !args.values.by) return usage(out, 'merge reverse needs the merge number and --by WHO');
  const result = await reverseMerge(deps, { brandId: deps.brandId, mergeId: id, by: by(args) });
  switch (result.status) {
    case 'reversed':
      out(`merge #${id} reversed: ${result.pointsReturned} points returned${result.pointsShort > 0 ? `, ${result.pointsShort} already spent` : ''}.`);
      return OK;
    case 'not_found':
      out(`error: no merge #${id}`);
      return REFUSED;
    case 'already_reversed':
      out(`error: merge #${id} was already reversed`);
      return REFUSED;
    case 'superseded':
      out(`error: the merged profile was merged again since; reverse that merge first`);
      return REFUSED;
  }
}

// ---------------------------------------------------------------- agents

/** The password for an agent command: AGENT_PASSWORD, else one line of stdin; null when neither gave one. */
async function agentPasswordInput(io: AdminIo): Promise<string | null> {
  const fromEnv = io.env.AGENT_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const line = await io.readSecret('Console password for the agent (not shown): ');
  return line === null || line === '' ? null : line;
}

const NO_PASSWORD = 'no password given: set AGENT_PASSWORD or write it on stdin (e.g. from a password manager), never as an argument';

async function addAgent(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void, io: AdminIo): Promise<number> {
  const v = args.values;
  if (v.password !== undefined) return usage(out, 'passwords are never taken as arguments (shell history and ps show them): use AGENT_PASSWORD or stdin');
  if (!v.login || !v.name || args.positionals.length > 0) return usage(out, 'agent add needs --login and --name');
  let max: number | undefined;
  if (v.max !== undefined) {
    if (!/^\d{1,3}$/.test(v.max)) return usage(out, '--max must be a whole number between 1 and 100');
    max = Number(v.max);
  }
  let password: string | undefined;
  if (v['no-password'] !== true) {
    const given = await agentPasswordInput(io);
    if (given === null) {
      out(`error: ${NO_PASSWORD} (or pass --no-password and set it later with: admin agent password --login ${v.login})`);
      return REFUSED;
    }
    password = given;
  }
  const result = await createAgent(deps, {
    brandId: deps.brandId,
    login: v.login,
    name: v.name,
    ...(password !== undefined ? { password } : {}),
    languages: list(v.languages),
    specialities: list(v.specialities),
    telegramUserId: v['telegram-id'] ?? null,
    lineUserId: v['line-id'] ?? null,
    ...(max !== undefined ? { maxConversations: max } : {}),
    onDuty: v['on-duty'] === true,
    isPersonalShopper: v['personal-shopper'] === true,
    by: { type: 'staff', id: by(args) },
  });
  if (result.status === 'login_taken') {
    out(`error: brand ${deps.brandId} already has an agent with login ${v.login.trim().toLowerCase()}`);
    return REFUSED;
  }
  const a = result.agent;
  out(`agent ${a.login} (${a.name}) created: ${a.onDuty ? 'on duty' : 'off duty'}, up to ${a.maxConversations} conversations${a.languages.length ? `, ${a.languages.join('/')}` : ''}${a.isPersonalShopper ? ', personal shopper' : ''}.`);
  out(a.hasPassword ? 'They can sign in to the console at /console.' : `No console password yet: admin agent password --login ${a.login}`);
  return OK;
}

async function agentPassword(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void, io: AdminIo): Promise<number> {
  const { login } = args.values;
  if (args.values.password !== undefined) return usage(out, 'passwords are never taken as arguments (shell history and ps show them): use AGENT_PASSWORD or stdin');
  if (!login || args.positionals.length > 0) return usage(out, 'agent password needs --login');
  const password = await agentPasswordInput(io);
  if (password === null) {
    out(`error: ${NO_PASSWORD}`);
    return REFUSED;
  }
  const result = await setPassword(deps, { brandId: deps.brandId, login, password, by: { type: 'staff', id: by(args) } });
  if (result.status === 'not_found') {
    out(`error: no agent with login ${login} (see admin agent list)`);
    return REFUSED;
  }
  out(`password of ${login.trim().toLowerCase()} set; their console sessions were signed out and any lockout cleared.`);
  return OK;
}

async function agentDuty(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const { login } = args.values;
  const [state, extra] = args.positionals;
  if (!login || (state !== 'on' && state !== 'off') || extra !== undefined) return usage(out, 'agent duty needs --login and on or off');
  const result = await setOnDuty(deps, { brandId: deps.brandId, login, onDuty: state === 'on', by: { type: 'staff', id: by(args) } });
  if (result.status === 'not_found') {
    out(`error: no agent with login ${login} (see admin agent list)`);
    return REFUSED;
  }
  out(`agent ${result.agent.login} is now ${result.agent.onDuty ? 'on duty: new conversations can be assigned to them' : 'off duty'}.`);
  return OK;
}

async function agentList(deps: CoreDeps & { brandId: string }, out: (line: string) => void): Promise<number> {
  const agents = await listAgents(deps, { brandId: deps.brandId });
  if (agents.length === 0) {
    out('no agents yet: admin agent add --login L --name N');
    return OK;
  }
  out(['login', 'name', 'duty', 'max', 'languages', 'personal shopper', 'telegram', 'line', 'console'].join('\t'));
  const now = deps.clock.now();
  for (const a of agents) {
    const consoleState = !a.active ? 'inactive' : !a.hasPassword ? 'no password' : a.lockedUntil && a.lockedUntil > now ? `locked until ${a.lockedUntil.toISOString()}` : 'ok';
    out([a.login, a.name, a.onDuty ? 'on' : 'off', String(a.maxConversations), a.languages.join(',') || '—', a.isPersonalShopper ? 'yes' : 'no', a.telegramUserId ?? '—', a.lineUserId ?? '—', consoleState].join('\t'));
  }
  return OK;
}

const TICKET_STATUSES: readonly TicketStatus[] = ['open', 'pending_customer', 'resolved', 'closed'];

async function openTicket(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const { member, category, description, store } = args.values;
  if (!member || !category?.trim() || !description?.trim()) return usage(out, 'ticket open needs --member, --category and --description');
  const customerId = await findCustomer(deps, { brandId: deps.brandId, memberCode: member });
  if (!customerId) {
    out(`error: no member ${member}`);
    return REFUSED;
  }
  let storeId: string | undefined;
  if (store) {
    const [row] = await deps.db.select({ id: schema.stores.id }).from(schema.stores).where(and(eq(schema.stores.brandId, deps.brandId), eq(schema.stores.code, store)));
    if (!row) {
      out(`error: no store ${store}`);
      return REFUSED;
    }
    storeId = row.id;
  }
  const ticket = await createTicket(deps, {
    brandId: deps.brandId,
    customerId,
    category: category.trim(),
    description: description.trim(),
    source: 'staff',
    ...(storeId ? { storeId } : {}),
    actor: { type: 'staff', id: by(args) },
  });
  out(`ticket #${ticket.id} opened (${ticket.priority} priority; first response due ${ticket.firstResponseDueAt.toISOString()}, resolution due ${ticket.resolutionDueAt.toISOString()}).`);
  return OK;
}

async function listTickets(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const status = args.values.status;
  if (status !== undefined && !(TICKET_STATUSES as readonly string[]).includes(status)) return usage(out, `--status must be one of ${TICKET_STATUSES.join(', ')}`);
  const rows = await deps.db
    .select({ t: schema.tickets, assignee: schema.agents.login })
    .from(schema.tickets)
    .leftJoin(schema.agents, eq(schema.agents.id, schema.tickets.assigneeId))
    .where(and(eq(schema.tickets.brandId, deps.brandId), inArray(schema.tickets.status, status ? [status] : ['open', 'pending_customer'])))
    .orderBy(desc(schema.tickets.id))
    .limit(200);
  if (rows.length === 0) {
    out('no tickets');
    return OK;
  }
  out(['id', 'status', 'priority', 'category', 'source', 'assignee', 'resolution due'].join('\t'));
  for (const { t, assignee } of rows) out([String(t.id), t.status, t.priority, t.category, t.source, assignee ?? '—', t.resolutionDueAt.toISOString()].join('\t'));
  return OK;
}

async function ticketStatus(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const [id, to] = args.positionals;
  if (!id || !/^\d+$/.test(id) || !to || !(TICKET_STATUSES as readonly string[]).includes(to)) return usage(out, `ticket status needs ID and one of ${TICKET_STATUSES.join(', ')}`);
  const result = await changeStatus(deps, { brandId: deps.brandId, ticketId: Number(id), to: to as TicketStatus, actor: { type: 'staff', id: by(args) } });
  switch (result.status) {
    case 'changed':
      out(`ticket #${id}: ${result.from} → ${to}.`);
      return OK;
    case 'unchanged':
      out(`ticket #${id} is already ${to}.`);
      return OK;
    case 'illegal_transition':
      out(`error: a ${result.from} ticket cannot become ${result.to}.`);
      return REFUSED;
    case 'not_found':
      out(`error: no ticket #${id}`);
      return REFUSED;
  }
}

async function ticketAssign(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const [id] = args.positionals;
  const { login } = args.values;
  if (!id || !/^\d+$/.test(id) || !login) return usage(out, 'ticket assign needs ID and --login');
  const agent = await findAgent(deps, { brandId: deps.brandId, login });
  if (!agent) {
    out(`error: no agent with login ${login} (see admin agent list)`);
    return REFUSED;
  }
  const result = await assign(deps, { brandId: deps.brandId, ticketId: Number(id), agentId: agent.id, actor: { type: 'staff', id: by(args) } });
  switch (result.status) {
    case 'assigned':
    case 'unchanged':
      out(`ticket #${id} is with ${login}.`);
      return OK;
    case 'not_found':
      out(`error: no ticket #${id}`);
      return REFUSED;
    case 'closed':
      out(`error: ticket #${id} is closed.`);
      return REFUSED;
  }
}

async function assignShopper(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const { member, login, speciality } = args.values;
  if (!member || args.positionals.length > 0) return usage(out, 'shopper assign needs --member CODE');
  const customerId = await findCustomer(deps, { brandId: deps.brandId, memberCode: member });
  if (!customerId) {
    out(`error: no member ${member}`);
    return REFUSED;
  }
  let agentId: string | undefined;
  if (login) {
    const agent = await findAgent(deps, { brandId: deps.brandId, login });
    if (!agent) {
      out(`error: no agent with login ${login} (see admin agent list)`);
      return REFUSED;
    }
    agentId = agent.id;
  }
  const result = await assignPersonalShopper(deps, {
    brandId: deps.brandId,
    customerId,
    ...(agentId ? { agentId } : {}),
    ...(speciality ? { speciality } : {}),
    actor: { type: 'staff', id: by(args) },
  });
  switch (result.status) {
    case 'assigned':
      out(`member ${member} ${result.transferredFrom ? 'transferred to' : 'now has'} personal shopper ${login ?? result.agentId}.`);
      return OK;
    case 'unchanged':
      out(`member ${member} already has that personal shopper.`);
      return OK;
    case 'not_vip':
      out(`error: member ${member} is ${result.tier ?? 'not a member'}; personal shoppers are for the top tiers.`);
      return REFUSED;
    case 'not_a_shopper':
      out(`error: ${login ?? 'that agent'} is not an active personal shopper (admin agent add … --personal-shopper).`);
      return REFUSED;
    case 'shopper_full':
      out(`error: that personal shopper already serves ${MAX_VIPS_PER_SHOPPER} VIPs.`);
      return REFUSED;
    case 'no_shopper_available':
      out('error: no active personal shopper speaks the member\'s language (with that speciality) and has room.');
      return REFUSED;
    case 'not_found':
      out(`error: no member ${member}`);
      return REFUSED;
  }
}

// ---------------------------------------------------------------- staff

async function staffInvite(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const { name, role, stores, hours } = args.values;
  if (!name?.trim() || !role || args.positionals.length > 0) return usage(out, 'staff invite needs --name and --role');
  let ttlHours: number | undefined;
  if (hours !== undefined) {
    if (!/^\d{1,3}$/.test(hours) || Number(hours) < 1 || Number(hours) > MAX_INVITE_HOURS) return usage(out, `--hours must be a whole number from 1 to ${MAX_INVITE_HOURS}`);
    ttlHours = Number(hours);
  }
  const codes = list(stores);
  const found = await storesByCodes(deps, { brandId: deps.brandId, codes });
  if (found.unknown.length > 0) {
    out(`error: no store ${found.unknown.join(', ')} in brand ${deps.brandId}`);
    return REFUSED;
  }
  const result = await createInvite(deps, { brandId: deps.brandId, name, role, storeIds: found.stores.map((s) => s.id), createdBy: by(args), ...(ttlHours !== undefined ? { ttlHours } : {}) });
  switch (result.status) {
    case 'created':
      out(`Invite for ${name.trim()} as ${role}${codes.length ? ` (stores ${found.stores.map((s) => s.code).join(', ')})` : ''}, valid until ${result.expiresAt.toISOString()}.`);
      out('They send the bot this, in the team chat or privately; it works once and is not stored, so it cannot be shown again:');
      out('');
      out(`  /join ${result.code}`);
      out('');
      return OK;
    case 'unknown_role':
      return usage(out, `--role must be one of ${ROLES.join(', ')}`);
    case 'stores_required':
      out(`error: a ${role.replace('_', ' ')} sees only their stores: give them with --stores CODE,CODE`);
      return REFUSED;
    case 'bad_name':
      return usage(out, '--name must be 1 to 100 characters');
    case 'bad_hours':
      return usage(out, `--hours must be a whole number from 1 to ${result.max}`);
  }
}

async function staffList(deps: CoreDeps & { brandId: string }, out: (line: string) => void): Promise<number> {
  const staff = await listStaff(deps, { brandId: deps.brandId });
  if (staff.length === 0) {
    out('no staff yet: admin staff invite --name N --role R');
    return OK;
  }
  const storeCodes = new Map((await storesByIds(deps, { brandId: deps.brandId, storeIds: [...new Set(staff.flatMap((s) => s.storeIds))] })).map((s) => [s.id, s.code]));
  const agentLogins = new Map((await listAgents(deps, { brandId: deps.brandId })).map((a) => [a.id, a.login]));
  out(['id', 'name', 'role', 'stores', 'language', 'identities', 'console agent', 'status'].join('\t'));
  for (const s of staff) {
    out(
      [
        s.id,
        s.name,
        s.role,
        s.storeIds.map((id) => storeCodes.get(id) ?? id).join(',') || '(all)',
        s.language,
        s.identities.map((i) => `${i.channel}:${i.externalId}`).join(',') || '—',
        s.agentId ? (agentLogins.get(s.agentId) ?? s.agentId) : '—',
        s.revokedAt ? `revoked ${s.revokedAt.toISOString()}` : 'active',
      ].join('\t'),
    );
  }
  return OK;
}

async function staffRevoke(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const { id, name } = args.values;
  if ((id === undefined) === (name === undefined) || args.positionals.length > 0) return usage(out, 'staff revoke needs exactly one of --id ID or --name N');
  let staffId = id;
  if (name !== undefined) {
    const matches = (await listStaff(deps, { brandId: deps.brandId, activeOnly: true })).filter((s) => s.name.toLowerCase() === name.trim().toLowerCase());
    if (matches.length !== 1) {
      out(matches.length === 0 ? `error: no active staff member named ${name}` : `error: ${matches.length} active staff members are named ${name}; use --id (see admin staff list)`);
      return REFUSED;
    }
    staffId = matches[0]!.id;
  }
  const result = await revokeStaff(deps, { brandId: deps.brandId, staffId: staffId!, by: by(args) });
  switch (result.status) {
    case 'revoked':
      out(`${result.staff.name} (${result.staff.role}) is no longer staff: every command of theirs is ignored from now on; campaigns they created or approved pause until an admin resumes them.`);
      return OK;
    case 'already_revoked':
      out(`staff member ${staffId} was already revoked.`);
      return OK;
    case 'not_found':
      out(`error: no staff member ${staffId} (see admin staff list)`);
      return REFUSED;
  }
}

async function staffLinkAgent(deps: CoreDeps & { brandId: string }, args: Args, out: (line: string) => void): Promise<number> {
  const { staff, agent } = args.values;
  if (!staff || !agent || args.positionals.length > 0) return usage(out, 'staff link-agent needs --staff ID and --agent LOGIN');
  const account = await findAgent(deps, { brandId: deps.brandId, login: agent });
  if (!account) {
    out(`error: no agent with login ${agent} (see admin agent list)`);
    return REFUSED;
  }
  const result = await linkAgent(deps, { brandId: deps.brandId, staffId: staff, agentId: account.id, by: by(args) });
  switch (result.status) {
    case 'linked':
      out(`the console's command box of ${account.login} now acts as ${result.staff.name} (${result.staff.role}).`);
      return OK;
    case 'agent_taken':
      out(`error: agent ${account.login} already acts as staff member ${result.staffId}`);
      return REFUSED;
    case 'not_found':
      out(`error: no active staff member ${staff} (see admin staff list)`);
      return REFUSED;
  }
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One line from stdin: typed without echo at a terminal, or the first line of a pipe. */
async function readSecretFromStdin(prompt: string): Promise<string | null> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    process.stderr.write(prompt);
    return new Promise((resolve) => {
      let value = '';
      stdin.setRawMode(true);
      stdin.resume();
      stdin.setEncoding('utf8');
      const done = (result: string | null) => {
        stdin.setRawMode(false);
        stdin.pause();
        stdin.off('data', onData);
        process.stderr.write('\n');
        resolve(result);
      };
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') return done(value);
          if (ch === '\u0003' || ch === '\u0004') return done(null); // Ctrl-C, Ctrl-D
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  }
  let data = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) {
    data += String(chunk);
    if (data.includes('\n') || data.length > 4096) break;
  }
  const line = data.split(/\r?\n/)[0] ?? '';
  return line === '' ? null : line;
}
