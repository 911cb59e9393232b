CREATE TABLE "chat_channels" (
	"platform" text NOT NULL,
	"channel" text NOT NULL,
	"next_post_at" timestamp with time zone NOT NULL,
	CONSTRAINT "chat_channels_platform_channel_pk" PRIMARY KEY("platform","channel")
);
--> statement-breakpoint
CREATE TABLE "chat_messages" (
	"platform" text NOT NULL,
	"channel" text NOT NULL,
	"card_key" text NOT NULL,
	"message_id" text NOT NULL,
	"posted_at" timestamp with time zone NOT NULL,
	"next_update_at" timestamp with time zone NOT NULL,
	"last_updated_at" timestamp with time zone,
	CONSTRAINT "chat_messages_platform_channel_card_key_pk" PRIMARY KEY("platform","channel","card_key")
);
--> statement-breakpoint
CREATE TABLE "chat_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"platform" text NOT NULL,
	"channel" text NOT NULL,
	"card_key" text NOT NULL,
	"thread_card_key" text,
	"card" jsonb NOT NULL,
	"priority" integer NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"claim_token" text,
	"claimed_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"last_error" text,
	"message_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "scheduled_jobs" (
	"name" text PRIMARY KEY NOT NULL,
	"last_tick_at" timestamp with time zone NOT NULL,
	"last_run_by" text,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"last_outcome" text,
	"last_error" text,
	"runs" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "chat_messages_message_uq" ON "chat_messages" USING btree ("platform","channel","message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "chat_outbox_post_uq" ON "chat_outbox" USING btree ("platform","channel","card_key") WHERE kind = 'post';--> statement-breakpoint
CREATE UNIQUE INDEX "chat_outbox_pending_update_uq" ON "chat_outbox" USING btree ("platform","channel","card_key") WHERE kind = 'update' and status = 'pending';--> statement-breakpoint
CREATE INDEX "chat_outbox_due_idx" ON "chat_outbox" USING btree ("priority","created_at") WHERE status in ('pending', 'in_flight');--> statement-breakpoint
CREATE INDEX "chat_outbox_card_idx" ON "chat_outbox" USING btree ("platform","channel","card_key","status");