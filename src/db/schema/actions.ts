import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Every button press that asks the platform to do something, stored before anything runs. The
 * idempotency key (the chat platform's id for that one click) is unique, so a redelivered click
 * finds its row instead of running again; at most one request per action and target is running,
 * so two people pressing Restart on one runtime start one restart.
 */
export const actionRequests = pgTable(
  'action_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull(),
    action: text('action').notNull(),
    targetKind: text('target_kind').notNull(),
    targetId: text('target_id').notNull(),
    /** What the card was about: 'insight:42', 'approval:7', 'doctor_run:3'. */
    subject: text('subject'),
    /** Extra input (a reason, a longer timeout), parsed with zod by the action. */
    params: jsonb('params').notNull().default({}),
    actor: jsonb('actor').notNull(),
    /** 'slack:U0123ABC': what role mapping and the two-person rule compare. */
    actorKey: text('actor_key').notNull(),
    /** The message the button was on ({ platform, channel, messageId }), to update it in place. */
    sourceMessage: jsonb('source_message'),
    /** 'running' | 'succeeded' | 'failed'. */
    status: text('status').notNull(),
    /** Shown on the card: "heartbeat detected after 4.2 s", the platform's error... */
    outcome: text('outcome'),
    /** For a failure: could pressing again help? Only then does the card offer Retry. */
    retryable: boolean('retryable'),
    /**
     * The Idempotency-Key every platform call of this request carries (docs/platform-api.md). A
     * Retry of a request whose outcome nobody knows (a timeout) carries the same key, so the
     * platform can tell it is the same restart; null for rows written before keys existed.
     */
    platformKey: text('platform_key'),
    /** Why it failed ('timeout', 'unavailable', 'deadline'...): tells a Retry whether to reuse the key. */
    failureCode: text('failure_code'),
    /** Times the watchdog ran it again after its replica stopped (src/actions/watchdog.ts): at most once. */
    resumes: integer('resumes').notNull().default(0),
    createdAt: at('created_at').notNull(),
    /** The watchdog marks a request still running after this as failed. */
    deadlineAt: at('deadline_at').notNull(),
    finishedAt: at('finished_at'),
  },
  (t) => [
    uniqueIndex('action_requests_key_uq').on(t.idempotencyKey),
    uniqueIndex('action_requests_running_uq').on(t.action, t.targetKind, t.targetId).where(sql`status = 'running'`),
    index('action_requests_deadline_idx').on(t.deadlineAt).where(sql`status = 'running'`),
    index('action_requests_created_idx').on(t.createdAt),
    // The card an action was pressed on shows its latest request (src/actions/insight-acts.ts).
    index('action_requests_subject_idx').on(t.subject, t.createdAt),
  ],
);

/**
 * An irreversible action waiting for a person allowed to decide it (a budget override first).
 * The decision is one conditional update (`WHERE status = 'pending' RETURNING`): of any number
 * of concurrent Approve and Deny clicks exactly one changes the row.
 */
export const approvals = pgTable(
  'approvals',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** 'budget_override' | 'rollback_workstream' | 'force_restart_worker'. */
    kind: text('kind').notNull(),
    targetKind: text('target_kind').notNull(),
    targetId: text('target_id').notNull(),
    /** What exactly would be done (amountUsd, scope...), parsed with zod per kind. */
    params: jsonb('params').notNull(),
    rationale: text('rationale').notNull(),
    requestedBy: jsonb('requested_by').notNull(),
    requestedByKey: text('requested_by_key').notNull(),
    /** 'pending' | 'approved' | 'denied' | 'failed' (approved, but the platform refused). */
    status: text('status').notNull(),
    decidedBy: jsonb('decided_by'),
    decidedByKey: text('decided_by_key'),
    decidedAt: at('decided_at'),
    /** The platform's answer once executed: the new limit, or why it failed. */
    outcome: text('outcome'),
    /** The insight it came from, when automatic (one approval card per budget exhaustion). */
    insightId: bigint('insight_id', { mode: 'number' }),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('approvals_pending_uq').on(t.kind, t.targetKind, t.targetId).where(sql`status = 'pending'`),
    index('approvals_status_idx').on(t.status, t.createdAt),
    // "Has this exhausted budget asked for its override yet?" on every publication of the insight.
    index('approvals_insight_idx').on(t.insightId),
  ],
);

/**
 * Append-only: every attempt, allowed or refused, and how it ended. Nothing updates or deletes a
 * row (a later outcome is a new row pointing at the same request). The post-mortem reads it.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: at('at').notNull(),
    actor: jsonb('actor').notNull(),
    actorKey: text('actor_key').notNull(),
    action: text('action').notNull(),
    /** 'runtime:bash-runtime-mike', 'approval:7'. */
    target: text('target').notNull(),
    /** 'refused' | 'started' | 'succeeded' | 'failed' | 'duplicate' | 'requested' | 'approved' | 'denied'. */
    outcome: text('outcome').notNull(),
    detail: text('detail'),
    sourceMessage: jsonb('source_message'),
    durationMs: integer('duration_ms'),
    requestId: bigint('request_id', { mode: 'number' }),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);
