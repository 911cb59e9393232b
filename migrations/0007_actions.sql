CREATE TABLE "action_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"action" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_id" text NOT NULL,
	"subject" text,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor" jsonb NOT NULL,
	"actor_key" text NOT NULL,
	"source_message" jsonb,
	"status" text NOT NULL,
	"outcome" text,
	"created_at" timestamp with time zone NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_id" text NOT NULL,
	"params" jsonb NOT NULL,
	"rationale" text NOT NULL,
	"requested_by" jsonb NOT NULL,
	"requested_by_key" text NOT NULL,
	"status" text NOT NULL,
	"decided_by" jsonb,
	"decided_by_key" text,
	"decided_at" timestamp with time zone,
	"outcome" text,
	"insight_id" bigint,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" jsonb NOT NULL,
	"actor_key" text NOT NULL,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"outcome" text NOT NULL,
	"detail" text,
	"source_message" jsonb,
	"duration_ms" integer,
	"request_id" bigint
);
--> statement-breakpoint
CREATE UNIQUE INDEX "action_requests_key_uq" ON "action_requests" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "action_requests_running_uq" ON "action_requests" USING btree ("action","target_kind","target_id") WHERE status = 'running';--> statement-breakpoint
CREATE INDEX "action_requests_deadline_idx" ON "action_requests" USING btree ("deadline_at") WHERE status = 'running';--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_pending_uq" ON "approvals" USING btree ("kind","target_kind","target_id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "approvals_status_idx" ON "approvals" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");