// The drizzle schema: one table per CDP/loyalty concept. Every mutable row keeps created/updated times;
// the points ledger and consent records are append-only (enforced by triggers in the migrations).
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** A text in each language the brand writes in, e.g. `{ en: 'Gold', ar: 'ذهبي', zh: '金卡' }`. */
export type LocalizedText = Partial<Record<'en' | 'ar' | 'zh', string>>;

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** A retail brand running the programme (one deployment may serve several). */
export const brands = pgTable('brands', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  defaultLanguage: text('default_language').notNull().default('en'),
  /** ISO country used as the default region when a customer types a local phone number. */
  country: text('country').notNull().default('AE'),
  timezone: text('timezone').notNull().default('Asia/Dubai'),
  /** The loyalty programme's settings (validated by core/loyalty/program.ts); {} means the defaults. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

/** A physical or online store of a brand. */
export const stores = pgTable(
  'stores',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    code: text('code').notNull(),
    name: jsonb('name').$type<LocalizedText>().notNull(),
    city: text('city').notNull(),
    country: text('country').notNull(),
    timezone: text('timezone').notNull(),
    currency: text('currency').notNull().default('AED'),
    createdAt: createdAt(),
  },
  (t) => [unique('stores_brand_code').on(t.brandId, t.code)],
);

/** A loyalty tier; a member's tier is the highest whose `minPoints` their qualifying points reach. */
export const tiers = pgTable(
  'tiers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    code: text('code').notNull(),
    name: jsonb('name').$type<LocalizedText>().notNull(),
    minPoints: integer('min_points').notNull(),
    rank: integer('rank').notNull(),
  },
  (t) => [
    unique('tiers_brand_code').on(t.brandId, t.code),
    unique('tiers_brand_rank').on(t.brandId, t.rank),
    check('tiers_min_points_nonneg', sql`${t.minPoints} >= 0`),
  ],
);

/** One profile per person; created at first contact, a member once a loyalty account exists. */
export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    name: text('name'),
    birthday: date('birthday', { mode: 'string' }),
    /** E.164. */
    phone: text('phone'),
    phoneVerified: boolean('phone_verified').notNull().default(false),
    email: text('email'),
    language: text('language'),
    /** Set when this profile was merged into another (linking two channels): the other one is the customer now. */
    mergedIntoId: uuid('merged_into_id'),
    /** Free labels staff give customers (e.g. 'vip-event-2026'), usable in segments. */
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('customers_brand_phone').on(t.brandId, t.phone)],
);

/** How a customer is known on one channel (Telegram user id, LINE userId, web session id...). */
export const channelIdentities = pgTable(
  'channel_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    displayName: text('display_name'),
    /** When the platform said the person blocked us or left; cleared when they write again. */
    unreachableAt: timestamp('unreachable_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    unique('channel_identities_external').on(t.brandId, t.channel, t.externalId),
    index('channel_identities_customer').on(t.customerId),
  ],
);

/** One chat thread on one channel; holds the dialogue state so it survives restarts. */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    language: text('language'),
    /** 'bot' while the bot answers, 'agent' while a person has taken over (the bot stays silent). */
    mode: text('mode').notNull().default('bot'),
    state: jsonb('state').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('conversations_chat').on(t.brandId, t.channel, t.chatId),
    check('conversations_mode', sql`${t.mode} in ('bot', 'agent')`),
  ],
);

/** Every inbound and outbound message. Inbound ones are unique per platform message id (dedupe). */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id),
    channel: text('channel').notNull(),
    direction: text('direction').notNull(),
    platformMessageId: text('platform_message_id'),
    text: text('text'),
    /** Inbound: payload/contact/media; outbound: the full Reply as rendered by the bot. */
    body: jsonb('body').$type<Record<string, unknown>>().notNull().default({}),
    inReplyTo: uuid('in_reply_to'),
    /** Inbound: 'received'; outbound: 'pending' | 'sent' | 'delivered' | 'read' | 'failed'. */
    status: text('status').notNull(),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_inbound_dedupe')
      .on(t.brandId, t.channel, t.platformMessageId)
      .where(sql`${t.direction} = 'in'`),
    // Delivery and read receipts name our message by the platform's id (WhatsApp statuses).
    index('messages_outbound_platform')
      .on(t.brandId, t.channel, t.platformMessageId)
      .where(sql`${t.direction} = 'out'`),
    index('messages_conversation_time').on(t.conversationId, t.createdAt),
    index('messages_in_reply_to').on(t.inReplyTo),
    // An agent's reply carries the console's id for it: a double click or a retried request stores (and sends) it once.
    uniqueIndex('messages_outbound_client_ref')
      .on(t.conversationId, sql`(${t.body} ->> 'clientRef')`)
      .where(sql`${t.direction} = 'out' and ${t.body} ? 'clientRef'`),
    check('messages_direction', sql`${t.direction} in ('in', 'out')`),
  ],
);

