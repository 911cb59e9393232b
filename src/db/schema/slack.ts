import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Slack deliveries already handled (invariant 3 at the adapter's edge): Slack redelivers a
 * request it thinks was lost (X-Slack-Retry-Num) and people double-click, so the adapter inserts
 * the delivery's key first and only a request whose insert succeeded reaches the core. Rows are
 * pruned after a day; Slack gives up redelivering after minutes.
 */
export const slackDeliveries = pgTable(
  'slack_deliveries',
  {
    /** `action:${team}:${user}:${action_ts}:${action_id}`, `command:${team}:${trigger_id}` or an event id. */
    key: text('key').primaryKey(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('slack_deliveries_created_idx').on(t.createdAt)],
);
