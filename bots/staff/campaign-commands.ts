// /campaign …: build a campaign (variants per language, audience, channel, schedule, holdout, WhatsApp template),
// test it on yourself, ask for approval (announced in the team chat), approve someone else's, send, pause, resume,
// cancel and read its results, over core/campaigns. A campaign made beyond the person's stores is "not found".
import {
  approveCampaign,
  CAMPAIGN_CHANNELS,
  campaignStats,
  cancelCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  pauseCampaign,
  requestApproval,
  resumeCampaign,
  setAudience,
  setChannel,
  setHoldout,
  setSchedule,
  setVariant,
  setWhatsappTemplate,
  startCampaign,
  TEMPLATE_VARIABLES,
  testSend,
  type CampaignStats,
  type CampaignView,
  type ControlOutcome,
  type EditOutcome,
} from '../../core/campaigns/index.js';
import { LANGUAGES, type ChannelName } from '../../core/conversation/index.js';
import { segmentVisibleTo } from '../../core/segments/index.js';
import { wallToInstant } from '../../core/shared/index.js';
import type { StaffAction } from '../../core/staff/index.js';
import { splitFirst } from './args.js';
import { done, refuse, say, type CommandContext, type CommandResult } from './context.js';
import type { CampaignShowText, CampaignStatsText, CampaignTexts } from './i18n/index.js';

type Sub = 'new' | 'variant' | 'audience' | 'channel' | 'schedule' | 'holdout' | 'template' | 'show' | 'list' | 'test' | 'submit' | 'approve' | 'send' | 'pause' | 'resume' | 'cancel' | 'stats';

/** The permission each subcommand needs. */
const NEEDS: Record<Sub, StaffAction> = {
  new: 'campaign.create',
  variant: 'campaign.create',
  audience: 'campaign.create',
  channel: 'campaign.create',
  schedule: 'campaign.create',
  holdout: 'campaign.create',
  template: 'campaign.create',
  test: 'campaign.create',
  submit: 'campaign.create',
  show: 'campaign.view',
  list: 'campaign.view',
  stats: 'campaign.stats',
  approve: 'campaign.approve',
  send: 'campaign.send',
  pause: 'campaign.send',
  resume: 'campaign.send',
  cancel: 'campaign.send',
};

function isSub(s: string): s is Sub {
  return Object.hasOwn(NEEDS, s);
}

