CREATE TABLE "doctor_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"requested_by" jsonb NOT NULL,
	"trigger" text NOT NULL,
	"sections" jsonb NOT NULL,
	"overall" text NOT NULL,
	"report" jsonb NOT NULL,
	"duration_ms" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "doctor_runs_started_idx" ON "doctor_runs" USING btree ("started_at");