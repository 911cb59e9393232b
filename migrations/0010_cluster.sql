CREATE TABLE "leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"epoch" bigint NOT NULL,
	"acquired_at" timestamp with time zone NOT NULL,
	"renewed_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"tx" bigint NOT NULL,
	"seq" bigint NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discord_confirmations" (
	"key" text PRIMARY KEY NOT NULL,
	"action_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"message_id" text NOT NULL,
	"asked_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "tx" bigint;--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "tx" SET DEFAULT (pg_current_xact_id()::text::bigint);--> statement-breakpoint
CREATE INDEX "discord_confirmations_expires_idx" ON "discord_confirmations" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "events_tx_brin" ON "events" USING brin ("tx");--> statement-breakpoint
CREATE INDEX "events_received_brin" ON "events" USING brin ("received_at");