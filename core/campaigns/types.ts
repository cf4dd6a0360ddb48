// The campaigns module's public shapes: the view staff see, the outcomes of each command (expected business results
// are returned, never thrown) and what the delivery engine is built from.
import type { SQL } from 'drizzle-orm';
import type { LocalizedText } from '../../db/schema.js';
import type { ChannelName, CustomerPusher, Language, TeamChat } from '../conversation/index.js';
import type { CoreDeps, JobQueue } from '../shared/index.js';

/** Where a campaign is in its life. */
export type CampaignStatus = 'draft' | 'pending_approval' | 'approved' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled';

/** The channel a campaign goes out on: each customer's preferred reachable one, or one channel for everybody. */
export type CampaignChannel = 'preferred' | 'telegram' | 'line' | 'whatsapp' | 'wechat' | 'webchat';

/** Every value `setChannel` accepts. */
export const CAMPAIGN_CHANNELS: readonly CampaignChannel[] = ['preferred', 'telegram', 'line', 'whatsapp', 'wechat', 'webchat'];

/** Where progress reports go: a team workspace; with `messageId`, as replies in that message's thread. */
export interface CampaignReportTo {
  channel: string;
  workspaceId: string;
  /** The team-chat message the reports reply to (e.g. the staff member's "/campaign send"), when known. */
  messageId?: string;
}

/** One message variant as staff see it. */
export interface VariantView {
  key: string;
  weight: number;
  /** Languages it has a text in, in menu order. */
  languages: Language[];
  content: LocalizedText;
}

/** A campaign as the staff layer shows it. */
export interface CampaignView {
  id: number;
  name: string;
  kind: 'campaign' | 'automation';
  status: CampaignStatus;
  segmentName: string | null;
  channel: CampaignChannel;
  variants: VariantView[];
  holdoutPercent: number;
  attributionDays: number;
  scheduledAt: Date | null;
  createdBy: string;
  approvedBy: string | null;
  approvalRequestedAt: Date | null;
  approvedAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  whatsappTemplate: string | null;
  storeIds: string[];
  reportTo: CampaignReportTo | null;
  /** Why the campaign is paused, when it is: 'staff' (someone paused it) or 'access_revoked' (of `revokedName`). */
  pausedReason: 'staff' | 'access_revoked' | null;
  revokedName: string | null;
}

/** Not found in this brand (or not visible): the same answer either way. */
export type NotFound = { status: 'not_found' };
/** The command does not fit the campaign's status now (e.g. editing after approval was requested). */
export type WrongStatus = { status: 'wrong_status'; current: CampaignStatus };

/** What `createCampaign` did. */
export type CreateCampaignOutcome = { status: 'created'; campaign: CampaignView } | { status: 'bad_name'; message: string };

/** What an edit of a draft did. */
export type EditOutcome<Extra = never> = { status: 'updated'; campaign: CampaignView } | NotFound | WrongStatus | Extra;

/** What `setVariant` did besides the common outcomes. */
export type VariantProblem =
  | { status: 'bad_key'; message: string }
  | { status: 'bad_language'; language: string }
  | { status: 'empty_text' }
  | { status: 'text_too_long'; max: number }
  | { status: 'unknown_variable'; variable: string }
  | { status: 'bad_weight'; message: string };

/** What `setAudience` did besides the common outcomes. */
export type AudienceProblem = { status: 'unknown_segment'; segmentName: string } | { status: 'out_of_scope'; segmentName: string } | { status: 'bad_expression'; message: string; position: number };

/** What `requestApproval` did. */
export type RequestApprovalOutcome =
  | { status: 'requested'; campaign: CampaignView; audience: number; eligible: number }
  | { status: 'incomplete'; missing: string[] }
  | { status: 'no_eligible_recipients'; audience: number }
  | { status: 'bad_expression'; message: string; position: number }
  | NotFound
  | WrongStatus;

/** What `approveCampaign` did. */
export type ApproveOutcome = { status: 'approved'; campaign: CampaignView } | { status: 'self_approval' } | NotFound | WrongStatus;