/** `/campaign <subcommand> …`. */
export async function campaignCommand(ctx: CommandContext, args: string): Promise<CommandResult> {
  const [word, rest] = splitFirst(args);
  const sub = word.toLowerCase();
  const c = ctx.t.campaign;
  if (!isSub(sub)) return (await refuse(ctx, 'campaign.view', 'campaign')) ?? done(say(ctx, c.usage), 'campaign', 'invalid');
  const action = `campaign.${sub}`;
  const denied = await refuse(ctx, NEEDS[sub], 'campaign');
  if (denied) return denied;
  if (sub === 'list') return list(ctx);
  if (sub === 'new') return create(ctx, rest);

  // Every other subcommand names a campaign first.
  const [idText, tail] = splitFirst(rest);
  const id = /^#?\d{1,9}$/.test(idText) ? Number(idText.replace('#', '')) : null;
  if (id === null) return done(say(ctx, c.subUsage[subUsageKey(sub)]), action, 'invalid');
  const campaign = await getCampaign(ctx.deps, { brandId: ctx.deps.brandId, campaignId: id });
  if (!campaign || campaign.kind !== 'campaign' || !segmentVisibleTo(campaign.storeIds, ctx.staff.storeIds)) return done(say(ctx, c.notFound(idText)), action, 'not_found');
  const target = `campaign:${id}`;
  const base = { brandId: ctx.deps.brandId, campaignId: id };
  const staffId = ctx.staff.id;

  switch (sub) {
    case 'variant': {
      const [key, afterKey] = splitFirst(tail);
      const [language, text] = splitFirst(afterKey);
      if (!key || !language || !text) return done(say(ctx, c.subUsage.variant), action, 'invalid', { target });
      const outcome = await setVariant(ctx.deps, { ...base, key, language: language.toLowerCase(), text });
      switch (outcome.status) {
        case 'bad_key':
          return done(say(ctx, c.badKey), action, 'invalid', { target });
        case 'bad_language':
          return done(say(ctx, c.badLanguage(outcome.language)), action, 'invalid', { target });
        case 'empty_text':
          return done(say(ctx, c.emptyText), action, 'invalid', { target });
        case 'text_too_long':
          return done(say(ctx, c.textTooLong(outcome.max)), action, 'invalid', { target });
        case 'unknown_variable':
          return done(say(ctx, c.unknownVariable(outcome.variable, TEMPLATE_VARIABLES.map((v) => `{${v}}`).join(' '))), action, 'invalid', { target });
        case 'bad_weight':
          return done(say(ctx, c.badWeight), action, 'invalid', { target });
        default:
          return edited(ctx, outcome, action, target, c.what.variant(key.toUpperCase(), language.toLowerCase()));
      }
    }
    case 'audience': {
      if (!tail) return done(say(ctx, c.subUsage.audience), action, 'invalid', { target });
      const outcome = await setAudience(ctx.deps, { ...base, segmentName: tail });
      switch (outcome.status) {
        case 'unknown_segment':
        case 'out_of_scope':
          return done(say(ctx, c.unknownSegment(tail)), action, 'invalid', { target });
        case 'bad_expression':
          return done(say(ctx, c.badExpression(outcome.message)), action, 'invalid', { target });
        default:
          return edited(ctx, outcome, action, target, c.what.audience(tail));
      }
    }
    case 'channel': {
      if (!tail) return done(say(ctx, c.subUsage.channel), action, 'invalid', { target });
      const outcome = await setChannel(ctx.deps, { ...base, channel: tail.toLowerCase() });
      if (outcome.status === 'bad_channel') return done(say(ctx, c.badChannel(tail, CAMPAIGN_CHANNELS.join(', '))), action, 'invalid', { target });
      return edited(ctx, outcome, action, target, c.what.channel(tail.toLowerCase()));
    }
    case 'schedule': {
      const at = parseWhen(tail, ctx.fmt.timeZone);
      if (at === undefined) return done(say(ctx, tail ? c.badTime : c.subUsage.schedule), action, 'invalid', { target });
      const outcome = await setSchedule(ctx.deps, { ...base, at });
      if (outcome.status === 'in_the_past') return done(say(ctx, c.inThePast), action, 'invalid', { target });
      return edited(ctx, outcome, action, target, c.what.schedule(at ? ctx.fmt.dateTime(at) : null));
    }
    case 'holdout': {
      const percent = /^\d{1,3}%?$/.test(tail) ? Number(tail.replace('%', '')) : null;
      if (percent === null) return done(say(ctx, tail ? c.badPercent : c.subUsage.holdout), action, 'invalid', { target });
      const outcome = await setHoldout(ctx.deps, { ...base, percent });
      if (outcome.status === 'bad_percent') return done(say(ctx, c.badPercent), action, 'invalid', { target });
      return edited(ctx, outcome, action, target, c.what.holdout(percent));
    }
    case 'template': {
      if (!tail) return done(say(ctx, c.subUsage.template), action, 'invalid', { target });
      const outcome = await setWhatsappTemplate(ctx.deps, { ...base, template: tail.toLowerCase() === 'none' ? null : tail });
      if (outcome.status === 'bad_template') return done(say(ctx, c.badTemplate), action, 'invalid', { target });
      return edited(ctx, outcome, action, target, c.what.template(tail));
    }
    case 'show':
      return done(say(ctx, c.show(showText(ctx, campaign))), action, 'ok', { target });
    case 'test':
      return test(ctx, campaign, action, target);
    case 'submit': {
      const outcome = await requestApproval(ctx.deps, { ...base, staffId });
      switch (outcome.status) {
        case 'requested': {
          const eligible = ctx.fmt.num(outcome.eligible);
          // Posted to every team chat, so an approver who is not in this one hears of it too.
          await ctx.deps.teamChat?.post(c.approvalRequest(id, campaign.name, ctx.staff.name, eligible));
          return done(say(ctx, c.requested(id, ctx.fmt.num(outcome.audience), eligible)), action, 'ok', { target, details: { audience: outcome.audience, eligible: outcome.eligible } });
        }
        case 'incomplete':
          return done(say(ctx, c.incomplete(outcome.missing.join(', '))), action, 'incomplete', { target, details: { missing: outcome.missing } });
        case 'no_eligible_recipients':
          return done(say(ctx, c.noEligible(ctx.fmt.num(outcome.audience))), action, 'no_eligible_recipients', { target });
        case 'bad_expression':
          return done(say(ctx, c.badExpression(outcome.message)), action, 'invalid', { target });
        case 'not_found':
          return done(say(ctx, c.notFound(idText)), action, 'not_found', { target });
        case 'wrong_status':
          return wrong(ctx, id, outcome.current, action, target);
      }
      break;
    }
    case 'approve': {
      const outcome = await approveCampaign(ctx.deps, { ...base, approverId: staffId, approverRole: ctx.staff.role });
      switch (outcome.status) {
        case 'approved':
          return done(say(ctx, c.approved(id)), action, 'ok', { target });
        case 'self_approval':
          return done(say(ctx, c.selfApproval), action, 'self_approval', { target });
        case 'not_found':
          return done(say(ctx, c.notFound(idText)), action, 'not_found', { target });
        case 'wrong_status':
          return wrong(ctx, id, outcome.current, action, target);
      }
      break;
    }
    case 'send': {
      const outcome = await startCampaign(ctx.deps, { ...base, staffId });
      switch (outcome.status) {
        case 'started':
          return done(say(ctx, c.started(id)), action, 'ok', { target });
        case 'scheduled':
          return done(say(ctx, c.scheduled(id, ctx.fmt.dateTime(outcome.at))), action, 'scheduled', { target });
        case 'not_found':
          return done(say(ctx, c.notFound(idText)), action, 'not_found', { target });
        case 'wrong_status':
          return wrong(ctx, id, outcome.current, action, target);
      }
      break;
    }
    case 'pause':
      return control(ctx, await pauseCampaign(ctx.deps, { ...base, staffId }), id, idText, action, target);
    case 'resume':
      return control(ctx, await resumeCampaign(ctx.deps, { ...base, staffId }), id, idText, action, target);
    case 'cancel':
      return control(ctx, await cancelCampaign(ctx.deps, { ...base, staffId }), id, idText, action, target);
    case 'stats': {
      const stats = await campaignStats(ctx.deps, base);
      if (!stats) return done(say(ctx, c.notFound(idText)), action, 'not_found', { target });
      return done(say(ctx, c.stats(statsText(ctx, id, stats))), action, 'ok', { target });
    }
  }
  return done(say(ctx, c.usage), action, 'invalid', { target });
}

