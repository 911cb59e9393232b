CREATE TABLE "chat_work" (
	"key" text PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb,
	"status" text NOT NULL,
	"owner" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"lease_until" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "chat_work_orphans_idx" ON "chat_work" USING btree ("lease_until") WHERE status = 'running';--> statement-breakpoint
CREATE INDEX "chat_work_created_idx" ON "chat_work" USING btree ("created_at");