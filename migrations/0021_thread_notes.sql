CREATE TABLE "thread_notes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" bigint NOT NULL,
	"platform" text NOT NULL,
	"channel" text NOT NULL,
	"message_id" text NOT NULL,
	"actor" jsonb NOT NULL,
	"text" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"edited_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "thread_notes_message_uq" ON "thread_notes" USING btree ("platform","channel","message_id");--> statement-breakpoint
CREATE INDEX "thread_notes_incident_idx" ON "thread_notes" USING btree ("incident_id","at");--> statement-breakpoint
CREATE INDEX "thread_notes_at_idx" ON "thread_notes" USING btree ("at");