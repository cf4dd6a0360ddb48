// The drizzle schema: one table per CDP/loyalty concept. Every mutable row keeps created/updated times;
// the points ledger and consent records are append-only (enforced by triggers in the migrations).
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
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
    /** Inbound: 'received'; outbound: 'pending' | 'sent' | 'failed'. */
    status: text('status').notNull(),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_inbound_dedupe')
      .on(t.brandId, t.channel, t.platformMessageId)
      .where(sql`${t.direction} = 'in'`),
    index('messages_conversation_time').on(t.conversationId, t.createdAt),
    index('messages_in_reply_to').on(t.inReplyTo),
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
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull().defaultNow(),
    /** Channel the member enrolled on. */
    enrolledVia: text('enrolled_via').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('loyalty_accounts_customer').on(t.customerId),
    unique('loyalty_accounts_member_code').on(t.memberCode),
    check('loyalty_accounts_balance_nonneg', sql`${t.pointsBalance} >= 0`),
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
    stock: integer('stock'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    unique('rewards_brand_code').on(t.brandId, t.code),
    check('rewards_cost_positive', sql`${t.costPoints} > 0`),
  ],
);

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
