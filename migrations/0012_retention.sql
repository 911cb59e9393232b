CREATE TABLE "outbox_counts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"n" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "events_routine_idx" ON "events" USING btree (("attributes"->>'routine'),"occurred_at") WHERE ("events"."attributes"->>'routine') is not null;--> statement-breakpoint
CREATE INDEX "insight_history_at_idx" ON "insight_history" USING btree ("at");--> statement-breakpoint
CREATE INDEX "insights_unpublished_idx" ON "insights" USING btree ("id") WHERE "insights"."version" > "insights"."published_version";--> statement-breakpoint
CREATE INDEX "action_requests_created_idx" ON "action_requests" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "approvals_insight_idx" ON "approvals" USING btree ("insight_id");--> statement-breakpoint
-- The outbox's counters, kept on write (src/db/schema/chat.ts, outboxCounts). Hand-written below
-- drizzle's generated statements: drizzle's schema has no triggers.
CREATE FUNCTION "outbox_count_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM outbox_counts;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO outbox_counts (status, n) SELECT status, count(*) FROM new_rows GROUP BY status;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO outbox_counts (status, n) SELECT status, -count(*) FROM old_rows GROUP BY status;
  ELSE
    INSERT INTO outbox_counts (status, n)
      SELECT status, sum(d) FROM (SELECT status, 1 AS d FROM new_rows UNION ALL SELECT status, -1 FROM old_rows) AS changes
      GROUP BY status HAVING sum(d) <> 0;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "chat_outbox_count_insert" AFTER INSERT ON "chat_outbox" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "outbox_count_deltas"();--> statement-breakpoint
CREATE TRIGGER "chat_outbox_count_update" AFTER UPDATE ON "chat_outbox" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "outbox_count_deltas"();--> statement-breakpoint
CREATE TRIGGER "chat_outbox_count_delete" AFTER DELETE ON "chat_outbox" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "outbox_count_deltas"();--> statement-breakpoint
CREATE TRIGGER "chat_outbox_count_truncate" AFTER TRUNCATE ON "chat_outbox"
  FOR EACH STATEMENT EXECUTE FUNCTION "outbox_count_deltas"();--> statement-breakpoint
-- The rows already there: CREATE TRIGGER holds writers off until this migration commits, so
-- nothing is counted twice or missed.
INSERT INTO "outbox_counts" ("status", "n") SELECT "status", count(*) FROM "chat_outbox" GROUP BY "status";
