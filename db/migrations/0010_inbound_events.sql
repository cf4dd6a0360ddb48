CREATE TABLE "inbound_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "inbound_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel" text NOT NULL,
	"event_id" text NOT NULL,
	"chat_key" text NOT NULL,
	"payload" jsonb,
	"status" text DEFAULT 'received' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"received_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "inbound_events_channel_event" UNIQUE("channel","event_id")
);
--> statement-breakpoint
CREATE INDEX "inbound_events_pending" ON "inbound_events" USING btree ("id") WHERE "inbound_events"."status" = 'received';--> statement-breakpoint
CREATE INDEX "inbound_events_received" ON "inbound_events" USING btree ("received_at");