function subUsageKey(sub: Sub): keyof CampaignTexts['subUsage'] {
  switch (sub) {
    case 'variant':
    case 'audience':
    case 'channel':
    case 'schedule':
    case 'holdout':
    case 'template':
    case 'new':
      return sub;
    default:
      return 'id';
  }
}

async function create(ctx: CommandContext, name: string): Promise<CommandResult> {
  const c = ctx.t.campaign;
  if (!name) return done(say(ctx, c.subUsage.new), 'campaign.new', 'invalid');
  const { msg } = ctx;
  const outcome = await createCampaign(ctx.deps, {
    brandId: ctx.deps.brandId,
    name,
    createdBy: ctx.staff.id,
    storeIds: ctx.staff.storeIds,
    // Progress reports come back to the team chat the campaign was made in (the console has no chat to report to).
    ...(msg.channel !== 'console' ? { reportTo: { channel: msg.channel, workspaceId: msg.workspaceId } } : {}),
  });
  switch (outcome.status) {
    case 'created':
      return done(say(ctx, c.created(outcome.campaign.id, outcome.campaign.name)), 'campaign.new', 'ok', { target: `campaign:${outcome.campaign.id}` });
    case 'bad_name':
      return done(say(ctx, c.badName(outcome.message)), 'campaign.new', 'invalid');
  }
}

async function list(ctx: CommandContext): Promise<CommandResult> {
  const c = ctx.t.campaign;
  const rows = (await listCampaigns(ctx.deps, { brandId: ctx.deps.brandId, storeIds: ctx.staff.storeIds })).filter((r) => r.kind === 'campaign');
  if (rows.length === 0) return done(say(ctx, c.listEmpty), 'campaign.list', 'ok');
  const lines = rows.slice(0, 30).map((r) => `#${r.id} ${r.name} · ${c.status[r.status]}${r.segmentName ? ` · ${r.segmentName}` : ''}`);
  return done(say(ctx, c.list(lines)), 'campaign.list', 'ok', { details: { count: rows.length } });
}

/** The reply to an edit of a draft. */
function edited(ctx: CommandContext, outcome: EditOutcome, action: string, target: string, what: string): CommandResult {
  const c = ctx.t.campaign;
  switch (outcome.status) {
    case 'updated':
      return done(say(ctx, c.updated(outcome.campaign.id, what)), action, 'ok', { target });
    case 'not_found':
      return done(say(ctx, c.notFound(target.slice('campaign:'.length))), action, 'not_found', { target });
    case 'wrong_status':
      return wrong(ctx, Number(target.slice('campaign:'.length)), outcome.current, action, target);
  }
}

function wrong(ctx: CommandContext, id: number, current: CampaignView['status'], action: string, target: string): CommandResult {
  return done(say(ctx, ctx.t.campaign.wrongStatus(id, ctx.t.campaign.status[current])), action, 'wrong_status', { target, details: { current } });
}

