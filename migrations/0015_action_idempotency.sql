CREATE TABLE "platform_idempotency_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"state" text NOT NULL,
	"response" jsonb,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "action_requests" ADD COLUMN "platform_key" text;--> statement-breakpoint
ALTER TABLE "action_requests" ADD COLUMN "failure_code" text;--> statement-breakpoint
CREATE INDEX "platform_idempotency_keys_created_idx" ON "platform_idempotency_keys" USING btree ("created_at");