CREATE TABLE "replica_beats" (
	"replica" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_beat_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "triage_gaps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	"noticed_by" text NOT NULL,
	CONSTRAINT "triage_gaps_started_at_unique" UNIQUE("started_at")
);
--> statement-breakpoint
CREATE INDEX "replica_beats_last_beat_idx" ON "replica_beats" USING btree ("last_beat_at");--> statement-breakpoint
CREATE INDEX "triage_gaps_ended_idx" ON "triage_gaps" USING btree ("ended_at");