/** A member's loyalty account; `pointsBalance` is kept equal to the ledger sum in the same transaction. */
export const loyaltyAccounts = pgTable(
  'loyalty_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    memberCode: text('member_code').notNull(),
    pointsBalance: integer('points_balance').notNull().default(0),
    /** Points that count toward the tier (earned, not spent). */
    qualifyingPoints: integer('qualifying_points').notNull().default(0),
    tierCode: text('tier_code').notNull(),
    /** A tier set by staff acts as a floor: reviews never downgrade below it. */
    tierFloor: text('tier_floor'),
    /** When a pending downgrade takes effect (grace period); null when none is pending. */
    downgradeDueAt: timestamp('downgrade_due_at', { withTimezone: true }),
    /** Points earned but still inside the return window: not spendable, not qualifying. */
    pendingPoints: integer('pending_points').notNull().default(0),
    referralCode: text('referral_code'),
    referredByAccountId: uuid('referred_by_account_id'),
    firstPurchaseAt: timestamp('first_purchase_at', { withTimezone: true }),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull().defaultNow(),
    /** Channel the member enrolled on. */
    enrolledVia: text('enrolled_via').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('loyalty_accounts_customer').on(t.customerId),
    unique('loyalty_accounts_member_code').on(t.memberCode),
    unique('loyalty_accounts_referral_code').on(t.referralCode),
    // Counting a member's referrals (the cap per referrer) without a scan; most accounts have no referrer.
    index('loyalty_accounts_referred_by').on(t.referredByAccountId).where(sql`${t.referredByAccountId} is not null`),
    check('loyalty_accounts_balance_nonneg', sql`${t.pointsBalance} >= 0`),
    check('loyalty_accounts_pending_nonneg', sql`${t.pendingPoints} >= 0`),
  ],
);

/** Append-only points ledger; every entry has an idempotency key so a retried write lands once. */
export const pointsLedger = pgTable(
  'points_ledger',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: uuid('account_id').notNull().references(() => loyaltyAccounts.id),
    kind: text('kind').notNull(),
    points: integer('points').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    idempotencyKey: text('idempotency_key').notNull(),
    reference: text('reference'),
    note: text('note'),
    actor: text('actor'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('points_ledger_idempotency').on(t.idempotencyKey),
    index('points_ledger_account_time').on(t.accountId, t.createdAt),
    index('points_ledger_reference').on(t.reference),
    check('points_ledger_kind', sql`${t.kind} in ('earn', 'redeem', 'adjust', 'expire', 'reverse', 'transfer_in', 'transfer_out', 'bonus')`),
    check('points_ledger_balance_nonneg', sql`${t.balanceAfter} >= 0`),
  ],
);

/** Consent history per purpose and channel; the latest record per (customer, purpose, channel) is in force. */
export const consentRecords = pgTable(
  'consent_records',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    purpose: text('purpose').notNull(),
    channel: text('channel').notNull(),
    granted: boolean('granted').notNull(),
    wordingVersion: text('wording_version').notNull(),
    source: text('source').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('consent_records_customer').on(t.customerId, t.purpose, t.recordedAt)],
);

/** Rewards a member can spend points on (redemption itself arrives with the loyalty engine). */
export const rewards = pgTable(
  'rewards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    code: text('code').notNull(),
    kind: text('kind').notNull(),
    name: jsonb('name').$type<LocalizedText>().notNull(),
    description: jsonb('description').$type<LocalizedText>().notNull().default({}),
    costPoints: integer('cost_points').notNull(),
    /** Units left; null means unlimited. */
    stock: integer('stock'),
    /** Lowest tier that may redeem it; null means every member. */
    minTierCode: text('min_tier_code'),
    /** How many times one member may redeem it; null means no limit. */
    perMemberLimit: integer('per_member_limit'),
    validFrom: timestamp('valid_from', { withTimezone: true }),
    validTo: timestamp('valid_to', { withTimezone: true }),
    /** How long an issued voucher stays valid. */
    voucherValidDays: integer('voucher_valid_days').notNull().default(30),
    /** For discount vouchers: the value in minor units (or null for a percentage or an item). */
    valueMinor: integer('value_minor'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    unique('rewards_brand_code').on(t.brandId, t.code),
    check('rewards_cost_positive', sql`${t.costPoints} > 0`),
    check('rewards_stock_nonneg', sql`${t.stock} is null or ${t.stock} >= 0`),
  ],
);

/** What is left of each positive ledger entry; spending consumes the soonest-expiring lots first. */
export const pointLots = pgTable(
  'point_lots',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: uuid('account_id').notNull().references(() => loyaltyAccounts.id),
    ledgerEntryId: bigint('ledger_entry_id', { mode: 'number' }).notNull().references(() => pointsLedger.id),
    points: integer('points').notNull(),
    remaining: integer('remaining').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('point_lots_account_open').on(t.accountId, t.expiresAt).where(sql`${t.remaining} > 0`),
    index('point_lots_expiry_open').on(t.expiresAt).where(sql`${t.remaining} > 0`),
    check('point_lots_remaining_range', sql`${t.remaining} >= 0 and ${t.remaining} <= ${t.points}`),
  ],
);

/** Points from a purchase held for the return window before they can be spent or count for the tier. */
export const pendingPoints = pgTable(
  'pending_points',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: uuid('account_id').notNull().references(() => loyaltyAccounts.id),
    transactionId: uuid('transaction_id').notNull(),
    points: integer('points').notNull(),
    releaseAt: timestamp('release_at', { withTimezone: true }).notNull(),
    /** 'pending' | 'released' | 'cancelled' (refunded inside the window). */
    status: text('status').notNull().default('pending'),
    createdAt: createdAt(),
  },
  (t) => [
    index('pending_points_due').on(t.releaseAt).where(sql`${t.status} = 'pending'`),
    index('pending_points_transaction').on(t.transactionId),
    check('pending_points_positive', sql`${t.points} >= 0`),
  ],
);

