import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';

/**
 * A row in every pruned table on each side of its policy, named by a marker column: `drop…` rows
 * are past their age with nothing holding them, `keep…` rows are young or held (a live insight, an
 * open incident's links, a card with work queued, a pending approval…). Ages are in days.
 */
export const MARKED: Array<{ table: string; column: string }> = [
  { table: 'events', column: 'source' },
  { table: 'audit_log', column: 'action' },
  { table: 'doctor_runs', column: 'trigger' },
  { table: 'incidents', column: 'title' },
  { table: 'insights', column: 'title' },
  { table: 'insight_history', column: 'change' },
  { table: 'action_requests', column: 'action' },
  { table: 'approvals', column: 'rationale' },
  { table: 'tickets', column: 'title' },
  { table: 'chat_outbox', column: 'card_key' },
  { table: 'chat_messages', column: 'card_key' },
  { table: 'console_messages', column: 'channel' },
  { table: 'chat_work', column: 'kind' },
  { table: 'discord_confirmations', column: 'action_id' },
];

export async function seedAgedRows(database: Database, oldEvents = 25): Promise<void> {
  const q = (statement: ReturnType<typeof sql>) => database.query(statement);
  const ago = (days: number) => sql.raw(`now() - interval '${days} days'`);
  await q(sql`
    insert into events (source, event_key, type, occurred_at, received_at, attributes, known)
    select 'drop-event', 'old-' || g, 'agent.heartbeat', ${ago(20)}, ${ago(20)}, '{}'::jsonb, true from generate_series(1, ${oldEvents}) g`);
  await q(sql`
    insert into events (source, event_key, type, occurred_at, received_at, attributes, known)
    select 'keep-event', 'young-' || g, 'agent.heartbeat', now(), ${ago(13)}, '{}'::jsonb, true from generate_series(1, 3) g`);
  await q(sql`
    insert into audit_log (at, actor, actor_key, action, target, outcome) values
      (${ago(500)}, '{}', 'k', 'drop-audit', 't', 'succeeded'),
      (${ago(300)}, '{}', 'k', 'keep-audit-300-days', 't', 'succeeded')`);
  await q(sql`
    insert into doctor_runs (requested_by, trigger, sections, overall, report, duration_ms, started_at, finished_at) values
      ('{}', 'drop-doctor', '[]', 'HEALTHY', '{}', 1, ${ago(100)}, ${ago(100)}),
      ('{}', 'keep-doctor', '[]', 'HEALTHY', '{}', 1, ${ago(10)}, ${ago(10)})`);
  await q(sql`
    insert into incidents (id, title, status, origin, opened_by, channel, opened_at, resolved_at, updated_at) values
      (1, 'drop-incident-resolved', 'resolved', 'declared', '{}', 'ops', ${ago(400)}, ${ago(380)}, ${ago(380)}),
      (2, 'keep-incident-open', 'open', 'declared', '{}', 'ops', ${ago(400)}, null, ${ago(400)})`);
  await q(sql`
    insert into insights (id, fingerprint, kind, scope, severity, category, status, title, detection, detection_hash, first_seen_at, last_seen_at, resolved_at) values
      (1, 'a', 'k', 's', 'critical', 'operational', 'resolved', 'drop-insight', '{}', 'h', ${ago(400)}, ${ago(400)}, ${ago(390)}),
      (2, 'b', 'k', 's', 'critical', 'operational', 'resolved', 'keep-insight-in-open-incident', '{}', 'h', ${ago(400)}, ${ago(400)}, ${ago(390)}),
      (3, 'c', 'k', 's', 'critical', 'operational', 'open', 'keep-insight-live', '{}', 'h', ${ago(400)}, now(), null),
      (4, 'd', 'k', 's', 'critical', 'operational', 'resolved', 'drop-insight-of-resolved-incident', '{}', 'h', ${ago(400)}, ${ago(400)}, ${ago(390)})`);
  await q(sql`
    insert into incident_insights (incident_id, insight_id, joined_at) values (1, 4, ${ago(400)}), (2, 2, ${ago(400)})`);
  await q(sql`
    insert into insight_history (insight_id, episode, change, at) values
      (1, 1, 'drop-history', ${ago(400)}),
      (2, 1, 'keep-history-in-open-incident', ${ago(400)}),
      (3, 1, 'drop-history-of-live-insight', ${ago(400)}),
      (3, 1, 'keep-history-young', now()),
      (4, 1, 'drop-history-of-resolved-incident', ${ago(400)})`);
  await q(sql`
    insert into action_requests (idempotency_key, action, target_kind, target_id, actor, actor_key, status, created_at, deadline_at) values
      ('a1', 'drop-action', 'runtime', 'r1', '{}', 'k', 'succeeded', ${ago(100)}, ${ago(100)}),
      ('a2', 'keep-action-running', 'runtime', 'r2', '{}', 'k', 'running', ${ago(100)}, ${ago(100)}),
      ('a3', 'keep-action-young', 'runtime', 'r3', '{}', 'k', 'failed', ${ago(1)}, ${ago(1)})`);
  await q(sql`
    insert into approvals (kind, target_kind, target_id, params, rationale, requested_by, requested_by_key, status, created_at) values
      ('budget_override', 'routine', 'r1', '{}', 'drop-approval', '{}', 'k', 'approved', ${ago(400)}),
      ('budget_override', 'routine', 'r2', '{}', 'keep-approval-pending', '{}', 'k', 'pending', ${ago(400)})`);
  await q(sql`
    insert into tickets (fingerprint, title, description, labels, deliverables, status, tracker, created_at, closed_at) values
      ('f1', 'drop-ticket', 'd', '[]', '[]', 'closed', 'builtin', ${ago(400)}, ${ago(380)}),
      ('f2', 'keep-ticket-open', 'd', '[]', '[]', 'open', 'builtin', ${ago(400)}, null)`);
  await q(sql`
    insert into console_messages (id, channel, card, created_at, updated_at) values
      (1, 'drop-console', '{}', ${ago(100)}, ${ago(100)}),
      (2, 'keep-console-card-still-posted', '{}', ${ago(100)}, ${ago(100)}),
      (3, 'keep-console-young', '{}', now(), now())`);
  await q(sql`
    insert into chat_messages (platform, channel, card_key, message_id, posted_at, next_update_at, last_updated_at) values
      ('slack', 'ops', 'drop-card', 'm1', ${ago(100)}, ${ago(100)}, ${ago(95)}),
      ('console', 'keep-console-card-still-posted', 'keep-card-with-update-queued', '2', ${ago(100)}, ${ago(100)}, null),
      ('slack', 'ops', 'keep-card-young', 'm3', ${ago(100)}, ${ago(100)}, ${ago(1)})`);
  const outbox = (cardKey: string, channel: string, platform: string, kind: string, status: string, sentDaysAgo: number) => sql`
    insert into chat_outbox (kind, platform, channel, card_key, card, priority, status, attempts, available_at, created_at, updated_at, sent_at)
    values (${kind}, ${platform}, ${channel}, ${cardKey}, '{}', 1, ${status}, 1, ${ago(sentDaysAgo)}, ${ago(sentDaysAgo)}, ${ago(sentDaysAgo)},
            ${status === 'sent' ? ago(sentDaysAgo) : sql`null`})`;
  await q(outbox('drop-card', 'ops', 'slack', 'post', 'sent', 100));
  await q(outbox('keep-card-with-update-queued', 'keep-console-card-still-posted', 'console', 'post', 'sent', 100));
  await q(outbox('keep-card-with-update-queued', 'keep-console-card-still-posted', 'console', 'update', 'pending', 100));
  await q(outbox('keep-card-young', 'ops', 'slack', 'post', 'sent', 100));
  await q(outbox('drop-update-delivered', 'ops', 'slack', 'update', 'sent', 2));
  await q(outbox('keep-update-delivered-just-now', 'ops', 'slack', 'update', 'sent', 0));
  await q(outbox('drop-failed', 'ops', 'slack', 'update', 'failed', 40));
  await q(outbox('keep-failed-young', 'ops', 'slack', 'update', 'failed', 3));
  await q(sql`
    insert into chat_work (key, platform, kind, status, owner, lease_until, created_at) values
      ('w1', 'slack', 'drop-work', 'done', 'r', ${ago(2)}, ${ago(2)}),
      ('w2', 'slack', 'keep-work', 'done', 'r', now(), now())`);
  await q(sql`
    insert into discord_confirmations (key, action_id, channel_id, message_id, asked_at, expires_at) values
      ('c1', 'drop-confirmation', 'ch', 'm', ${ago(3)}, ${ago(3)}),
      ('c2', 'keep-confirmation', 'ch', 'm', now(), now() + interval '1 minute')`);
}

/** Rows by marker prefix, per table: `{ events: { drop: 25, keep: 3 }, ... }`. */
export async function markedCounts(database: Database): Promise<Record<string, { drop: number; keep: number }>> {
  const counts: Record<string, { drop: number; keep: number }> = {};
  for (const { table, column } of MARKED) {
    const [row] = await database.query<{ drop: number; keep: number }>(
      sql`select count(*) filter (where ${sql.identifier(column)} like 'drop%')::int as drop,
                 count(*) filter (where ${sql.identifier(column)} like 'keep%')::int as keep
          from ${sql.identifier(table)}`,
    );
    counts[table] = { drop: Number(row!.drop), keep: Number(row!.keep) };
  }
  return counts;
}
