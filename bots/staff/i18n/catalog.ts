// The staff bot's texts: one Catalog per language (en, ar, zh). Figures arrive already formatted (numbers, money,
// dates in the brand's time zone), so a catalog only words them.
import type { StaffRole } from '../../../core/staff/index.js';

/** The commands /help can list, each shown only to roles that may run it. */
export type HelpKey =
  | 'customer'
  | 'points'
  | 'tier'
  | 'segment_view'
  | 'segment_new'
  | 'segment_export'
  | 'campaign_view'
  | 'campaign_build'
  | 'campaign_approve'
  | 'campaign_send'
  | 'stats'
  | 'confirm'
  | 'lang'
  | 'ping';

/** A customer card's figures, formatted. */
export interface CardText {
  name: string;
  memberCode: string | null;
  tier: string | null;
  balance: string | null;
  pending: string | null;
  lifetimeSpend: string | null;
  visits: string | null;
  purchases: Array<{ date: string; store: string; amount: string }>;
  channels: Array<{ channel: string; reachable: boolean }>;
  consents: Array<{ channel: string; granted: boolean }>;
  openTickets: Array<{ id: number; category: string; status: string }>;
}

/** What a pending confirmation asks for. */
export type ConfirmSummary =
  | { kind: 'add' | 'deduct'; customer: string; memberCode: string; points: string; before: string; after: string; reason: string }
  | { kind: 'tier'; customer: string; memberCode: string; from: string; to: string };

/** Every text of the staff bot in one language. */
export interface Catalog {
  roleName: Record<StaffRole, string>;
  pong: string;
  // /join
  joinUsage: string;
  codeNotValid: string;
  welcome: (name: string, role: string, stores: string | null) => string;
  alreadyStaff: (name: string, role: string) => string;
  // /help
  helpTitle: (name: string, role: string) => string;
  help: Record<HelpKey, string>;
  agentHelpNote: string;
  unknownCommand: (command: string) => string;
  // refusals
  deniedRole: (command: string, role: string) => string;
  deniedNoStores: string;
  failed: string;
  // /lang
  langUsage: string;
  langSet: string;
  // /customer
  customerUsage: string;
  customerBadQuery: string;
  customerNotFound: string;
  customerMany: (lines: string[], more: boolean) => string;
  customerCard: (card: CardText) => string;
  notMember: (name: string) => string;
  // /points, /tier, /confirm, /cancel
  pointsUsage: string;
  pointsBadNumber: string;
  pointsReasonRequired: string;
  pointsInsufficient: (name: string, balance: string, points: string) => string;
  tierUsage: string;
  tierUnknown: (tier: string, known: string) => string;
  tierAlready: (name: string, tier: string) => string;
  confirmQuestion: (summary: ConfirmSummary) => string;
  confirmNothing: string;
  pointsDone: (memberCode: string, points: string, balance: string, added: boolean) => string;
  tierDone: (memberCode: string, floor: string, tier: string) => string;
  cancelled: string;
  segment: SegmentTexts;
  campaign: CampaignTexts;
  stats: StatsTexts;
}

/** A segment preview, formatted. */
export interface SegmentShowText {
  name: string;
  expression: string;
  count: string;
  sample: Array<{ memberCode: string; name: string; tier: string; points: string; lastPurchase: string | null; store: string | null }>;
  byTier: Array<{ tier: string; count: string }>;
  byStore: Array<{ store: string | null; count: string }>;
}

/** The segment command's texts. */
export interface SegmentTexts {
  usage: string;
  newUsage: string;
  saved: (name: string, created: boolean, count: string) => string;
  invalid: (message: string, caret: string) => string;
  badName: (message: string) => string;
  notFound: (name: string) => string;
  list: (lines: string[]) => string;
  listEmpty: string;
  show: (s: SegmentShowText) => string;
  exported: (name: string, rows: string) => string;
}

/** A campaign as `/campaign show` words it, formatted. */
export interface CampaignShowText {
  id: number;
  name: string;
  status: string;
  audience: string | null;
  channel: string;
  schedule: string | null;
  holdout: string;
  template: string | null;
  variants: Array<{ key: string; weight: number; texts: Array<{ language: string; text: string }> }>;
  pausedBecause: string | null;
}

/** `/campaign stats`, formatted. */
export interface CampaignStatsText {
  id: number;
  status: string;
  total: string;
  variants: Array<{ key: string; recipients: string; sent: string; delivered: string; read: string; clicked: string; converted: string; conversion: string; revenue: string; incremental: string | null; pValue: string | null }>;
  skipped: Array<{ reason: string; count: string }>;
  held: string;
  failed: string;
  pending: string;
  incremental: string | null;
  pValue: string | null;
}

/** The campaign command's texts. */
export interface CampaignTexts {
  usage: string;
  status: Record<'draft' | 'pending_approval' | 'approved' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled', string>;
  subUsage: Record<'new' | 'variant' | 'audience' | 'channel' | 'schedule' | 'holdout' | 'template' | 'id', string>;
  created: (id: number, name: string) => string;
  badName: (message: string) => string;
  notFound: (id: string) => string;
  wrongStatus: (id: number, status: string) => string;
  updated: (id: number, what: string) => string;
  what: {
    variant: (key: string, language: string) => string;
    audience: (segment: string) => string;
    channel: (channel: string) => string;
    schedule: (at: string | null) => string;
    holdout: (percent: number) => string;
    template: (name: string) => string;
  };
  badKey: string;
  badLanguage: (language: string) => string;
  emptyText: string;
  textTooLong: (max: number) => string;
  unknownVariable: (variable: string, known: string) => string;
  badWeight: string;
  unknownSegment: (name: string) => string;
  badExpression: (message: string) => string;
  badChannel: (channel: string, known: string) => string;
  badTime: string;
  inThePast: string;
  badPercent: string;
  badTemplate: string;
  show: (c: CampaignShowText) => string;
  list: (lines: string[]) => string;
  listEmpty: string;
  noPusher: string;
  noVariants: string;
  testSent: (lines: string[]) => string;
  testResult: (variant: string, language: string, result: 'sent' | 'window_closed' | 'failed', code: string | undefined) => string;
  requested: (id: number, audience: string, eligible: string) => string;
  incomplete: (missing: string) => string;
  noEligible: (audience: string) => string;
  approvalRequest: (id: number, name: string, by: string, eligible: string) => string;
  approved: (id: number) => string;
  selfApproval: string;
  started: (id: number) => string;
  scheduled: (id: number, at: string) => string;
  paused: (id: number) => string;
  resumed: (id: number) => string;
  cancelled: (id: number) => string;
  adminRequired: string;
  stats: (s: CampaignStatsText) => string;
}

/** `/stats`, formatted. */
export interface StatsText {
  period: string;
  scope: string | null;
  members: string;
  newMembers: string;
  activeMembers: string;
  pointsIssued: string;
  pointsRedeemed: string;
  outstanding: string;
  redemptionRate: string | null;
  nps: string | null;
  npsResponses: string;
  openTickets: string;
  slaBreaches: string;
  transactions: string;
  revenue: string;
}

/** The stats command's texts. */
export interface StatsTexts {
  usage: string;
  badPeriod: (text: string) => string;
  unknownStore: (text: string) => string;
  periodName: (key: 'today' | '7d' | '30d' | 'month' | 'ytd' | 'month_of', month?: string) => string;
  report: (s: StatsText) => string;
}