/** A purchase reported by a store's POS; unique per store and external id (retries are idempotent). */
export const posTransactions = pgTable(
  'pos_transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    storeId: uuid('store_id').notNull().references(() => stores.id),
    externalId: text('external_id').notNull(),
    /** Hash of the request as first received: a replay with other contents is refused. */
    contentHash: text('content_hash').notNull(),
    customerId: uuid('customer_id').references(() => customers.id),
    accountId: uuid('account_id').references(() => loyaltyAccounts.id),
    /** E.164 phone given at the till when no member matched; the purchase is attached when they enroll. */
    phone: text('phone'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    currency: text('currency').notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    lines: jsonb('lines').$type<Array<Record<string, unknown>>>().notNull(),
    pointsEarned: integer('points_earned').notNull().default(0),
    pointsReversed: integer('points_reversed').notNull().default(0),
    /** Points never credited because the purchase was refunded before it was attached to a member. */
    pointsWithheld: integer('points_withheld').notNull().default(0),
    refundedMinor: bigint('refunded_minor', { mode: 'number' }).notNull().default(0),
    earning: jsonb('earning').$type<Array<Record<string, unknown>>>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [
    unique('pos_transactions_store_external').on(t.storeId, t.externalId),
    index('pos_transactions_account_time').on(t.accountId, t.occurredAt),
    index('pos_transactions_unmatched_phone').on(t.brandId, t.phone).where(sql`${t.accountId} is null`),
    check('pos_transactions_total_nonneg', sql`${t.totalMinor} >= 0`),
    check('pos_transactions_refund_range', sql`${t.refundedMinor} >= 0 and ${t.refundedMinor} <= ${t.totalMinor}`),
  ],
);

/** A refund of (part of) a POS transaction and the points it reversed. */
export const posRefunds = pgTable(
  'pos_refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    transactionId: uuid('transaction_id').notNull().references(() => posTransactions.id),
    externalId: text('external_id').notNull(),
    contentHash: text('content_hash').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    pointsReversed: integer('points_reversed').notNull(),
    /** Points that should have been reversed but were already spent (the balance never goes below zero). */
    shortfallPoints: integer('shortfall_points').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [unique('pos_refunds_transaction_external').on(t.transactionId, t.externalId), check('pos_refunds_amount_positive', sql`${t.amountMinor} > 0`)],
);

/** Earning rules beyond the base rate: product/category multipliers, campaigns, fixed bonuses. */
export const earningRules = pgTable(
  'earning_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    priority: integer('priority').notNull().default(0),
    stackable: boolean('stackable').notNull().default(false),
    multiplierPercent: integer('multiplier_percent'),
    bonusPoints: integer('bonus_points'),
    conditions: jsonb('conditions').$type<Record<string, unknown>>().notNull().default({}),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('earning_rules_brand_active').on(t.brandId).where(sql`${t.active}`),
    check('earning_rules_kind', sql`${t.kind} in ('line_multiplier', 'basket_multiplier', 'basket_bonus')`),
  ],
);

/** A voucher issued for a redeemed reward; the code is what the cashier scans. */
export const vouchers = pgTable(
  'vouchers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    code: text('code').notNull(),
    rewardId: uuid('reward_id').notNull().references(() => rewards.id),
    accountId: uuid('account_id').notNull().references(() => loyaltyAccounts.id),
    ledgerEntryId: bigint('ledger_entry_id', { mode: 'number' }).references(() => pointsLedger.id),
    /** 'active' | 'redeemed' | 'expired' | 'cancelled'. */
    status: text('status').notNull().default('active'),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }),
    redeemedStoreId: uuid('redeemed_store_id').references(() => stores.id),
    /** The chat confirmation that issued it, so a repeated "yes" issues one voucher. */
    issueKey: text('issue_key').notNull(),
  },
  (t) => [
    unique('vouchers_code').on(t.code),
    unique('vouchers_issue_key').on(t.issueKey),
    index('vouchers_account_status').on(t.accountId, t.status),
    index('vouchers_active_expiry').on(t.expiresAt).where(sql`${t.status} = 'active'`),
    check('vouchers_status', sql`${t.status} in ('active', 'redeemed', 'expired', 'cancelled')`),
  ],
);

