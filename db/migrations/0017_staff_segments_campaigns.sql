CREATE TABLE "automations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" text NOT NULL,
	"key" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "automations_brand_key" UNIQUE("brand_id","key")
);
--> statement-breakpoint
CREATE TABLE "campaign_links" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "campaign_links_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"campaign_id" bigint NOT NULL,
	"url" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_links_url" UNIQUE("campaign_id","url")
);
--> statement-breakpoint
CREATE TABLE "campaign_sends" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" bigint NOT NULL,
	"customer_id" uuid NOT NULL,
	"batch_no" integer NOT NULL,
	"variant_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"skip_reason" text,
	"channel" text,
	"not_before" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"platform_message_id" text,
	"error" text,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"read_at" timestamp with time zone,
	"clicked_at" timestamp with time zone,
	"converted_at" timestamp with time zone,
	"conversion_minor" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_sends_recipient" UNIQUE("campaign_id","customer_id"),
	CONSTRAINT "campaign_sends_status" CHECK ("campaign_sends"."status" in ('pending', 'held', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'holdout'))
);
--> statement-breakpoint
CREATE TABLE "campaign_variants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" bigint NOT NULL,
	"key" text NOT NULL,
	"weight" integer DEFAULT 1 NOT NULL,
	"content" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_variants_key" UNIQUE("campaign_id","key"),
	CONSTRAINT "campaign_variants_weight" CHECK ("campaign_variants"."weight" between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "campaigns_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"brand_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text DEFAULT 'campaign' NOT NULL,
	"automation_key" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"segment_id" uuid,
	"channel" text DEFAULT 'preferred' NOT NULL,
	"whatsapp_template" text,
	"holdout_percent" integer DEFAULT 0 NOT NULL,
	"attribution_days" integer DEFAULT 7 NOT NULL,
	"scheduled_at" timestamp with time zone,
	"store_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"approval_requested_at" timestamp with time zone,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"expanded_at" timestamp with time zone,
	"report_to" jsonb,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_kind" CHECK ("campaigns"."kind" in ('campaign', 'automation')),
	CONSTRAINT "campaigns_status" CHECK ("campaigns"."status" in ('draft', 'pending_approval', 'approved', 'scheduled', 'sending', 'paused', 'completed', 'cancelled')),
	CONSTRAINT "campaigns_holdout" CHECK ("campaigns"."holdout_percent" between 0 and 50)
);
--> statement-breakpoint
CREATE TABLE "member_facts" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"tier_code" text NOT NULL,
	"points_balance" integer DEFAULT 0 NOT NULL,
	"lifetime_spend_minor" bigint DEFAULT 0 NOT NULL,
	"visits" integer DEFAULT 0 NOT NULL,
	"first_purchase_at" timestamp with time zone,
	"last_purchase_at" timestamp with time zone,
	"enrolled_at" timestamp with time zone NOT NULL,
	"home_store_id" uuid,
	"store_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"channels" text[] DEFAULT '{}'::text[] NOT NULL,
	"marketing_channels" text[] DEFAULT '{}'::text[] NOT NULL,
	"language" text,
	"birthday_month" integer,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"nps_category" text,
	"favourite_category" text,
	"favourite_product" text,
	"rfm_r" integer,
	"rfm_f" integer,
	"rfm_m" integer,
	"rfm_segment" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" text NOT NULL,
	"name" text NOT NULL,
	"expression" text NOT NULL,
	"store_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_confirmations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" text NOT NULL,
	"staff_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"file_name" text NOT NULL,
	"mime_type" text NOT NULL,
	"content" "bytea" NOT NULL,
	"staff_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_files_token" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "staff_identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" text NOT NULL,
	"staff_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_identities_external" UNIQUE("brand_id","channel","external_id")
);
--> statement-breakpoint
CREATE TABLE "staff_invites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" text NOT NULL,
	"code_hash" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"store_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by_staff_id" uuid,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_invites_code" UNIQUE("code_hash"),
	CONSTRAINT "staff_invites_role" CHECK ("staff_invites"."role" in ('admin', 'marketing_manager', 'store_manager', 'customer_service', 'data_analyst', 'franchise_owner'))
);
--> statement-breakpoint
CREATE TABLE "staff_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"store_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"agent_id" uuid,
	"revoked_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_members_role" CHECK ("staff_members"."role" in ('admin', 'marketing_manager', 'store_manager', 'customer_service', 'data_analyst', 'franchise_owner'))
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "automations" ADD CONSTRAINT "automations_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_links" ADD CONSTRAINT "campaign_links_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_sends" ADD CONSTRAINT "campaign_sends_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_variants" ADD CONSTRAINT "campaign_variants_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_facts" ADD CONSTRAINT "member_facts_account_id_loyalty_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."loyalty_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_confirmations" ADD CONSTRAINT "staff_confirmations_staff_id_staff_members_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_files" ADD CONSTRAINT "staff_files_staff_id_staff_members_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_identities" ADD CONSTRAINT "staff_identities_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_identities" ADD CONSTRAINT "staff_identities_staff_id_staff_members_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_invites" ADD CONSTRAINT "staff_invites_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_invites" ADD CONSTRAINT "staff_invites_used_by_staff_id_staff_members_id_fk" FOREIGN KEY ("used_by_staff_id") REFERENCES "public"."staff_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_members" ADD CONSTRAINT "staff_members_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_members" ADD CONSTRAINT "staff_members_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_sends_batch" ON "campaign_sends" USING btree ("campaign_id","batch_no","status");--> statement-breakpoint
CREATE INDEX "campaign_sends_customer_sent" ON "campaign_sends" USING btree ("customer_id","sent_at") WHERE "campaign_sends"."sent_at" is not null;--> statement-breakpoint
CREATE INDEX "campaign_sends_platform" ON "campaign_sends" USING btree ("platform_message_id") WHERE "campaign_sends"."platform_message_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_automation_key" ON "campaigns" USING btree ("brand_id","automation_key") WHERE "campaigns"."automation_key" is not null;--> statement-breakpoint
CREATE INDEX "campaigns_brand_status" ON "campaigns" USING btree ("brand_id","status");--> statement-breakpoint
CREATE INDEX "member_facts_brand_tier" ON "member_facts" USING btree ("brand_id","tier_code");--> statement-breakpoint
CREATE INDEX "member_facts_brand_last_purchase" ON "member_facts" USING btree ("brand_id","last_purchase_at");--> statement-breakpoint
CREATE INDEX "member_facts_customer" ON "member_facts" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "segments_brand_name" ON "segments" USING btree ("brand_id",lower("name"));--> statement-breakpoint
CREATE INDEX "staff_confirmations_staff" ON "staff_confirmations" USING btree ("staff_id","created_at");--> statement-breakpoint
CREATE INDEX "staff_identities_staff" ON "staff_identities" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "staff_members_brand" ON "staff_members" USING btree ("brand_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_members_agent" ON "staff_members" USING btree ("agent_id") WHERE "staff_members"."agent_id" is not null;--> statement-breakpoint
-- member_facts is a flat copy of what segments filter on, kept current by these triggers in the same transaction as
-- the change, whichever code path made it (chat, POS API, bulk ingest, merges). Counting a segment over a million
-- members is then one scan of one table instead of a five-way join.
CREATE OR REPLACE FUNCTION member_facts_customer_fields(cid uuid) RETURNS void AS $$
BEGIN
  UPDATE member_facts f SET
    language = c.language,
    birthday_month = extract(month from c.birthday)::int,
    tags = c.tags,
    channels = coalesce((SELECT array_agg(DISTINCT i.channel ORDER BY i.channel) FROM channel_identities i
                          WHERE i.customer_id = cid AND i.unreachable_at IS NULL), '{}'),
    marketing_channels = coalesce((SELECT array_agg(x.channel ORDER BY x.channel) FROM (
                            SELECT DISTINCT ON (r.channel) r.channel, r.granted FROM consent_records r
                             WHERE r.customer_id = cid AND r.purpose = 'marketing'
                             ORDER BY r.channel, r.recorded_at DESC, r.id DESC) x WHERE x.granted), '{}'),
    updated_at = now()
  FROM customers c WHERE c.id = cid AND f.customer_id = cid;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- New accounts: one set-based insert per statement (an import of a million members is one statement, not a million
-- trigger calls).
CREATE OR REPLACE FUNCTION member_facts_on_account_insert() RETURNS trigger AS $$
BEGIN
  INSERT INTO member_facts (account_id, brand_id, customer_id, tier_code, points_balance, enrolled_at,
                            language, birthday_month, tags, channels, marketing_channels)
  SELECT n.id, n.brand_id, n.customer_id, n.tier_code, n.points_balance, n.enrolled_at,
         c.language, extract(month from c.birthday)::int, c.tags,
         coalesce((SELECT array_agg(DISTINCT i.channel ORDER BY i.channel) FROM channel_identities i
                    WHERE i.customer_id = n.customer_id AND i.unreachable_at IS NULL), '{}'),
         coalesce((SELECT array_agg(x.channel ORDER BY x.channel) FROM (
                      SELECT DISTINCT ON (r.channel) r.channel, r.granted FROM consent_records r
                       WHERE r.customer_id = n.customer_id AND r.purpose = 'marketing'
                       ORDER BY r.channel, r.recorded_at DESC, r.id DESC) x WHERE x.granted), '{}')
  FROM new_accounts n JOIN customers c ON c.id = n.customer_id
  ON CONFLICT (account_id) DO NOTHING;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER member_facts_account_insert AFTER INSERT ON loyalty_accounts
  REFERENCING NEW TABLE AS new_accounts FOR EACH STATEMENT EXECUTE FUNCTION member_facts_on_account_insert();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION member_facts_on_account() RETURNS trigger AS $$
BEGIN
  UPDATE member_facts SET customer_id = NEW.customer_id, tier_code = NEW.tier_code, points_balance = NEW.points_balance,
    enrolled_at = NEW.enrolled_at, updated_at = now()
  WHERE account_id = NEW.id;
  IF NEW.customer_id IS DISTINCT FROM OLD.customer_id THEN
    PERFORM member_facts_customer_fields(NEW.customer_id);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER member_facts_account AFTER UPDATE OF tier_code, points_balance, customer_id, enrolled_at ON loyalty_accounts
  FOR EACH ROW EXECUTE FUNCTION member_facts_on_account();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION member_facts_on_customer() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM member_facts_customer_fields(OLD.customer_id);
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'customers' THEN
    PERFORM member_facts_customer_fields(NEW.id);
  ELSE
    PERFORM member_facts_customer_fields(NEW.customer_id);
    IF TG_OP = 'UPDATE' AND OLD.customer_id IS DISTINCT FROM NEW.customer_id THEN
      PERFORM member_facts_customer_fields(OLD.customer_id);
    END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER member_facts_customer AFTER UPDATE OF language, birthday, tags ON customers
  FOR EACH ROW EXECUTE FUNCTION member_facts_on_customer();
--> statement-breakpoint
-- A customer merged into another keeps an account only when both had one (its points moved by transfer): that
-- account is no longer a member of its own, so it leaves member_facts; undoing the merge brings it back.
CREATE OR REPLACE FUNCTION member_facts_on_merge() RETURNS trigger AS $$
BEGIN
  IF NEW.merged_into_id IS NOT NULL THEN
    DELETE FROM member_facts WHERE customer_id = NEW.id;
  ELSE
    INSERT INTO member_facts (account_id, brand_id, customer_id, tier_code, points_balance, enrolled_at,
                              lifetime_spend_minor, visits, first_purchase_at, last_purchase_at, home_store_id, store_ids)
    SELECT a.id, a.brand_id, a.customer_id, a.tier_code, a.points_balance, a.enrolled_at,
           coalesce(sum(t.total_minor - t.refunded_minor), 0), count(t.id), min(t.occurred_at), max(t.occurred_at),
           (array_agg(t.store_id ORDER BY t.occurred_at DESC))[1], coalesce(array_agg(DISTINCT t.store_id) FILTER (WHERE t.id IS NOT NULL), '{}')
    FROM loyalty_accounts a LEFT JOIN pos_transactions t ON t.account_id = a.id
    WHERE a.customer_id = NEW.id
    GROUP BY a.id
    ON CONFLICT (account_id) DO NOTHING;
    PERFORM member_facts_customer_fields(NEW.id);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER member_facts_merge AFTER UPDATE OF merged_into_id ON customers
  FOR EACH ROW WHEN (OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id) EXECUTE FUNCTION member_facts_on_merge();
--> statement-breakpoint
CREATE TRIGGER member_facts_identity AFTER INSERT OR UPDATE OR DELETE ON channel_identities
  FOR EACH ROW EXECUTE FUNCTION member_facts_on_customer();
--> statement-breakpoint
CREATE TRIGGER member_facts_consent AFTER INSERT ON consent_records
  FOR EACH ROW WHEN (NEW.purpose = 'marketing') EXECUTE FUNCTION member_facts_on_customer();
--> statement-breakpoint
-- New purchases: grouped per account, one update per statement (a bulk ingest of 1,000 purchases is one statement).
CREATE OR REPLACE FUNCTION member_facts_on_purchase_insert() RETURNS trigger AS $$
BEGIN
  UPDATE member_facts f SET
    lifetime_spend_minor = f.lifetime_spend_minor + a.spend,
    visits = f.visits + a.visits,
    first_purchase_at = least(f.first_purchase_at, a.first_at),
    last_purchase_at = greatest(f.last_purchase_at, a.last_at),
    home_store_id = CASE WHEN f.last_purchase_at IS NULL OR a.last_at >= f.last_purchase_at THEN a.last_store ELSE f.home_store_id END,
    store_ids = ARRAY(SELECT DISTINCT s FROM unnest(f.store_ids || a.stores) s),
    updated_at = now()
  FROM (SELECT account_id, sum(total_minor - refunded_minor) AS spend, count(*)::int AS visits,
               min(occurred_at) AS first_at, max(occurred_at) AS last_at,
               (array_agg(store_id ORDER BY occurred_at DESC))[1] AS last_store, array_agg(DISTINCT store_id) AS stores
          FROM new_purchases WHERE account_id IS NOT NULL GROUP BY account_id) a
  WHERE f.account_id = a.account_id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER member_facts_purchase_insert AFTER INSERT ON pos_transactions
  REFERENCING NEW TABLE AS new_purchases FOR EACH STATEMENT EXECUTE FUNCTION member_facts_on_purchase_insert();
--> statement-breakpoint
-- A purchase attached to its account later, refunded, or moved to another account (a merge) moves its contribution.
CREATE OR REPLACE FUNCTION member_facts_on_purchase() RETURNS trigger AS $$
BEGIN
  IF OLD.account_id IS NOT NULL THEN
    UPDATE member_facts SET
      lifetime_spend_minor = lifetime_spend_minor - (OLD.total_minor - OLD.refunded_minor),
      visits = greatest(visits - 1, 0), updated_at = now()
    WHERE account_id = OLD.account_id;
    -- Moved to another account (a merge): the old account's dates and stores are what its other purchases say.
    IF NEW.account_id IS DISTINCT FROM OLD.account_id THEN
      UPDATE member_facts f SET
        first_purchase_at = p.first_at, last_purchase_at = p.last_at,
        home_store_id = CASE WHEN f.home_store_id = ANY(p.stores) THEN f.home_store_id ELSE p.last_store END,
        store_ids = coalesce(p.stores, '{}')
      FROM (SELECT min(occurred_at) AS first_at, max(occurred_at) AS last_at,
                   (array_agg(store_id ORDER BY occurred_at DESC))[1] AS last_store, array_agg(DISTINCT store_id) AS stores
              FROM pos_transactions WHERE account_id = OLD.account_id AND id <> OLD.id) p
      WHERE f.account_id = OLD.account_id;
    END IF;
  END IF;
  IF NEW.account_id IS NOT NULL THEN
    UPDATE member_facts SET
      lifetime_spend_minor = lifetime_spend_minor + (NEW.total_minor - NEW.refunded_minor),
      visits = visits + 1,
      first_purchase_at = least(first_purchase_at, NEW.occurred_at),
      last_purchase_at = greatest(last_purchase_at, NEW.occurred_at),
      home_store_id = CASE WHEN last_purchase_at IS NULL OR NEW.occurred_at >= last_purchase_at THEN NEW.store_id ELSE home_store_id END,
      store_ids = CASE WHEN NEW.store_id = ANY(store_ids) THEN store_ids ELSE store_ids || NEW.store_id END,
      updated_at = now()
    WHERE account_id = NEW.account_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER member_facts_purchase AFTER UPDATE OF account_id, refunded_minor, total_minor ON pos_transactions
  FOR EACH ROW EXECUTE FUNCTION member_facts_on_purchase();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION member_facts_on_survey() RETURNS trigger AS $$
BEGIN
  -- Only the customer's latest answer speaks for them: a correction of an older one changes nothing.
  UPDATE member_facts SET
    nps_category = CASE WHEN NEW.score >= 9 THEN 'promoter' WHEN NEW.score >= 7 THEN 'passive' ELSE 'detractor' END,
    updated_at = now()
  WHERE customer_id = NEW.customer_id
    AND NOT EXISTS (SELECT 1 FROM survey_responses r WHERE r.customer_id = NEW.customer_id AND r.score IS NOT NULL AND r.id <> NEW.id
                      AND coalesce(r.answered_at, r.created_at) > coalesce(NEW.answered_at, NEW.created_at));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER member_facts_survey AFTER INSERT OR UPDATE OF score ON survey_responses
  FOR EACH ROW WHEN (NEW.score IS NOT NULL) EXECUTE FUNCTION member_facts_on_survey();
--> statement-breakpoint
-- Existing members: one row each, with their purchases so far.
INSERT INTO member_facts (account_id, brand_id, customer_id, tier_code, points_balance, enrolled_at,
                          lifetime_spend_minor, visits, first_purchase_at, last_purchase_at, home_store_id, store_ids)
SELECT a.id, a.brand_id, a.customer_id, a.tier_code, a.points_balance, a.enrolled_at,
       coalesce(sum(t.total_minor - t.refunded_minor), 0), count(t.id), min(t.occurred_at), max(t.occurred_at),
       (array_agg(t.store_id ORDER BY t.occurred_at DESC))[1], coalesce(array_agg(DISTINCT t.store_id) FILTER (WHERE t.id IS NOT NULL), '{}')
FROM loyalty_accounts a JOIN customers c ON c.id = a.customer_id AND c.merged_into_id IS NULL
LEFT JOIN pos_transactions t ON t.account_id = a.id
GROUP BY a.id
ON CONFLICT (account_id) DO NOTHING;
--> statement-breakpoint
SELECT member_facts_customer_fields(customer_id) FROM member_facts;
--> statement-breakpoint
-- Audit entries are append-only already; staff files and sends are not. Campaign stats read sends by status.
CREATE INDEX IF NOT EXISTS campaign_sends_campaign_status ON campaign_sends (campaign_id, status);
--> statement-breakpoint
-- Points change on every purchase and the RFM job rewrites rows nightly: room on each page keeps those updates HOT.
ALTER TABLE member_facts SET (fillfactor = 80);
--> statement-breakpoint
-- For the staff /stats report (core/reports): period ranges over the ledger, sales, enrolments and NPS answers.
CREATE INDEX IF NOT EXISTS points_ledger_created_at ON points_ledger (created_at);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS pos_transactions_brand_time ON pos_transactions (brand_id, occurred_at);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS loyalty_accounts_brand_enrolled ON loyalty_accounts (brand_id, enrolled_at) INCLUDE (id, points_balance);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS survey_responses_brand_answered ON survey_responses (brand_id, answered_at) WHERE score IS NOT NULL;
