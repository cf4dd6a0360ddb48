CREATE TABLE "agent_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"agent_id" uuid NOT NULL,
	"csrf_token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "handoff_team_messages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "handoff_team_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"handoff_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"workspace_id" text NOT NULL,
	"message_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "handoff_team_messages_post" UNIQUE("channel","workspace_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "personal_shoppers" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"brand_id" text NOT NULL,
	"agent_id" uuid NOT NULL,
	"assigned_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "failed_logins" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD CONSTRAINT "agent_sessions_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoff_team_messages" ADD CONSTRAINT "handoff_team_messages_handoff_id_handoffs_id_fk" FOREIGN KEY ("handoff_id") REFERENCES "public"."handoffs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personal_shoppers" ADD CONSTRAINT "personal_shoppers_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personal_shoppers" ADD CONSTRAINT "personal_shoppers_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_sessions_agent" ON "agent_sessions" USING btree ("agent_id");--> statement-breakpoint
CREATE INDEX "handoff_team_messages_handoff" ON "handoff_team_messages" USING btree ("handoff_id");--> statement-breakpoint
CREATE INDEX "personal_shoppers_agent" ON "personal_shoppers" USING btree ("agent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_outbound_client_ref" ON "messages" USING btree ("conversation_id",("body" ->> 'clientRef')) WHERE "messages"."direction" = 'out' and "messages"."body" ? 'clientRef';