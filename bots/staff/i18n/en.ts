import type { Catalog, ConfirmSummary } from './catalog.js';

const confirmLine = (s: ConfirmSummary): string => {
  switch (s.kind) {
    case 'add':
      return `Add ${s.points} points to ${s.customer} (member ${s.memberCode}): balance ${s.before} → ${s.after}.\nReason: ${s.reason}`;
    case 'deduct':
      return `Deduct ${s.points} points from ${s.customer} (member ${s.memberCode}): balance ${s.before} → ${s.after}.\nReason: ${s.reason}`;
    case 'tier':
      return `Set the tier of ${s.customer} (member ${s.memberCode}) to ${s.to} (now ${s.from}); reviews will not go below it.`;
  }
};

/** English. */
export const en: Catalog = {
  roleName: {
    admin: 'CRM administrator',
    marketing_manager: 'marketing manager',
    store_manager: 'store manager',
    customer_service: 'customer service',
    data_analyst: 'data analyst',
    franchise_owner: 'franchise owner',
  },
  pong: 'pong — this team workspace is connected to the bot.',
  joinUsage: 'Send /join followed by your invite code, e.g. /join K7Q2M-X9ABD.',
  codeNotValid: 'That code is not valid. Ask your CRM administrator for a new one.',
  welcome: (name, role, stores) => `Welcome to the team, ${name}. Your role: ${role}.${stores ? `\nYour stores: ${stores}.` : ''}\nType /help in the team chat to see your commands.`,
  alreadyStaff: (name, role) => `You are already on the team, ${name} (${role}).`,
  helpTitle: (name, role) => `${name} · ${role}. Your commands:`,
  help: {
    customer: '/customer <phone | member code | name> — a customer\'s card',
    points: '/points add|deduct <customer> <n> <reason> — adjust points (asks to confirm)',
    tier: '/tier set <customer> <tier> [reason] — set a tier (asks to confirm)',
    segment_view: '/segment list · /segment show NAME — count, sample, tiers and stores',
    segment_new: '/segment new NAME <expression> — save a segment',
    segment_export: '/segment export NAME — the members as a CSV file',
    campaign_view: '/campaign list · /campaign show ID · /campaign stats ID',
    campaign_build:
      '/campaign new NAME · variant ID A en|ar|zh TEXT · audience ID SEGMENT · channel ID preferred|telegram|line|whatsapp|wechat|webchat · schedule ID <ISO time|now> · holdout ID PERCENT · template ID NAME · test ID · submit ID',
    campaign_approve: '/campaign approve ID — approve someone else\'s campaign',
    campaign_send: '/campaign send|pause|resume|cancel ID',
    stats: '/stats [today|7d|30d|month|2026-10|ytd] [store] — figures with a chart',
    confirm: '/confirm · /cancel — the change waiting for you',
    lang: '/lang en|ar|zh — the language I answer you in',
    ping: '/ping — check the workspace is connected',
  },
  agentHelpNote: 'Agents: /queue, /take, /done, /resolve, /note, /canned, /duty (see the handoff alerts).',
  unknownCommand: (c) => `I do not know /${c}. /help lists your commands.`,
  deniedRole: (c, role) => `A ${role} cannot use /${c}.`,
  deniedNoStores: 'No stores are assigned to you yet, so there is nothing to show. Ask your CRM administrator.',
  failed: 'Something went wrong on our side; nothing was changed. Try again in a moment.',
  langUsage: 'Usage: /lang en, /lang ar or /lang zh.',
  langSet: 'I will answer you in English.',
  customerUsage: 'Usage: /customer <phone | member code | name>, e.g. /customer 0501234567.',
  customerBadQuery: 'That is not a phone number, member code or name I can search for (at least 2 characters).',
  customerNotFound: 'No customer found.',
  customerMany: (lines, more) => `Several customers match:\n${lines.join('\n')}${more ? '\n…and more: be more precise.' : ''}\nUse /customer <member code> for one of them.`,
  customerCard: (c) =>
    [
      `👤 ${c.name}${c.memberCode ? ` · member ${c.memberCode}` : ' · not a member'}`,
      ...(c.tier ? [`Tier: ${c.tier} · Balance: ${c.balance} points${c.pending ? ` (+${c.pending} pending)` : ''}`] : []),
      ...(c.lifetimeSpend ? [`Lifetime spend: ${c.lifetimeSpend} · ${c.visits} purchases`] : []),
      c.purchases.length ? `Last visits:\n${c.purchases.map((p) => `  ${p.date} · ${p.store} · ${p.amount}`).join('\n')}` : 'Last visits: none',
      `Channels: ${c.channels.map((ch) => `${ch.channel} ${ch.reachable ? '✓' : '✗ unreachable'}`).join(', ') || 'none'}`,
      `Marketing consent: ${c.consents.map((x) => `${x.channel} ${x.granted ? 'yes' : 'no'}`).join(', ') || 'none recorded'}`,
      c.openTickets.length ? `Open tickets: ${c.openTickets.map((t) => `#${t.id} ${t.category} (${t.status})`).join(', ')}` : 'Open tickets: none',
    ].join('\n'),
  notMember: (name) => `${name} is not a loyalty member.`,
  pointsUsage: 'Usage: /points add|deduct <customer> <n> <reason>, e.g. /points add 1234567897 500 goodwill for the late delivery. A name with spaces goes in "quotes".',
  pointsBadNumber: 'The number of points must be a whole number from 1 to 1,000,000.',
  pointsReasonRequired: 'Say why: /points add|deduct <customer> <n> <reason>.',
  pointsInsufficient: (name, balance, points) => `${name} has ${balance} points: ${points} cannot be deducted.`,
  tierUsage: 'Usage: /tier set <customer> <tier> [reason], e.g. /tier set 1234567897 gold.',
  tierUnknown: (tier, known) => `There is no tier "${tier}". Tiers: ${known}.`,
  tierAlready: (name, tier) => `${name} already has ${tier} as their tier floor.`,
  confirmQuestion: (s) => `${confirmLine(s)}\nReply /confirm within 10 minutes to do it, or /cancel.`,
  confirmNothing: 'Nothing is waiting for your confirmation (requests expire after 10 minutes).',
  pointsDone: (code, points, balance, added) => `Done: ${points} points ${added ? 'added to' : 'deducted from'} member ${code}. New balance: ${balance}.`,
  tierDone: (code, floor, tier) => `Done: member ${code} has the tier floor ${floor} and is now ${tier}.`,
  cancelled: 'Cancelled; nothing was changed.',
  segment: {
    usage: 'Usage: /segment new NAME <expression> · /segment show NAME · /segment list · /segment export NAME',
    newUsage: 'Usage: /segment new NAME <expression>, e.g. /segment new lapsed-gold tier = gold and days_since_last_purchase > 60',
    saved: (name, created, count) => `Segment ${name} ${created ? 'saved' : 'updated'}: ${count} members now.`,
    invalid: (message, caret) => `That expression has a problem: ${message}\n${caret}`,
    badName: (message) => `That name cannot be used: ${message}.`,
    notFound: (name) => `There is no segment "${name}". /segment list shows yours.`,
    list: (lines) => `Segments:\n${lines.join('\n')}`,
    listEmpty: 'No segments yet. /segment new NAME <expression> saves one.',
    show: (x) =>
      [
        `Segment ${x.name}: ${x.count} members`,
        `Rule: ${x.expression}`,
        x.byTier.length ? `By tier: ${x.byTier.map((t) => `${t.tier} ${t.count}`).join(' · ')}` : '',
        x.byStore.length ? `By home store: ${x.byStore.map((b) => `${b.store ?? 'none yet'} ${b.count}`).join(' · ')}` : '',
        x.sample.length ? `Sample:\n${x.sample.map((m) => `  ${m.memberCode} ${m.name} · ${m.tier} · ${m.points} pts${m.lastPurchase ? ` · last ${m.lastPurchase}` : ''}${m.store ? ` · ${m.store}` : ''}`).join('\n')}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    exported: (name, rows) => `Segment ${name}: ${rows} members in the attached CSV file.`,
  },
  campaign: {
    usage:
      'Usage: /campaign new NAME · variant ID A en|ar|zh TEXT · audience ID SEGMENT · channel ID CHANNEL · schedule ID <time|now> · holdout ID PERCENT · template ID NAME · show ID · list · test ID · submit ID · approve ID · send ID · pause ID · resume ID · cancel ID · stats ID',
    status: { draft: 'draft', pending_approval: 'waiting for approval', approved: 'approved', scheduled: 'scheduled', sending: 'sending', paused: 'paused', completed: 'completed', cancelled: 'cancelled' },
    subUsage: {
      new: 'Usage: /campaign new NAME',
      variant: 'Usage: /campaign variant ID A en|ar|zh TEXT — variables: {first_name} {name} {points} {tier} {member_code}',
      audience: 'Usage: /campaign audience ID SEGMENT',
      channel: 'Usage: /campaign channel ID preferred|telegram|line|whatsapp|wechat|webchat',
      schedule: 'Usage: /campaign schedule ID 2026-12-01 09:00 (brand time), an ISO time with its zone, or now',
      holdout: 'Usage: /campaign holdout ID PERCENT (0–50)',
      template: 'Usage: /campaign template ID WHATSAPP_TEMPLATE_NAME (or none)',
      id: 'Give the campaign number, e.g. /campaign show 12.',
    },
    created: (id, name) => `Campaign #${id} "${name}" created as a draft. Next: /campaign variant ${id} A en …, /campaign audience ${id} SEGMENT.`,
    badName: (m) => `That name cannot be used: ${m}.`,
    notFound: (id) => `There is no campaign ${id}.`,
    wrongStatus: (id, status) => `Campaign #${id} is ${status}: that cannot be done now.`,
    updated: (id, what) => `Campaign #${id}: ${what}.`,
    what: {
      variant: (key, language) => `variant ${key} (${language}) saved`,
      audience: (segment) => `audience is segment ${segment}`,
      channel: (channel) => `channel is ${channel}`,
      schedule: (at) => (at ? `scheduled for ${at}` : 'goes out as soon as it is sent'),
      holdout: (percent) => `holdout ${percent}%`,
      template: (name) => `WhatsApp template ${name}`,
    },
    badKey: 'A variant is one letter, A to Z.',
    badLanguage: (l) => `"${l}" is not a language of the bot: use en, ar or zh.`,
    emptyText: 'The message text is empty.',
    textTooLong: (max) => `The message is longer than ${max} characters.`,
    unknownVariable: (v, known) => `Unknown variable {${v}}. Known: ${known}.`,
    badWeight: 'The weight is a whole number from 1 to 100.',
    unknownSegment: (name) => `There is no segment "${name}". /segment list shows yours.`,
    badExpression: (m) => `The segment's expression has a problem: ${m}.`,
    badChannel: (ch, known) => `"${ch}" is not a campaign channel. Channels: ${known}.`,
    badTime: 'I cannot read that time. Write 2026-12-01 09:00 (brand time), an ISO time with its zone, or now.',
    inThePast: 'That time is in the past.',
    badPercent: 'The holdout is a whole percentage from 0 to 50.',
    badTemplate: 'That is not a valid WhatsApp template name (lowercase letters, digits and _).',
    show: (c) =>
      [
        `Campaign #${c.id} "${c.name}" · ${c.status}`,
        `Audience: ${c.audience ?? 'not set'} · Channel: ${c.channel} · Holdout: ${c.holdout}`,
        `Schedule: ${c.schedule ?? 'when sent'}${c.template ? ` · WhatsApp template: ${c.template}` : ''}`,
        ...(c.pausedBecause ? [`Paused: the access of ${c.pausedBecause} was revoked; an admin may resume it.`] : []),
        ...(c.variants.length ? c.variants.flatMap((v) => [`Variant ${v.key} (weight ${v.weight}):`, ...v.texts.map((t) => `  ${t.language}: ${t.text}`)]) : ['No variants yet.']),
      ].join('\n'),
    list: (lines) => `Campaigns:\n${lines.join('\n')}`,
    listEmpty: 'No campaigns yet. /campaign new NAME starts one.',
    noPusher: 'Test sends go to your own private chat with the bot on Telegram or LINE; type the command there in the team chat.',
    noVariants: 'The campaign has no message yet: /campaign variant ID A en TEXT.',
    testSent: (lines) => `Test sent to your private chat:\n${lines.join('\n')}`,
    testResult: (variant, language, result, code) =>
      `  ${variant} (${language}): ${result === 'sent' ? 'sent' : result === 'window_closed' ? 'not sent — the platform allows no message now' : `failed (${code ?? 'unknown'}); start a private chat with the bot first`}`,
    requested: (id, audience, eligible) => `Campaign #${id} is waiting for approval: ${audience} members in the audience, ${eligible} can receive it now. An admin or marketing manager other than you approves it with /campaign approve ${id}.`,
    incomplete: (missing) => `Not ready for approval; missing: ${missing}.`,
    noEligible: (audience) => `Nobody can receive it: of ${audience} members in the audience, none has marketing consent on a reachable channel.`,
    approvalRequest: (id, name, by, eligible) => `📣 ${by} asks for approval of campaign #${id} "${name}" (${eligible} recipients). /campaign show ${id} · /campaign approve ${id}`,
    approved: (id) => `Campaign #${id} approved. /campaign send ${id} sends it.`,
    selfApproval: 'You created this campaign: someone else must approve it.',
    started: (id) => `Campaign #${id} is sending; progress will be reported here. /campaign stats ${id} for the figures.`,
    scheduled: (id, at) => `Campaign #${id} will go out at ${at}.`,
    paused: (id) => `Campaign #${id} paused. /campaign resume ${id} continues it.`,
    resumed: (id) => `Campaign #${id} resumed.`,
    cancelled: (id) => `Campaign #${id} cancelled; nothing more will be sent.`,
    adminRequired: 'Only a CRM administrator can resume a campaign paused because someone\'s access was revoked.',
    stats: (x) =>
      [
        `Campaign #${x.id} · ${x.status} · ${x.total} recipients`,
        ...x.variants.map(
          (v) =>
            `${v.key}: sent ${v.sent}/${v.recipients} · delivered ${v.delivered} · read ${v.read} · clicked ${v.clicked} · converted ${v.converted} (${v.conversion}) · revenue ${v.revenue}${v.incremental ? ` · incremental ${v.incremental}` : ''}${v.pValue ? ` · p=${v.pValue}` : ''}`,
        ),
        `Pending ${x.pending} · held (quiet hours) ${x.held} · failed ${x.failed}`,
        ...(x.skipped.length ? [`Skipped: ${x.skipped.map((k) => `${k.reason} ${k.count}`).join(', ')}`] : []),
        ...(x.incremental ? [`Incremental revenue vs holdout: ${x.incremental}${x.pValue ? ` (p=${x.pValue})` : ''}`] : []),
      ].join('\n'),
  },
  stats: {
    usage: 'Usage: /stats [today|7d|30d|month|2026-10|ytd] [store code or name]',
    badPeriod: (t) => `"${t}" is not a period: use today, 7d, 30d, month, ytd or a month such as 2026-10.`,
    unknownStore: (t) => `No store "${t}" among yours.`,
    periodName: (key, month) => ({ today: 'Today', '7d': 'Last 7 days', '30d': 'Last 30 days', month: 'This month', ytd: 'Year to date', month_of: month ?? '' })[key],
    report: (x) =>
      [
        `📊 ${x.period}${x.scope ? ` · ${x.scope}` : ''}`,
        `Members: ${x.members} · new ${x.newMembers} · active ${x.activeMembers}`,
        `Points issued ${x.pointsIssued} · redeemed ${x.pointsRedeemed} · redemption rate ${x.redemptionRate ?? '—'}`,
        `Outstanding points (liability): ${x.outstanding}`,
        `NPS: ${x.nps ?? '—'} (${x.npsResponses} answers)`,
        `Open tickets: ${x.openTickets} · SLA breaches: ${x.slaBreaches}`,
        `Sales: ${x.transactions} transactions · ${x.revenue}`,
      ].join('\n'),
  },
};
