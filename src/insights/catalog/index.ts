import agentExecutionTimeout from './agent-execution-timeout.js';
import breakerOpen from './breaker-open.js';
import contextWindowHigh from './context-window-high.js';
import credentialExpiring from './credential-expiring.js';
import databaseUnreachable from './database-unreachable.js';
import deadLetterGrowing from './dead-letter-growing.js';
import dependencyCycle from './dependency-cycle.js';
import duplicateSubagentSpawns from './duplicate-subagent-spawns.js';
import type { CatalogEntry } from './entry.js';
import externalAlert from './external-alert.js';
import agentBudgetExceeded from '../../genai/catalog/agent-budget-exceeded.js';
import agentRunsFailing from '../../genai/catalog/agent-runs-failing.js';
import toolFailing from '../../genai/catalog/tool-failing.js';
import hallucinationDetected from './hallucination-detected.js';
import loopsStuck from './loops-stuck.js';
import mcpPoolExhausted from './mcp-pool-exhausted.js';
import mcpPoolHigh from './mcp-pool-high.js';
import mcpServerFailing from './mcp-server-failing.js';
import partnerProbationOver from './partner-probation-over.js';
import partnerTrustLow from './partner-trust-low.js';
import probeFailing from './probe-failing.js';
import providerDegraded from './provider-degraded.js';
import providerRecovered from './provider-recovered.js';
import redisMemoryPressure from './redis-memory-pressure.js';
import resourceExhausted from './resource-exhausted.js';
import retryStorm from './retry-storm.js';
import routineBudgetExhausted from './routine-budget-exhausted.js';
import runtimeExecutionFailures from './runtime-execution-failures.js';
import runtimeMemoryHigh from './runtime-memory-high.js';
import runtimeSessionStale from './runtime-session-stale.js';
import runtimeUnreachable from './runtime-unreachable.js';
import taskQueueGrowing from './task-queue-growing.js';
import taskRetriesExhausted from './task-retries-exhausted.js';
import traceReplayRegression from './trace-replay-regression.js';
import workerUnresponsive from './worker-unresponsive.js';
import workstreamFailed from './workstream-failed.js';

/**
 * Every failure kind, grouped by the seed it comes from. Listed by hand rather than globbed so a
 * missing import is a type error, not a silently absent rule.
 */
export const catalog: CatalogEntry[] = [
  // Team-X: the cascading failure
  runtimeExecutionFailures,
  runtimeUnreachable,
  runtimeSessionStale,
  runtimeMemoryHigh,
  loopsStuck,
  routineBudgetExhausted,
  mcpServerFailing,
  mcpPoolExhausted,
  mcpPoolHigh,
  providerDegraded,
  // ...and its follow-up once the provider is healthy again
  providerRecovered,
  // Failure scenarios playbook
  breakerOpen,
  hallucinationDetected,
  partnerTrustLow,
  // ...and its follow-up when the probation after lowering its autonomy is over
  partnerProbationOver,
  databaseUnreachable,
  agentExecutionTimeout,
  traceReplayRegression,
  redisMemoryPressure,
  // Self-healing research
  duplicateSubagentSpawns,
  retryStorm,
  contextWindowHigh,
  taskQueueGrowing,
  deadLetterGrowing,
  credentialExpiring,
  probeFailing,
  // Orchestration recovery procedures
  taskRetriesExhausted,
  workerUnresponsive,
  resourceExhausted,
  dependencyCycle,
  workstreamFailed,
  // What the team's other monitors send (Alertmanager, Grafana, PagerDuty Events v2 senders)
  externalAlert,
  // OpenTelemetry GenAI traces: agent signals derived from spans (src/genai/signals.ts)
  agentRunsFailing,
  toolFailing,
  agentBudgetExceeded,
];

const byKind = new Map(catalog.map((entry) => [entry.kind, entry]));

export function findEntry(kind: string): CatalogEntry | undefined {
  return byKind.get(kind);
}
