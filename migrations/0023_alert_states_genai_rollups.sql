CREATE TABLE "alert_states" (
	"origin" text NOT NULL,
	"key" text NOT NULL,
	"status" text NOT NULL,
	"alert" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "alert_states_origin_key_pk" PRIMARY KEY("origin","key")
);
--> statement-breakpoint
CREATE TABLE "genai_rollups" (
	"minute" timestamp with time zone NOT NULL,
	"dimension" text NOT NULL,
	"key" text NOT NULL,
	"calls" integer NOT NULL,
	"errors" integer NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"max_input_tokens" integer NOT NULL,
	"latency_buckets" integer[] NOT NULL,
	"last_error" text,
	CONSTRAINT "genai_rollups_minute_dimension_key_pk" PRIMARY KEY("minute","dimension","key")
);
--> statement-breakpoint
CREATE INDEX "alert_states_open_idx" ON "alert_states" USING btree ("status","updated_at");