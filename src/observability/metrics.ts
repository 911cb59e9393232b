import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge } from 'prom-client';

/** One registry per Triage instance, so tests can run several instances in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const eventsAccepted = new Counter({
    name: 'triage_intake_events_accepted_total',
    help: 'Events stored by the intake',
    labelNames: ['path'] as const,
    registers: [registry],
  });
  const otlpSpans = new Counter({
    name: 'triage_otlp_spans_total',
    help: 'Spans received on /v1/traces: folded as GenAI calls, ignored (not GenAI), or rejected (partial_success)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const eventsDuplicate = new Counter({
    name: 'triage_intake_events_duplicate_total',
    help: 'Events whose id had been stored before',
    labelNames: ['path'] as const,
    registers: [registry],
  });
  const unknownTypes = new Counter({
    name: 'triage_intake_events_unknown_type_total',
    help: 'Events of a type not in the registry (stored, with a warning)',
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'triage_intake_rejected_total',
    help: 'Intake requests rejected, by reason',
    labelNames: ['path', 'reason'] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'triage_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // A p99 of event-loop delay is what tells us Slack's 3-second rule is at risk.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  new Gauge({
    name: 'triage_event_loop_lag_p99_seconds',
    help: 'p99 event-loop delay since the last scrape',
    registers: [registry],
    collect() {
      this.set(loopDelay.percentile(99) / 1e9);
      loopDelay.reset();
    },
  });
  const insightRuleFailures = new Counter({
    name: 'triage_insight_rule_failures_total',
    help: 'Insight rules that threw (isolated: the other rules still ran)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  // Evaluation is the leader's main cost per event; its passes and their length tell an operator
  // (and bench/replicas) whether a slow leader is the rules or the database.
  const insightEvaluationSeconds = new Histogram({
    name: 'triage_insight_evaluation_seconds',
    help: 'Time of each insight evaluation on the leader, by phase: the rules over the window, then the reconcile writes',
    labelNames: ['phase'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const retentionDeleted = new Counter({
    name: 'triage_retention_deleted_rows_total',
    help: 'Rows deleted by retention, by policy (src/retention/policies.ts)',
    labelNames: ['policy'] as const,
    registers: [registry],
  });
  // Requests let in by a secret's previous value: once it stops growing, the previous value can go.
  const previousSecretUsed = new Counter({
    name: 'triage_auth_previous_secret_used_total',
    help: 'Requests authenticated with the previous value of a secret being rotated (INGEST_TOKEN_PREVIOUS, SLACK_SIGNING_SECRET_PREVIOUS)',
    labelNames: ['secret'] as const,
    registers: [registry],
  });
  const heartbeatSent = new Counter({
    name: 'triage_heartbeat_sent_total',
    help: 'Heartbeats the leader sent for Triage itself (HEARTBEAT_URL), by outcome: ok, rejected (4xx: check the URL or key), failed (unreachable after retries)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  type OutboxCounts = Record<'pending' | 'inFlight' | 'sent' | 'failed', number>;
  let outboxStats: (() => Promise<OutboxCounts>) | null = null;
  new Gauge({
    name: 'triage_outbox_rows',
    help: 'Chat outbox rows by status (failed rows are kept for inspection)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      if (!outboxStats) return;
      const stats = await outboxStats();
      for (const status of ['pending', 'inFlight', 'sent', 'failed'] as const) this.set({ status }, stats[status]);
    },
  });
  // Read from the database at scrape time, so every replica reports the deployment's lag, and a
  // dead leader's lag keeps growing where someone looks (src/insights/evaluator.ts).
  type EvaluatorView = { leading: boolean; lagSeconds: number | undefined };
  let evaluatorView: (() => Promise<EvaluatorView>) | null = null;
  const lag = new Gauge({
    name: 'triage_evaluator_lag_seconds',
    help: 'Age of the oldest stored event the leader has not evaluated yet (0 when caught up)',
    registers: [],
  });
  new Gauge({
    name: 'triage_evaluator_leader',
    help: '1 while this replica is the leader that evaluates the catalog',
    registers: [registry],
    async collect() {
      if (!evaluatorView) return;
      const view = await evaluatorView();
      this.set(view.leading ? 1 : 0);
      if (view.lagSeconds !== undefined) lag.set(view.lagSeconds);
    },
  });
  registry.registerMetric(lag);
  return {
    registry,
    insightRuleFailures,
    insightEvaluationSeconds,
    heartbeatSent,
    previousSecretUsed,
    retentionDeleted,
    watchEvaluator: (view: () => Promise<EvaluatorView>) => {
      evaluatorView = view;
    },
    watchOutbox: (stats: () => Promise<OutboxCounts>) => {
      outboxStats = stats;
    },
    eventsAccepted,
    eventsDuplicate,
    otlpSpans,
    unknownTypes,
    rejected,
    requestSeconds,
    stop: () => loopDelay.disable(),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
