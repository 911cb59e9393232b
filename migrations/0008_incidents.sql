CREATE TABLE "incident_insights" (
	"incident_id" bigint NOT NULL,
	"insight_id" bigint NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	CONSTRAINT "incident_insights_incident_id_insight_id_pk" PRIMARY KEY("incident_id","insight_id")
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"origin" text NOT NULL,
	"opened_by" jsonb NOT NULL,
	"resolved_by" jsonb,
	"channel" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"mitigated_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"labels" jsonb NOT NULL,
	"owner" text,
	"deliverables" jsonb NOT NULL,
	"status" text NOT NULL,
	"tracker" text NOT NULL,
	"external_id" text,
	"url" text,
	"incident_id" bigint,
	"created_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "incident_insights" ADD CONSTRAINT "incident_insights_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_insights_insight_idx" ON "incident_insights" USING btree ("insight_id");--> statement-breakpoint
CREATE INDEX "incidents_status_idx" ON "incidents" USING btree ("status","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_one_open_correlated_uq" ON "incidents" USING btree ("origin") WHERE origin = 'correlated' and status = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_open_fingerprint_uq" ON "tickets" USING btree ("tracker","fingerprint") WHERE status = 'open';