/** What `startCampaign` did. */
export type StartOutcome = { status: 'started'; campaign: CampaignView } | { status: 'scheduled'; campaign: CampaignView; at: Date } | NotFound | WrongStatus;

/** What pause, resume and cancel did. */
export type ControlOutcome = { status: 'paused' | 'resumed' | 'cancelled'; campaign: CampaignView } | { status: 'admin_required' } | NotFound | WrongStatus;

/** What `testSend` did: one result per variant and language rendered. */
export type TestSendOutcome =
  | { status: 'sent'; results: Array<{ variant: string; language: Language; result: 'sent' | 'window_closed' | 'failed'; code?: string }> }
  | { status: 'no_variants' }
  | NotFound;

/** Per-variant figures (and the holdout's, under key 'holdout'). */
export interface VariantStats {
  key: string;
  recipients: number;
  sent: number;
  delivered: number;
  read: number;
  clicked: number;
  /** The group compared: those sent to (a variant), or the holdout members who would have been sent to. */
  base: number;
  converted: number;
  revenueMinor: number;
  /** converted / base (0 when base is 0). */
  conversionRate: number;
  /** Revenue over what this group would have made at the holdout's revenue per member (null without a holdout). */
  incrementalRevenueMinor: number | null;
  /** This variant against the holdout (or against A when there is no holdout); null for the control itself. */
  significance: Significance | null;
}

/** A two-proportion z-test (two-sided). */
export interface Significance {
  z: number;
  pValue: number;
}

/** What `campaignStats` reports. */
export interface CampaignStats {
  status: CampaignStatus;
  /** Every recipient row, holdout included. */
  total: number;
  byVariant: VariantStats[];
  skipped: Record<string, number>;
  held: number;
  failed: number;
  /** Not yet handled: waiting or being sent now. */
  pending: number;
  incrementalRevenueMinor: number | null;
  /** All variants against the holdout, or A against B without one; null when there is nothing to compare. */
  significance: Significance | null;
}

/** What the delivery engine is built from. */
export interface CampaignDeps extends CoreDeps {
  pusher: CustomerPusher;
  teamChat?: TeamChat;
  /** The public base URL links are tracked under (`${linkBaseUrl}/l/<code>`); without it links go out untracked. */
  linkBaseUrl?: string;
  /** Messages per second per channel in this process; 0 or undefined = unlimited (Telegram defaults to 30). */
  rateLimits?: Partial<Record<ChannelName, number>>;
  /** The text of a progress report; defaults to plain English (the staff bot may pass its localized wording). */
  reportText?: (report: CampaignReport) => string;
  /** Pushes in flight at once in this process (default 48). */
  maxInFlight?: number;
  /** Batch jobs run at once in this process (default 4). */
  batchConcurrency?: number;
  /** Recipients claimed and pushed at a time within a batch (default 500); pause takes effect between chunks. */
  sendChunk?: number;
}

/** A progress event of a running campaign, for the team chat. */
export type CampaignReport =
  | { kind: 'started'; campaignId: number; name: string; recipients: number; holdout: number }
  | { kind: 'progress'; campaignId: number; name: string; done: number; total: number; percent: number }
  | { kind: 'paused_revoked'; campaignId: number; name: string; revokedName: string }
  | { kind: 'completed'; campaignId: number; name: string; stats: CampaignStats };

/** What the commands that start work need: with a queue the work starts now, without one at the next sweep. */
export type CommandDeps = CoreDeps & { queue?: JobQueue };

/** A ready-made audience for an automation: a boolean over member_facts. */
export interface AutomationCampaignInput {
  brandId: string;
  /** Unique per brand: the automation and its period (e.g. 'birthday:2026-W47'), so a re-run launches nothing new. */
  automationKey: string;
  name: string;
  variants: Array<{ key: string; content: LocalizedText; weight?: number }>;
  audience: SQL;
  channel?: CampaignChannel;
  holdoutPercent?: number;
  whatsappTemplate?: string | null;
}