/** A gift card; only a hash of its code is stored, like a password. */
export const giftCards = pgTable(
  'gift_cards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    codeHash: text('code_hash').notNull(),
    last4: text('last4').notNull(),
    currency: text('currency').notNull(),
    initialMinor: bigint('initial_minor', { mode: 'number' }).notNull(),
    balanceMinor: bigint('balance_minor', { mode: 'number' }).notNull(),
    /** 'active' | 'blocked'. Expiry is by `expiresAt`. */
    status: text('status').notNull().default('active'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    issuedBy: text('issued_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('gift_cards_code_hash').on(t.codeHash), check('gift_cards_balance_range', sql`${t.balanceMinor} >= 0 and ${t.balanceMinor} <= ${t.initialMinor}`)],
);

/** Every movement of a gift card's balance (append-only). */
export const giftCardMovements = pgTable(
  'gift_card_movements',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    giftCardId: uuid('gift_card_id').notNull().references(() => giftCards.id),
    kind: text('kind').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    balanceAfter: bigint('balance_after', { mode: 'number' }).notNull(),
    storeId: uuid('store_id').references(() => stores.id),
    idempotencyKey: text('idempotency_key').notNull(),
    reference: text('reference'),
    createdAt: createdAt(),
  },
  (t) => [unique('gift_card_movements_idempotency').on(t.idempotencyKey), index('gift_card_movements_card').on(t.giftCardId)],
);

/** POS API keys: scoped to a store (or brand-wide when storeId is null); only a hash is stored. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    storeId: uuid('store_id').references(() => stores.id),
    name: text('name').notNull(),
    /** Public part of the key, used to find the row without scanning hashes. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [unique('api_keys_prefix').on(t.prefix)],
);

/** Domain events other parts react to (tier changes, ...): an outbox written in the same transaction. */
export const loyaltyEvents = pgTable(
  'loyalty_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: text('brand_id').notNull(),
    accountId: uuid('account_id').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('loyalty_events_type_time').on(t.type, t.createdAt), index('loyalty_events_account').on(t.accountId)],
);

/**
 * Webhook events as the platforms delivered them (core/inbox): stored before the platform gets its 200, processed in
 * the background. The payload is cleared once processed; the (channel, event id) pair stays to drop redeliveries.
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    channel: text('channel').notNull(),
    eventId: text('event_id').notNull(),
    chatKey: text('chat_key').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown> | null>(),
    /** 'received' | 'processing' | 'done' | 'failed'. */
    status: text('status').notNull().default('received'),
    /** When a process claimed it ('processing'); a claim older than the lease is taken over (the process died). */
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    unique('inbound_events_channel_event').on(t.channel, t.eventId),
    index('inbound_events_pending').on(t.id).where(sql`${t.status} in ('received', 'processing')`),
    index('inbound_events_received').on(t.receivedAt),
  ],
);

/** One-time codes that link a new channel to an existing customer ("link 48291375"); only a hash is stored. */
export const linkCodes = pgTable(
  'link_codes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: text('brand_id').notNull(),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    codeHash: text('code_hash').notNull(),
    /** A code sent to a phone on someone's request can be used only by the profile that asked for it. */
    requesterCustomerId: uuid('requester_customer_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [unique('link_codes_hash').on(t.brandId, t.codeHash), index('link_codes_customer').on(t.customerId)],
);

/** Merge history: which profile went into which, what moved, and whether staff reversed it. */
export const customerMerges = pgTable(
  'customer_merges',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: text('brand_id').notNull(),
    fromCustomerId: uuid('from_customer_id').notNull().references(() => customers.id),
    intoCustomerId: uuid('into_customer_id').notNull().references(() => customers.id),
    /** 'link_code' | 'verified_phone' | 'staff'. */
    reason: text('reason').notNull(),
    /** The channel identity ids moved, and the points moved with transfer entries. */
    movedIdentityIds: jsonb('moved_identity_ids').$type<string[]>().notNull(),
    /** The loyalty account that moved whole (when only the merged-away profile was a member). */
    movedAccountId: uuid('moved_account_id'),
    pointsMoved: integer('points_moved').notNull().default(0),
    createdAt: createdAt(),
    reversedAt: timestamp('reversed_at', { withTimezone: true }),
  },
  (t) => [index('customer_merges_into').on(t.intoCustomerId), index('customer_merges_from').on(t.fromCustomerId)],
);

/** People who take over conversations and work tickets (issue #6). Team-chat ids tie a staff member to their account. */
export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    name: text('name').notNull(),
    /** Console login (unique per brand); the password is stored as a memory-hard hash only. */
    login: text('login').notNull(),
    passwordHash: text('password_hash'),
    /** Languages the agent answers in, and specialities (e.g. 'fragrance'), for matching. */
    languages: jsonb('languages').$type<string[]>().notNull().default([]),
    specialities: jsonb('specialities').$type<string[]>().notNull().default([]),
    onDuty: boolean('on_duty').notNull().default(false),
    /** Conversations an agent holds at once at most. */
    maxConversations: integer('max_conversations').notNull().default(5),
    /** Personal shopper for at most 15 VIPs. */
    isPersonalShopper: boolean('is_personal_shopper').notNull().default(false),
    telegramUserId: text('telegram_user_id'),
    lineUserId: text('line_user_id'),
    active: boolean('active').notNull().default(true),
    /** Console sign-in failures in a row; at the limit the login locks until `locked_until`. */
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    unique('agents_login').on(t.brandId, t.login),
    index('agents_telegram').on(t.telegramUserId),
    index('agents_line').on(t.lineUserId),
    check('agents_max_conversations', sql`${t.maxConversations} between 1 and 100`),
  ],
);

