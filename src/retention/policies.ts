import { sql, type SQL } from 'drizzle-orm';

/**
 * The retention registry: every table that grows with traffic has a policy here, and every other
 * table says why it does not grow (test/retention/registry.test.ts fails for a table in neither
 * list, so a table added later cannot be forgotten). docs/architecture.md, "Retention".
 *
 * A policy deletes at most `limit` rows per statement, oldest first where an index allows it, so
 * each batch is a short transaction of its own that holds no lock intake needs: intake only
 * inserts new rows, and a batch only touches rows past their age.
 */
export type RetentionPolicy = {
  /** The key in `retention:` of triage.config.yml (days), and the metric's label. */
  name: string;
  /** The tables whose rows this policy deletes. */
  tables: readonly string[];
  defaultDays: number;
  /** Below this the product breaks (redeliveries, the evaluator's window, the post-mortem). */
  minDays: number;
  /** What is kept, in words, for the README and the configuration error. */
  keeps: string;
  /** One batch: deletes up to `limit` rows older than `cutoff` (a timestamptz); answers how many it deleted. */
  batch(cutoff: SQL, limit: number): SQL;
};

const counted = (deletion: SQL): SQL => sql`with deleted as (${deletion} returning 1) select count(*)::int as n from deleted`;

export const RETENTION_POLICIES: readonly RetentionPolicy[] = [
  {
    name: 'events',
    tables: ['events'],
    defaultDays: 14,
    // The evaluator's window is 6 hours and "View logs" shows the latest runs: a day is the floor.
    minDays: 1,
    keeps: 'accepted events, by when they were received',
    // No ORDER BY: the BRIN index on received_at finds the old block ranges and LIMIT stops there;
    // ordering by seq would walk the whole primary key when nothing is old yet.
    batch: (cutoff, limit) =>
      counted(sql`delete from events where seq in (select seq from events where received_at < ${cutoff} limit ${limit})`),
  },
  {
    name: 'audit_log',
    tables: ['audit_log'],
    defaultDays: 400,
    minDays: 30,
    keeps: 'who did what: every action, refusal and decision (kept longest)',
    batch: (cutoff, limit) =>
      counted(sql`delete from audit_log where id in (select id from audit_log where at < ${cutoff} order by at limit ${limit})`),
  },
  {
    name: 'doctor_runs',
    tables: ['doctor_runs'],
    defaultDays: 90,
    minDays: 1,
    keeps: 'Doctor reports (Re-run, Copy report, and the post-mortem quote them)',
    batch: (cutoff, limit) =>
      counted(
        sql`delete from doctor_runs where id in (select id from doctor_runs where started_at < ${cutoff} order by started_at limit ${limit})`,
      ),
  },
  {
    // Before insights: an incident's links are what keep its insights for its minutes.
    name: 'incidents',
    tables: ['incidents', 'incident_insights'],
    defaultDays: 365,
    minDays: 30,
    keeps: 'resolved incidents and which insights they held, by when they were resolved; open ones always',
    batch: (cutoff, limit) => sql`
      with doomed as (
        select id from incidents where status = 'resolved' and resolved_at < ${cutoff} order by resolved_at limit ${limit}),
      links as (delete from incident_insights where incident_id in (select id from doomed)),
      deleted as (delete from incidents where id in (select id from doomed) returning 1)
      select count(*)::int as n from deleted`,
  },
  {
    // The minutes quote the thread: kept as long as incidents are, and an unresolved one's always.
    name: 'thread_notes',
    tables: ['thread_notes'],
    defaultDays: 365,
    minDays: 30,
    keeps: "what people wrote in incident threads, by when it was written; an incident's still open always",
    batch: (cutoff, limit) =>
      counted(sql`delete from thread_notes where id in (select n.id from thread_notes n where n.at < ${cutoff} and not exists (
        select 1 from incidents i where i.id = n.incident_id and i.status <> 'resolved') order by n.at limit ${limit})`),
  },
  {
    // History first: an insight goes once none of its history is left (the foreign key).
    name: 'insight_history',
    tables: ['insight_history'],
    defaultDays: 365,
    minDays: 30,
    keeps: "what happened to each insight, unless it belongs to an incident still kept (its minutes' timeline)",
    batch: (cutoff, limit) =>
      counted(sql`
        delete from insight_history where id in (
          select h.id from insight_history h
          where h.at < ${cutoff}
            and not exists (select 1 from incident_insights l where l.insight_id = h.insight_id)
          order by h.at limit ${limit})`),
  },
  {
    name: 'insights',
    tables: ['insights'],
    defaultDays: 365,
    minDays: 30,
    keeps: 'resolved insights, by when they were resolved; live ones always, and those an incident still holds',
    batch: (cutoff, limit) =>
      counted(sql`
        delete from insights where id in (
          select i.id from insights i
          where i.status = 'resolved' and i.resolved_at < ${cutoff}
            and not exists (select 1 from insight_history h where h.insight_id = i.id)
            and not exists (select 1 from incident_insights l where l.insight_id = i.id)
          limit ${limit})`),
  },
  {
    name: 'alert_states',
    tables: ['alert_states'],
    defaultDays: 90,
    minDays: 7,
    keeps: 'external alerts resolved by their sender, by when they were resolved; open ones always',
    batch: (cutoff, limit) =>
      counted(sql`
        delete from alert_states where (origin, key) in (
          select origin, key from alert_states where status = 'resolved' and updated_at < ${cutoff} order by updated_at limit ${limit})`),
  },
  {
    name: 'genai_rollups',
    tables: ['genai_rollups'],
    defaultDays: 14,
    // Retry storms are judged against the last hour's calls; a day leaves room for a quiet night.
    minDays: 1,
    keeps: 'per-minute GenAI call counts from OpenTelemetry traces, by their minute',
    batch: (cutoff, limit) =>
      counted(sql`
        delete from genai_rollups where (minute, dimension, key) in (
          select minute, dimension, key from genai_rollups where minute < ${cutoff} order by minute limit ${limit})`),
  },
  {
    name: 'action_requests',
    tables: ['action_requests'],
    defaultDays: 90,
    minDays: 1,
    keeps: 'finished recovery actions (running ones always)',
    batch: (cutoff, limit) =>
      counted(sql`
        delete from action_requests where id in (
          select id from action_requests where status <> 'running' and created_at < ${cutoff} order by created_at limit ${limit})`),
  },
  {
    name: 'approvals',
    tables: ['approvals'],
    defaultDays: 365,
    minDays: 30,
    keeps: 'decided approvals (pending ones always)',
    batch: (cutoff, limit) =>
      counted(sql`
        delete from approvals where id in (
          select id from approvals where status <> 'pending' and created_at < ${cutoff} order by created_at limit ${limit})`),
  },
  {
    name: 'tickets',
    tables: ['tickets'],
    defaultDays: 365,
    minDays: 30,
    keeps: 'closed preventive tickets (open ones always: they deduplicate new ones)',
    batch: (cutoff, limit) =>
      counted(sql`delete from tickets where id in (select id from tickets where status = 'closed' and closed_at < ${cutoff} limit ${limit})`),
  },
  {
    name: 'chat_updates',
    tables: ['chat_outbox'],
    defaultDays: 1,
    minDays: 1,
    keeps: 'delivered card updates (history nobody reads once the card shows them)',
    batch: (cutoff, limit) =>
      counted(sql`
        delete from chat_outbox where id in (
          select id from chat_outbox where kind = 'update' and status = 'sent' and sent_at < ${cutoff} limit ${limit})`),
  },
  {
    name: 'chat_failures',
    tables: ['chat_outbox'],
    defaultDays: 30,
    minDays: 7,
    keeps: 'outbox rows that failed for good (visible in /doctor and /metrics until then)',
    batch: (cutoff, limit) =>
      counted(sql`
        delete from chat_outbox where id in (
          select id from chat_outbox where status = 'failed' and updated_at < ${cutoff} limit ${limit})`),
  },
  {
    // A card's message and its post go together: with neither left, a later change of the card
    // posts it afresh (src/chat/outbox/enqueue.ts) instead of updating a message nobody has.
    name: 'chat_cards',
    tables: ['chat_messages', 'chat_outbox'],
    defaultDays: 90,
    minDays: 7,
    keeps: 'where each card was posted, by its last post or update; cards with work queued always',
    batch: (cutoff, limit) => sql`
      with doomed as (
        select m.platform, m.channel, m.card_key from chat_messages m
        where coalesce(m.last_updated_at, m.posted_at) < ${cutoff}
          and not exists (select 1 from chat_outbox q
                          where q.platform = m.platform and q.channel = m.channel and q.card_key = m.card_key
                            and q.status in ('pending', 'in_flight'))
        limit ${limit}),
      posts as (
        delete from chat_outbox o using doomed d
        where o.platform = d.platform and o.channel = d.channel and o.card_key = d.card_key),
      deleted as (
        delete from chat_messages m using doomed d
        where m.platform = d.platform and m.channel = d.channel and m.card_key = d.card_key returning 1)
      select count(*)::int as n from deleted`,
  },
  {
    name: 'console_messages',
    tables: ['console_messages'],
    defaultDays: 90,
    minDays: 7,
    keeps: "the web console's chat history, by last change; a message a card still points at always",
    batch: (cutoff, limit) =>
      counted(sql`
        delete from console_messages where id in (
          select c.id from console_messages c
          where c.updated_at < ${cutoff}
            and not exists (select 1 from console_messages r where r.thread_of = c.id and r.updated_at >= ${cutoff})
            and not exists (select 1 from chat_messages m
                            where m.platform = 'console' and m.channel = c.channel and m.message_id = c.id::text)
          limit ${limit})`),
  },
  {
    name: 'chat_work',
    tables: ['chat_work'],
    defaultDays: 1,
    // A delivery's row is what makes a redelivery a no-op: Slack and Discord redeliver for minutes.
    minDays: 1,
    keeps: 'acknowledged chat work and the deliveries it deduplicates',
    batch: (cutoff, limit) =>
      counted(sql`delete from chat_work where key in (select key from chat_work where created_at < ${cutoff} limit ${limit})`),
  },
  {
    name: 'discord_confirmations',
    tables: ['discord_confirmations'],
    defaultDays: 1,
    minDays: 1,
    keeps: 'Discord "are you sure?" prompts, by when they expired',
    batch: (cutoff, limit) =>
      counted(sql`
        delete from discord_confirmations where key in (
          select key from discord_confirmations where expires_at < ${cutoff} order by expires_at limit ${limit})`),
  },
  {
    name: 'platform_idempotency_keys',
    tables: ['platform_idempotency_keys'],
    defaultDays: 7,
    // A Retry after a timeout sends the first press's key again: it must still be on record then.
    minDays: 1,
    keeps: "the embedded simulator's record of actions by Idempotency-Key (a repeat is answered from it)",
    batch: (cutoff, limit) =>
      counted(sql`
        delete from platform_idempotency_keys where key in (
          select key from platform_idempotency_keys where created_at < ${cutoff} order by created_at limit ${limit})`),
  },
  {
    name: 'replica_beats',
    tables: ['replica_beats'],
    defaultDays: 1,
    // A beat older than a day belongs to a process long gone; the newest beat is what gaps start from.
    minDays: 1,
    keeps: "each replica process's last beat (src/cluster/presence.ts), by when it last beat",
    batch: (cutoff, limit) =>
      counted(sql`
        delete from replica_beats where replica in (
          select replica from replica_beats where last_beat_at < ${cutoff} order by last_beat_at limit ${limit})`),
  },
  {
    name: 'home_viewers',
    tables: ['home_viewers'],
    defaultDays: 30,
    // Opening Home again adds the person back at once; a day keeps today's viewers refreshed.
    minDays: 1,
    keeps: 'who opened the Home tab and what they were last shown, by when they last opened it (the leader refreshes only these)',
    batch: (cutoff, limit) =>
      counted(sql`
        delete from home_viewers where (platform, team_id, user_id) in (
          select platform, team_id, user_id from home_viewers where opened_at < ${cutoff} order by opened_at limit ${limit})`),
  },
  {
    name: 'triage_gaps',
    tables: ['triage_gaps'],
    defaultDays: 90,
    minDays: 1,
    keeps: "Triage's own downtime, by when it ended (time-based rules give the platform grace after one)",
    batch: (cutoff, limit) =>
      counted(sql`delete from triage_gaps where id in (select id from triage_gaps where ended_at < ${cutoff} order by ended_at limit ${limit})`),
  },
];

