CREATE TABLE "slack_deliveries" (
	"key" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "slack_deliveries_created_idx" ON "slack_deliveries" USING btree ("created_at");