/** A request for a person on one conversation, from the queue to the hand back. */
export const handoffs = pgTable(
  'handoffs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: text('brand_id').notNull(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    /** 'asked' | 'complaint' | 'misunderstood' | 'sentiment' | 'rule' | 'staff'. */
    reason: text('reason').notNull(),
    /** 'queued' | 'assigned' | 'closed'. */
    status: text('status').notNull().default('queued'),
    agentId: uuid('agent_id').references(() => agents.id),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }),
    /** The last message from the agent or the customer while assigned (the inactivity timeout counts from it). */
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** 'agent' | 'timeout' | 'staff'. */
    closedBy: text('closed_by'),
    /** Where the team was told (team chat id and message id), so replies in that thread are relayed. */
    teamChatId: text('team_chat_id'),
    teamMessageId: text('team_message_id'),
  },
  (t) => [
    index('handoffs_open').on(t.brandId, t.status).where(sql`${t.status} <> 'closed'`),
    // One open handoff per conversation: a second request while one is open is the same request.
    uniqueIndex('handoffs_one_open').on(t.conversationId).where(sql`${t.status} <> 'closed'`),
    index('handoffs_agent').on(t.agentId).where(sql`${t.status} = 'assigned'`),
    index('handoffs_team_message').on(t.teamChatId, t.teamMessageId),
    check('handoffs_status', sql`${t.status} in ('queued', 'assigned', 'closed')`),
  ],
);

/** Signed-in console sessions. The cookie holds a random token; only its SHA-256 is stored, so a leaked table opens nothing. */
export const agentSessions = pgTable(
  'agent_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id),
    /** Sent back by the page in a header on every change (double submit), so another site cannot post for the agent. */
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('agent_sessions_agent').on(t.agentId)],
);

/** A VIP's personal shopper: their handoffs go to this agent first (at most 15 VIPs per shopper, enforced in core). */
export const personalShoppers = pgTable(
  'personal_shoppers',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id),
    brandId: text('brand_id').notNull(),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('personal_shoppers_agent').on(t.agentId)],
);

/** Messages the bot posted in a team chat about a handoff (the alert, each relayed customer message): replying to any of them answers that customer. */
export const handoffTeamMessages = pgTable(
  'handoff_team_messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    handoffId: bigint('handoff_id', { mode: 'number' })
      .notNull()
      .references(() => handoffs.id),
    channel: text('channel').notNull(),
    workspaceId: text('workspace_id').notNull(),
    messageId: text('message_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('handoff_team_messages_post').on(t.channel, t.workspaceId, t.messageId), index('handoff_team_messages_handoff').on(t.handoffId)],
);

/** Private notes of agents on a conversation (never sent to the customer). */
export const conversationNotes = pgTable(
  'conversation_notes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id),
    agentId: uuid('agent_id').references(() => agents.id),
    text: text('text').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('conversation_notes_conversation').on(t.conversationId, t.createdAt)],
);

/** Canned responses with placeholders ({name}, {points}, {tier}, {member_code}), per language. */
export const cannedResponses = pgTable(
  'canned_responses',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: text('brand_id').notNull(),
    name: text('name').notNull(),
    language: text('language').notNull(),
    text: text('text').notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('canned_responses_name').on(t.brandId, t.name, t.language)],
);

/** Support tickets: from chat, from a detractor's survey answer, or by staff. */
export const tickets = pgTable(
  'tickets',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: text('brand_id').notNull(),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    conversationId: uuid('conversation_id').references(() => conversations.id),
    storeId: uuid('store_id').references(() => stores.id),
    /** e.g. 'points', 'product', 'service', 'delivery', 'voucher', 'other'. */
    category: text('category').notNull(),
    /** 'low' | 'normal' | 'high' | 'urgent'. */
    priority: text('priority').notNull(),
    /** 'open' | 'pending_customer' | 'resolved' | 'closed'. */
    status: text('status').notNull().default('open'),
    assigneeId: uuid('assignee_id').references(() => agents.id),
    /** 'chat' | 'nps' | 'staff'. */
    source: text('source').notNull(),
    orderReference: text('order_reference'),
    description: text('description').notNull(),
    firstResponseDueAt: timestamp('first_response_due_at', { withTimezone: true }).notNull(),
    resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true }).notNull(),
    firstRespondedAt: timestamp('first_responded_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** SLA notices already sent, so each goes out once: 'first_response_warning', 'first_response_breach', …. */
    slaNotices: jsonb('sla_notices').$type<string[]>().notNull().default([]),
    csatScore: integer('csat_score'),
    csatComment: text('csat_comment'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('tickets_customer').on(t.customerId, t.createdAt),
    index('tickets_open_due').on(t.brandId, t.status, t.resolutionDueAt).where(sql`${t.status} in ('open', 'pending_customer')`),
    check('tickets_priority', sql`${t.priority} in ('low', 'normal', 'high', 'urgent')`),
    check('tickets_status', sql`${t.status} in ('open', 'pending_customer', 'resolved', 'closed')`),
    check('tickets_csat', sql`${t.csatScore} is null or ${t.csatScore} between 1 and 5`),
  ],
);