/**
 * Tables that grow with traffic but are folded rather than aged: the pruner runs these first on
 * every pass. The outbox's counters (one delta per statement) fold into one row per status.
 */
export const COMPACTIONS: ReadonlyArray<{ table: string; statement: SQL }> = [
  {
    table: 'outbox_counts',
    statement: sql`
      with taken as (delete from outbox_counts returning status, n)
      insert into outbox_counts (status, n)
      select status, sum(n) from taken group by status having sum(n) <> 0`,
  },
];

/** Tables that do not grow with traffic, and why: the registry test accepts these and no others. */
export const BOUNDED_TABLES: Readonly<Record<string, string>> = {
  leases: 'one row per lease name: the evaluator and one per scheduled job',
  log_cursors: 'one row per consumer of the event log',
  scheduled_jobs: 'one row per scheduled job',
  chat_channels: 'one row per chat channel cards go to',
  chat_workspace_pace: 'one row per chat platform: its shared update pace',
  platform_seed: "the embedded simulator's workspace: seeded once, then only updated",
  platform_employees: "the embedded simulator's workspace",
  platform_runtimes: "the embedded simulator's workspace",
  platform_loops: "the embedded simulator's workspace",
  platform_routines: "the embedded simulator's workspace",
  platform_mcp_servers: "the embedded simulator's workspace",
  platform_providers: "the embedded simulator's workspace",
  platform_workers: "the embedded simulator's workspace",
  platform_workstreams: "the embedded simulator's workspace",
  platform_tasks: "the embedded simulator's workspace",
  platform_breakers: "the embedded simulator's workspace",
  platform_objects: "the embedded simulator's workspace: one row per object its recovery operations change",
};
