CREATE TABLE "insight_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"insight_id" bigint NOT NULL,
	"episode" integer NOT NULL,
	"change" text NOT NULL,
	"actor" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "insights" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"kind" text NOT NULL,
	"scope" text NOT NULL,
	"severity" text NOT NULL,
	"category" text NOT NULL,
	"status" text NOT NULL,
	"episode" integer DEFAULT 1 NOT NULL,
	"title" text NOT NULL,
	"detection" jsonb NOT NULL,
	"detection_hash" text NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"published_version" integer DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"acknowledged_by" text,
	"acknowledged_at" timestamp with time zone,
	"dismissed_by" text,
	"dismissed_at" timestamp with time zone,
	"suppressed_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "insight_history" ADD CONSTRAINT "insight_history_insight_id_insights_id_fk" FOREIGN KEY ("insight_id") REFERENCES "public"."insights"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "insight_history_insight_idx" ON "insight_history" USING btree ("insight_id");--> statement-breakpoint
CREATE UNIQUE INDEX "insights_fingerprint_uq" ON "insights" USING btree ("fingerprint");--> statement-breakpoint
CREATE INDEX "insights_status_idx" ON "insights" USING btree ("status");