/** Every change of a ticket (append-only): created, status, assignment, priority, note, reply, csat. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull().references(() => tickets.id),
    kind: text('kind').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('ticket_events_ticket').on(t.ticketId, t.at)],
);

/** Survey definitions per brand: post-purchase (a delay after a purchase) or periodic relationship surveys. */
export const surveys = pgTable(
  'surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    /** 'post_purchase' | 'relationship'. */
    kind: text('kind').notNull(),
    /** For post-purchase: minutes after the purchase. */
    delayMinutes: integer('delay_minutes').notNull().default(120),
    /** For relationship surveys: days between rounds. */
    everyDays: integer('every_days'),
    /** Local waking hours of the customer's store ('09:00'–'21:00'): sends wait for the next window. */
    sendFrom: text('send_from').notNull().default('09:00'),
    sendUntil: text('send_until').notNull().default('21:00'),
    /** At most one survey per customer per this many days (any survey of the brand). */
    minDaysBetween: integer('min_days_between').notNull().default(30),
    /** Where promoters (9–10) are invited to leave a review. */
    reviewUrl: text('review_url'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [check('surveys_kind', sql`${t.kind} in ('post_purchase', 'relationship')`)],
);

/** One survey sent (or scheduled) to one customer, and their answer. */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: text('brand_id').notNull(),
    surveyId: uuid('survey_id').notNull().references(() => surveys.id),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    /** The purchase that triggered it (post-purchase); unique so a purchase is surveyed once. */
    transactionId: uuid('transaction_id'),
    storeId: uuid('store_id').references(() => stores.id),
    channel: text('channel'),
    /** 'scheduled' | 'sent' | 'answered' | 'expired' | 'skipped'. */
    status: text('status').notNull().default('scheduled'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    score: integer('score'),
    reason: text('reason'),
    /** Sentiment of the reason in [-1, 1]. */
    sentiment: real('sentiment'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    ticketId: bigint('ticket_id', { mode: 'number' }).references(() => tickets.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('survey_responses_transaction').on(t.transactionId).where(sql`${t.transactionId} is not null`),
    index('survey_responses_due').on(t.status, t.dueAt).where(sql`${t.status} = 'scheduled'`),
    index('survey_responses_customer').on(t.customerId, t.createdAt),
    check('survey_responses_score', sql`${t.score} is null or ${t.score} between 0 and 10`),
  ],
);

// ---------------------------------------------------------------------------------------------------------
// Staff, segments and campaigns (issue #7).

/** Staff roles: what each may do is decided in core/staff (permissions), never here. */
export const STAFF_ROLES = ['admin', 'marketing_manager', 'store_manager', 'customer_service', 'data_analyst', 'franchise_owner'] as const;

/** A member of the brand's staff who works in the team chat or the console. */
export const staffMembers = pgTable(
  'staff_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    name: text('name').notNull(),
    role: text('role').notNull(),
    /** The stores a store manager or franchise owner sees; empty for brand-wide roles. */
    storeIds: jsonb('store_ids').$type<string[]>().notNull().default([]),
    /** The language the staff bot answers this person in ('en' | 'ar' | 'zh'). */
    language: text('language').notNull().default('en'),
    /** The console account of this person, so the console's command box acts as them. */
    agentId: uuid('agent_id').references(() => agents.id),
    /** Set when the role was revoked: from then on every command is refused (also mid-campaign). */
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('staff_members_brand').on(t.brandId),
    uniqueIndex('staff_members_agent').on(t.agentId).where(sql`${t.agentId} is not null`),
    check('staff_members_role', sql`${t.role} in ('admin', 'marketing_manager', 'store_manager', 'customer_service', 'data_analyst', 'franchise_owner')`),
  ],
);

/** How a staff member is known in a team workspace (Telegram user id, LINE user id). */
export const staffIdentities = pgTable(
  'staff_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    staffId: uuid('staff_id').notNull().references(() => staffMembers.id),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('staff_identities_external').on(t.brandId, t.channel, t.externalId), index('staff_identities_staff').on(t.staffId)],
);

/** A one-time invite code (only its hash is kept) that makes whoever sends it a staff member with this role. */
export const staffInvites = pgTable(
  'staff_invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    codeHash: text('code_hash').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    storeIds: jsonb('store_ids').$type<string[]>().notNull().default([]),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    usedByStaffId: uuid('used_by_staff_id').references(() => staffMembers.id),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('staff_invites_code').on(t.codeHash), check('staff_invites_role', sql`${t.role} in ('admin', 'marketing_manager', 'store_manager', 'customer_service', 'data_analyst', 'franchise_owner')`)],
);

/** A staff action waiting for "/confirm" (points adjustments, tier changes): what was asked, frozen. */
export const staffConfirmations = pgTable(
  'staff_confirmations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull(),
    staffId: uuid('staff_id').notNull().references(() => staffMembers.id),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Set once when confirmed or cancelled, so a repeated /confirm acts once. */
    doneAt: timestamp('done_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('staff_confirmations_staff').on(t.staffId, t.createdAt)],
);

/**
 * One flat row per member with everything a segment can filter on, so counting a segment over a million members is
 * one scan of one table. Kept up to date by triggers as accounts, purchases, consent, identities and survey answers
 * change (migration 0017); favourite category/product, home store and RFM are recomputed by the segments job.
 */
export const memberFacts = pgTable(
  'member_facts',
  {
    accountId: uuid('account_id').primaryKey().references(() => loyaltyAccounts.id),
    brandId: text('brand_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    tierCode: text('tier_code').notNull(),
    pointsBalance: integer('points_balance').notNull().default(0),
    lifetimeSpendMinor: bigint('lifetime_spend_minor', { mode: 'number' }).notNull().default(0),
    visits: integer('visits').notNull().default(0),
    firstPurchaseAt: timestamp('first_purchase_at', { withTimezone: true }),
    lastPurchaseAt: timestamp('last_purchase_at', { withTimezone: true }),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull(),
    /** The store of the member's latest purchase until the job sets the one they visit most. */
    homeStoreId: uuid('home_store_id'),
    /** Every store they bought in. */
    storeIds: uuid('store_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /** Channels they can be reached on (not marked unreachable). */
    channels: text('channels').array().notNull().default(sql`'{}'::text[]`),
    /** Channels where marketing consent is in force. */
    marketingChannels: text('marketing_channels').array().notNull().default(sql`'{}'::text[]`),
    language: text('language'),
    birthdayMonth: integer('birthday_month'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    /** From the latest NPS answer: 'promoter' | 'passive' | 'detractor'. */
    npsCategory: text('nps_category'),
    favouriteCategory: text('favourite_category'),
    favouriteProduct: text('favourite_product'),
    /** RFM quintiles 1–5 (5 best) and the named segment, set by the RFM job. */
    rfmR: integer('rfm_r'),
    rfmF: integer('rfm_f'),
    rfmM: integer('rfm_m'),
    rfmSegment: text('rfm_segment'),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('member_facts_brand_tier').on(t.brandId, t.tierCode),
    index('member_facts_brand_last_purchase').on(t.brandId, t.lastPurchaseAt),
    index('member_facts_customer').on(t.customerId),
  ],
);

/** A named audience: an expression in the segment language (core/segments), evaluated when used. */
export const segments = pgTable(
  'segments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    /** As typed; unique per brand ignoring case. */
    name: text('name').notNull(),
    expression: text('expression').notNull(),
    /** The creator's store scope when they had one: the segment never reaches beyond it. */
    storeIds: jsonb('store_ids').$type<string[]>().notNull().default([]),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('segments_brand_name').on(t.brandId, sql`lower(${t.name})`)],
);

/** A campaign (or one period of an automation): audience, variants, channel, schedule, approval and progress. */
export const campaigns = pgTable(
  'campaigns',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    name: text('name').notNull(),
    /** 'campaign' (built by staff) | 'automation' (one period of an automation, e.g. birthday week 2026-W47). */
    kind: text('kind').notNull().default('campaign'),
    /** For automations: the automation and period, unique, so a re-run of the job makes no second campaign. */
    automationKey: text('automation_key'),
    /** 'draft' | 'pending_approval' | 'approved' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled'. */
    status: text('status').notNull().default('draft'),
    segmentId: uuid('segment_id').references(() => segments.id),
    /** 'preferred' (each customer's preferred reachable channel) or one channel name. */
    channel: text('channel').notNull().default('preferred'),
    /** Approved WhatsApp template used outside the 24-hour window (none: such recipients are skipped). */
    whatsappTemplate: text('whatsapp_template'),
    holdoutPercent: integer('holdout_percent').notNull().default(0),
    attributionDays: integer('attribution_days').notNull().default(7),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    /** The creator's store scope, frozen: the audience never reaches beyond it. */
    storeIds: jsonb('store_ids').$type<string[]>().notNull().default([]),
    createdBy: text('created_by').notNull(),
    approvalRequestedAt: timestamp('approval_requested_at', { withTimezone: true }),
    approvedBy: text('approved_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** Set once the audience was expanded into send rows (all batches written). */
    expandedAt: timestamp('expanded_at', { withTimezone: true }),
    /** Where progress is reported: { channel, workspaceId }. */
    reportTo: jsonb('report_to').$type<Record<string, string>>(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('campaigns_automation_key').on(t.brandId, t.automationKey).where(sql`${t.automationKey} is not null`),
    index('campaigns_brand_status').on(t.brandId, t.status),
    check('campaigns_kind', sql`${t.kind} in ('campaign', 'automation')`),
    check(
      'campaigns_status',
      sql`${t.status} in ('draft', 'pending_approval', 'approved', 'scheduled', 'sending', 'paused', 'completed', 'cancelled')`,
    ),
    check('campaigns_holdout', sql`${t.holdoutPercent} between 0 and 50`),
  ],
);

/** A message variant of a campaign (A, B, …): one text per language, with {variables}. */
export const campaignVariants = pgTable(
  'campaign_variants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: bigint('campaign_id', { mode: 'number' }).notNull().references(() => campaigns.id),
    key: text('key').notNull(),
    /** Share of the non-holdout audience, relative to the other variants' weights. */
    weight: integer('weight').notNull().default(1),
    content: jsonb('content').$type<LocalizedText>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('campaign_variants_key').on(t.campaignId, t.key), check('campaign_variants_weight', sql`${t.weight} between 1 and 100`)],
);

/**
 * Exactly one row per recipient per campaign (the unique key is what makes a retried or restarted worker send once).
 * Holdout members get a row too ('holdout'), so conversions can be compared against them.
 */
export const campaignSends = pgTable(
  'campaign_sends',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: bigint('campaign_id', { mode: 'number' }).notNull().references(() => campaigns.id),
    customerId: uuid('customer_id').notNull(),
    batchNo: integer('batch_no').notNull(),
    /** Variant key, or 'holdout'. */
    variantKey: text('variant_key').notNull(),
    /** 'pending' | 'held' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped' | 'holdout'. */
    status: text('status').notNull().default('pending'),
    /** Why it was not sent: 'no_consent' | 'unsubscribed' | 'frequency_cap' | 'with_agent' | 'unreachable' | 'blocked' | 'window_closed' | 'no_channel' | …. */
    skipReason: text('skip_reason'),
    channel: text('channel'),
    /** Quiet hours: not before this time. */
    notBefore: timestamp('not_before', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    platformMessageId: text('platform_message_id'),
    error: text('error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    clickedAt: timestamp('clicked_at', { withTimezone: true }),
    convertedAt: timestamp('converted_at', { withTimezone: true }),
    conversionMinor: bigint('conversion_minor', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    unique('campaign_sends_recipient').on(t.campaignId, t.customerId),
    index('campaign_sends_batch').on(t.campaignId, t.batchNo, t.status),
    // The weekly frequency cap counts a customer's sends across campaigns.
    index('campaign_sends_customer_sent').on(t.customerId, t.sentAt).where(sql`${t.sentAt} is not null`),
    index('campaign_sends_platform').on(t.platformMessageId).where(sql`${t.platformMessageId} is not null`),
    check(
      'campaign_sends_status',
      sql`${t.status} in ('pending', 'held', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'holdout')`,
    ),
  ],
);

/** A link in a campaign's text; each recipient gets a tracked short link to it. */
export const campaignLinks = pgTable(
  'campaign_links',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    campaignId: bigint('campaign_id', { mode: 'number' }).notNull().references(() => campaigns.id),
    url: text('url').notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('campaign_links_url').on(t.campaignId, t.url)],
);

/** Automations a brand runs (welcome, birthday, win-back, tier upgrade, points expiry, seasonal) and their settings. */
export const automations = pgTable(
  'automations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull().references(() => brands.id),
    key: text('key').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Texts per language, days, reward code, … (validated by core/automations). */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('automations_brand_key').on(t.brandId, t.key)],
);

/** Raw bytes (PGlite hands back a Uint8Array, node-postgres a Buffer). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/** A file made for staff (segment export CSV, chart PNG), fetched once by a link that expires. */
export const staffFiles = pgTable(
  'staff_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull(),
    /** SHA-256 of the download token; the token itself is only in the link. */
    tokenHash: text('token_hash').notNull(),
    fileName: text('file_name').notNull(),
    mimeType: text('mime_type').notNull(),
    content: bytea('content').notNull(),
    staffId: uuid('staff_id').references(() => staffMembers.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('staff_files_token').on(t.tokenHash)],
);

/** Fixed-window counters for rate limits that must hold across processes (gift card code guesses). */
export const rateLimitBuckets = pgTable('rate_limit_buckets', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
});

/** Append-only record of every staff, agent and API action on customer data. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: text('brand_id').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    result: text('result').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_brand_time').on(t.brandId, t.at)],
);

/** A pgvector `vector` without a fixed dimension: each knowledge chunk's length follows its embedder. */
const anyVector = customType<{ data: number[]; driverData: string }>({
  dataType: () => 'vector',
  toDriver: (value) => `[${value.join(',')}]`,
  fromDriver: (value) => (typeof value === 'string' ? (JSON.parse(value) as number[]) : (value as number[])),
});

/** A PostgreSQL `tsvector`, written by SQL (`to_tsvector('simple', …)`) and only read by the search query. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** One ingested knowledge-base file of a brand (Markdown or FAQ), keyed by its path relative to the KB folder. */
export const kbFiles = pgTable(
  'kb_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: text('brand_id').notNull(),
    /** Relative path with forward slashes, e.g. `en/opening-hours.md`. */
    path: text('path').notNull(),
    language: text('language').notNull(),
    /** The document's title: its first `#` heading, the FAQ's `title`, or the file name. */
    title: text('title').notNull(),
    /** sha256 of the file's bytes; an unchanged hash means nothing to do. */
    contentHash: text('content_hash').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('kb_files_brand_path').on(t.brandId, t.path)],
);

/** A retrievable piece of a knowledge-base file: a heading section or one Q/A pair, with its embedding and search text. */
export const kbChunks = pgTable(
  'kb_chunks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fileId: uuid('file_id')
      .notNull()
      .references(() => kbFiles.id, { onDelete: 'cascade' }),
    brandId: text('brand_id').notNull(),
    language: text('language').notNull(),
    ordinal: integer('ordinal').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** sha256 of title + body; unchanged chunks of a changed file keep their row and embedding. */
    contentHash: text('content_hash').notNull(),
    /** The embedder that produced `embedding`, e.g. `hash-ngram-512`; search only compares vectors of one embedder. */
    embedder: text('embedder').notNull(),
    dimensions: integer('dimensions').notNull(),
    embedding: anyVector('embedding').notNull(),
    /** The text full-text search indexes: normalized, with Chinese as character bigrams. */
    searchText: text('search_text').notNull(),
    tsv: tsvector('tsv').generatedAlwaysAs(sql`to_tsvector('simple'::regconfig, search_text)`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('kb_chunks_file').on(t.fileId),
    index('kb_chunks_brand_lang').on(t.brandId, t.language, t.embedder),
    index('kb_chunks_tsv').using('gin', t.tsv),
  ],
);

/**
 * Document frequency of each full-text term in a brand's knowledge base per language, rebuilt after an ingest that
 * changed something. Search drops a query's most common terms (they match most chunks and cost the most to rank).
 */
export const kbTerms = pgTable(
  'kb_terms',
  {
    brandId: text('brand_id').notNull(),
    language: text('language').notNull(),
    term: text('term').notNull(),
    /** How many of the brand's chunks in this language contain the term. */
    df: integer('df').notNull(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.language, t.term] })],
);
