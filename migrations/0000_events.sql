CREATE TABLE "events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"event_key" text NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attributes" jsonb NOT NULL,
	"known" boolean NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "events_source_key_uq" ON "events" USING btree ("source","event_key");--> statement-breakpoint
CREATE INDEX "events_type_occurred_idx" ON "events" USING btree ("type","occurred_at");