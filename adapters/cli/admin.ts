// Admin commands run from a shell on the server (`npm run admin -- …` once main.ts routes `admin` here). Secrets they
// create (API keys, gift card codes) are printed once and never again: they are stored only as hashes.
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../core/api-keys/index.js';
import { audit } from '../../core/audit/index.js';
import { customerProfile, findCustomer, reverseMerge } from '../../core/customers/index.js';
import { issueGiftCard } from '../../core/gift-cards/index.js';
import { AppError, type CoreDeps } from '../../core/shared/index.js';

const USAGE = [
  'usage:',
  '  admin api-key create --store CODE --name NAME [--by WHO]    a key for one store',
  '  admin api-key create --all-stores --name NAME [--by WHO]    a brand-wide key (must name the store per request)',
  '  admin api-key list',
  '  admin api-key revoke ID [--by WHO]',
  '  admin gift-card issue --amount MINOR --currency XXX [--expires YYYY-MM-DD] [--by WHO]',
  '  admin customer show (--member CODE | --phone +E164) [--by WHO]   the unified profile across channels',
  '  admin merge reverse ID --by WHO                                  undo a merge of two profiles',
];

/** Exit codes: 0 done, 1 refused (unknown store or key, bad value), 2 wrong usage. */
const OK = 0;
const REFUSED = 1;
const USAGE_ERROR = 2;

/** Runs one admin command against the brand; writes lines to `out` and returns the process exit code. */
export async function runAdminCommand(argv: string[], deps: CoreDeps & { brandId: string }, out: (line: string) => void): Promise<number> {
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
