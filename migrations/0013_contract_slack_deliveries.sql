-- Contract step (docs/architecture.md, "Rolling upgrades"): Slack deliveries have been deduplicated
-- by chat_work since the replica release, which neither reads nor writes this table; the release
-- before it, the last that did, is not supported beside this one.
DROP TABLE IF EXISTS "slack_deliveries" CASCADE;
