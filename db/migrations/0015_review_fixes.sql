DROP INDEX "inbound_events_pending";--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "link_codes" ADD COLUMN "requester_customer_id" uuid;--> statement-breakpoint
CREATE INDEX "inbound_events_pending" ON "inbound_events" USING btree ("id") WHERE "inbound_events"."status" in ('received', 'processing');