CREATE TABLE "platform_breakers" (
	"id" text PRIMARY KEY NOT NULL,
	"partner" text,
	"state" text NOT NULL,
	"failure_rate" double precision
);
--> statement-breakpoint
CREATE TABLE "platform_employees" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_loops" (
	"id" text PRIMARY KEY NOT NULL,
	"ticket" text,
	"title" text,
	"employee_id" text,
	"provider" text,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"cancel_reason" text
);
--> statement-breakpoint
CREATE TABLE "platform_mcp_servers" (
	"id" text PRIMARY KEY NOT NULL,
	"transport" text NOT NULL,
	"status" text NOT NULL,
	"pool_size" integer NOT NULL,
	"pool_in_use" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_providers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"latency_ms" double precision,
	"error_rate" double precision
);
--> statement-breakpoint
CREATE TABLE "platform_routines" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"paused_reason" text,
	"budget_limit_usd" numeric(12, 2) NOT NULL,
	"budget_spent_usd" numeric(12, 2) NOT NULL,
	"budget_period" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_runtimes" (
	"id" text PRIMARY KEY NOT NULL,
	"employee_id" text NOT NULL,
	"status" text NOT NULL,
	"heartbeat_interval_seconds" integer NOT NULL,
	"last_heartbeat_at" timestamp with time zone,
	"last_down_reason" text,
	"memory_limit_mb" integer NOT NULL,
	"restart_requested_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "platform_seed" (
	"id" text PRIMARY KEY NOT NULL,
	"seeded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"workstream_id" text,
	"worker_id" text,
	"state" text NOT NULL,
	"attempt" integer NOT NULL,
	"max_attempts" integer NOT NULL,
	"timeout_seconds" integer NOT NULL,
	"skip_reason" text
);
--> statement-breakpoint
CREATE TABLE "platform_workers" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"last_heartbeat_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "platform_workstreams" (
	"id" text PRIMARY KEY NOT NULL,
	"state" text NOT NULL
);
