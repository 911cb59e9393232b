import { z } from 'zod';
import { GENAI_EVENT_TYPES } from '../genai/event-types.js';
import { AlertFields, AlertLink } from '../alerts/model.js';

/**
 * The event vocabulary: every signal the seeds' failures need, one zod schema per type. The
 * intake, the simulator, the scenarios and the insight rules all read this one registry, so a
 * type's meaning cannot drift between the sender and the detector.
 *
 * Attribute objects are loose: unknown extra attributes are kept (senders add context we do not
 * model yet), but the named ones must be right.
 */
const name = z.string().min(1).max(200);
const percent = z.number().min(0).max(100);
const nonNeg = z.number().min(0);
const count = z.number().int().min(0);

export const RuntimeDownReason = z.enum(['connection_refused', 'timeout', 'oom', 'crashed', 'unknown']);
export type RuntimeDownReason = z.infer<typeof RuntimeDownReason>;

const alertAttributes = z.looseObject({
  ...AlertFields,
  alertname: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

export const EVENT_TYPES = {
  // Runtimes (Team-X story)
  'runtime.heartbeat': z.looseObject({
    runtime: name,
    intervalSeconds: z.number().positive().max(86_400),
    employee: name.optional(),
  }),
  'runtime.execution_failed': z.looseObject({
    runtime: name,
    employee: name.optional(),
    reason: RuntimeDownReason,
    error: z.string().max(4000).optional(),
  }),
  'runtime.disconnected': z.looseObject({ runtime: name, employee: name.optional(), reason: RuntimeDownReason }),
  'runtime.session_stale': z.looseObject({ runtime: name, sessionId: name, idleSeconds: nonNeg }),
  'runtime.memory': z.looseObject({ runtime: name, usedMb: nonNeg, limitMb: z.number().positive() }),

  // Agentic loops
  'loop.started': z.looseObject({
    loopId: name,
    ticket: name.optional(),
    employee: name.optional(),
    provider: name.optional(),
    title: z.string().max(500).optional(),
  }),
  'loop.progress': z.looseObject({ loopId: name, step: z.string().max(500).optional() }),
  'loop.finished': z.looseObject({ loopId: name, outcome: z.enum(['completed', 'failed', 'cancelled']) }),

  // Routines and budgets
  'routine.run': z.looseObject({
    routine: name,
    status: z.enum(['succeeded', 'failed']),
    error: z.string().max(4000).optional(),
    costUsd: nonNeg.optional(),
  }),
  'routine.spend': z.looseObject({
    routine: name,
    spentUsd: nonNeg,
    limitUsd: z.number().positive(),
    period: z.enum(['day', 'week', 'month']).default('month'),
  }),
  'routine.paused': z.looseObject({ routine: name, reason: z.string().min(1).max(500) }),
  'routine.resumed': z.looseObject({ routine: name }),

  // MCP servers and LLM providers
  'mcp.health': z.looseObject({
    server: name,
    status: z.enum(['healthy', 'degraded', 'failing']),
    latencyMs: nonNeg.optional(),
    error: z.string().max(4000).optional(),
  }),
  'mcp.pool': z.looseObject({ server: name, inUse: count, size: z.number().int().positive(), waiting: count.optional() }),
  'provider.health': z.looseObject({
    provider: name,
    latencyMs: nonNeg,
    errorRate: z.number().min(0).max(1),
    status: z.enum(['connected', 'degraded', 'down']).optional(),
  }),
  'endpoint.calls': z.looseObject({ endpoint: name, callsPerMinute: nonNeg, baselinePerMinute: nonNeg.optional() }),

  // Tasks, workers, workstreams (orchestration recovery procedures)
  'task.state': z.looseObject({
    taskId: name,
    state: z.enum(['pending', 'executing', 'completed', 'failed', 'timed_out', 'skipped', 'cancelled']),
    taskType: name.optional(),
    workstream: name.optional(),
    worker: name.optional(),
    attempt: z.number().int().min(1).optional(),
    maxAttempts: z.number().int().min(1).optional(),
    error: z.string().max(4000).optional(),
  }),
  'task.dependency': z.looseObject({ taskId: name, dependsOn: z.array(name).max(1000) }),
  'worker.heartbeat': z.looseObject({ worker: name, intervalSeconds: z.number().positive().max(86_400).optional() }),
  'worker.state': z.looseObject({ worker: name, state: z.enum(['healthy', 'unresponsive', 'stopped']) }),
  'workstream.state': z.looseObject({
    workstream: name,
    state: z.enum(['running', 'completed', 'failed', 'rolled_back']),
    failedTasks: count.optional(),
  }),
  'subagent.spawned': z.looseObject({
    taskType: name,
    agent: name,
    taskId: name.optional(),
    expectedConcurrency: z.number().int().min(1).optional(),
  }),
  'resource.usage': z.looseObject({ resource: name, used: nonNeg, limit: z.number().positive() }),

  // Playbook signals
  'breaker.state': z.looseObject({
    breaker: name,
    partner: name.optional(),
    state: z.enum(['closed', 'open', 'half_open']),
    failureRate: z.number().min(0).max(1).optional(),
  }),
  'partner.trust_score': z.looseObject({ partner: name, score: z.number().min(0).max(1) }),
  'agent.validation': z.looseObject({
    agent: name,
    result: z.enum(['passed', 'hallucination', 'failed']),
    confidence: z.number().min(0).max(1),
    detail: z.string().max(4000).optional(),
  }),
  'agent.execution': z.looseObject({
    agent: name,
    executionId: name,
    state: z.enum(['executing', 'completed', 'failed', 'timed_out']),
  }),
  'database.status': z.looseObject({
    database: name,
    role: z.enum(['primary', 'replica']),
    status: z.enum(['up', 'down', 'failover']),
  }),
  'trace.replay': z.looseObject({ suite: name, passRate: z.number().min(0).max(1), baselinePassRate: z.number().min(0).max(1) }),
  'redis.memory': z.looseObject({
    instance: name,
    usedPercent: percent,
    evictedKeys: count.optional(),
    evictedIdempotencyKeys: count.optional(),
  }),

  // Self-healing research signals
  'queue.depth': z.looseObject({ queue: name, kind: z.enum(['task', 'dead_letter']), depth: count }),
  'context.usage': z.looseObject({
    agent: name,
    usedTokens: count,
    windowTokens: z.number().int().positive(),
    compactionThreshold: z.number().min(0).max(1).optional(),
  }),
  'credential.expiry': z.looseObject({ credential: name, expiresAt: z.iso.datetime({ offset: true }) }),
  'probe.result': z.looseObject({ probe: name, ok: z.boolean(), detail: z.string().max(4000).optional() }),

  // Recovery readiness
  'backup.completed': z.looseObject({ target: name, sizeBytes: count.optional() }),

  // External alerts (Alertmanager, PagerDuty Events v2 senders, Grafana), translated by the
  // intake into one shape (src/alerts/model.ts); Alertmanager's own fields are kept beside it.
  'alert.firing': alertAttributes,
  'alert.acknowledged': alertAttributes,
  'alert.resolved': alertAttributes,
  // PagerDuty change events: "what changed before it broke", quoted by incidents opened soon after.
  'change.recorded': z.looseObject({
    summary: z.string().min(1).max(1024),
    origin: z.string().min(1).max(100).optional(),
    affected: z.string().min(1).max(255).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
    links: z.array(AlertLink).max(20).optional(),
  }),
  // Agent signals derived from OpenTelemetry GenAI traces (src/genai/signals.ts).
  ...GENAI_EVENT_TYPES,
} as const;

export type EventType = keyof typeof EVENT_TYPES;
export type EventAttributes<T extends EventType> = z.infer<(typeof EVENT_TYPES)[T]>;

export function isKnownEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_TYPES, type);
}

/** A well-typed event as senders in this codebase build it (simulator, scenarios). */
export type TypedEvent<T extends EventType = EventType> = {
  [K in T]: {
    id?: string;
    type: K;
    source: string;
    occurredAt: string;
    attributes: z.input<(typeof EVENT_TYPES)[K]>;
  };
}[T];