function control(ctx: CommandContext, outcome: ControlOutcome, id: number, idText: string, action: string, target: string): CommandResult {
  const c = ctx.t.campaign;
  switch (outcome.status) {
    case 'paused':
      return done(say(ctx, c.paused(id)), action, 'ok', { target });
    case 'resumed':
      return done(say(ctx, c.resumed(id)), action, 'ok', { target });
    case 'cancelled':
      return done(say(ctx, c.cancelled(id)), action, 'ok', { target });
    case 'admin_required':
      return done(say(ctx, c.adminRequired), action, 'admin_required', { target });
    case 'not_found':
      return done(say(ctx, c.notFound(idText)), action, 'not_found', { target });
    case 'wrong_status':
      return wrong(ctx, id, outcome.current, action, target);
  }
}

async function test(ctx: CommandContext, campaign: CampaignView, action: string, target: string): Promise<CommandResult> {
  const c = ctx.t.campaign;
  const pusher = ctx.deps.pusher;
  // The test goes to the person's own private chat on this platform: their sender id is that chat's id.
  if (!pusher || ctx.msg.channel === 'console') return done(say(ctx, c.noPusher), action, 'unavailable', { target });
  const channel: ChannelName = ctx.msg.channel;
  const outcome = await testSend({ ...ctx.deps, pusher }, { brandId: ctx.deps.brandId, campaignId: campaign.id, channel, chatId: ctx.msg.senderId, language: ctx.staff.language });
  switch (outcome.status) {
    case 'sent': {
      const lines = outcome.results.map((r) => c.testResult(r.variant, r.language, r.result, r.code));
      const ok = outcome.results.every((r) => r.result === 'sent');
      return done(say(ctx, c.testSent(lines)), action, ok ? 'ok' : 'failed', { target, details: { sends: outcome.results.length } });
    }
    case 'no_variants':
      return done(say(ctx, c.noVariants), action, 'invalid', { target });
    case 'not_found':
      return done(say(ctx, c.notFound(String(campaign.id))), action, 'not_found', { target });
  }
}

/**
 * `now` (null: as soon as it is sent), an ISO time with a zone (2026-12-01T09:00+04:00), or a local time on the brand's
 * clock (2026-12-01 09:00); undefined when it is none of these.
 */
export function parseWhen(text: string, timeZone: string): Date | null | undefined {
  const t = text.trim();
  if (/^now$/i.test(t)) return null;
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(t);
  if (local) {
    const [y, mo, d, h, mi] = [Number(local[1]), Number(local[2]), Number(local[3]), Number(local[4] ?? 9), Number(local[5] ?? 0)];
    const wall = Date.UTC(y, mo - 1, d, h, mi);
    const check = new Date(wall);
    if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return undefined;
    return new Date(wallToInstant(wall, timeZone));
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  return undefined;
}

function showText(ctx: CommandContext, v: CampaignView): CampaignShowText {
  const c = ctx.t.campaign;
  return {
    id: v.id,
    name: v.name,
    status: c.status[v.status],
    audience: v.segmentName,
    channel: v.channel,
    schedule: v.scheduledAt ? ctx.fmt.dateTime(v.scheduledAt) : null,
    holdout: `${v.holdoutPercent}%`,
    template: v.whatsappTemplate,
    variants: v.variants.map((x) => ({
      key: x.key,
      weight: x.weight,
      texts: LANGUAGES.filter((l) => x.content[l]).map((l) => ({ language: l, text: x.content[l]!.length > 120 ? `${x.content[l]!.slice(0, 117)}…` : x.content[l]! })),
    })),
    pausedBecause: v.pausedReason === 'access_revoked' ? (v.revokedName ?? '?') : null,
  };
}

function statsText(ctx: CommandContext, id: number, s: CampaignStats): CampaignStatsText {
  const { fmt } = ctx;
  const money = (minor: number) => fmt.money(minor, ctx.currency);
  const p = (sig: { pValue: number } | null) => (sig ? sig.pValue.toFixed(3) : null);
  return {
    id,
    status: ctx.t.campaign.status[s.status],
    total: fmt.num(s.total),
    variants: s.byVariant.map((v) => ({
      key: v.key,
      recipients: fmt.num(v.recipients),
      sent: fmt.num(v.sent),
      delivered: fmt.num(v.delivered),
      read: fmt.num(v.read),
      clicked: fmt.num(v.clicked),
      converted: fmt.num(v.converted),
      conversion: fmt.percent(v.conversionRate),
      revenue: money(v.revenueMinor),
      incremental: v.incrementalRevenueMinor === null ? null : money(v.incrementalRevenueMinor),
      pValue: p(v.significance),
    })),
    skipped: Object.entries(s.skipped).map(([reason, count]) => ({ reason, count: fmt.num(count) })),
    held: fmt.num(s.held),
    failed: fmt.num(s.failed),
    pending: fmt.num(s.pending),
    incremental: s.incrementalRevenueMinor === null ? null : money(s.incrementalRevenueMinor),
    pValue: p(s.significance),
  };
}
