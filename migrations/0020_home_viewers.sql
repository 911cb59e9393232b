CREATE TABLE "home_viewers" (
	"platform" text NOT NULL,
	"team_id" text DEFAULT '' NOT NULL,
	"user_id" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"shown_hash" text,
	"published_at" timestamp with time zone,
	CONSTRAINT "home_viewers_platform_team_id_user_id_pk" PRIMARY KEY("platform","team_id","user_id")
);
--> statement-breakpoint
CREATE INDEX "home_viewers_opened_idx" ON "home_viewers" USING btree ("opened_at");