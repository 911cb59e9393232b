import { agentExecutionTimeout } from './agent-execution-timeout.js';
import { cascadingFailure } from './cascading-failure.js';
import { circuitBreakerOpen } from './circuit-breaker-open.js';
import { contextOverflow } from './context-overflow.js';
import { credentialExpiring } from './credential-expiring.js';
import { databaseFailover } from './database-failover.js';
import { deadLetterGrowth } from './dead-letter-growth.js';
import { dependencyCycle } from './dependency-cycle.js';
import { hallucinationDetected } from './hallucination-detected.js';
import { partnerTrustDrop } from './partner-trust-drop.js';
import { probeFailing } from './probe-failing.js';
import { redisMemoryPressure } from './redis-memory-pressure.js';
import { resourceExhausted } from './resource-exhausted.js';
import { retryStorm } from './retry-storm.js';
import { subagentSpawnLoop } from './subagent-spawn-loop.js';
import { taskQueueGrowing } from './task-queue-growing.js';
import { taskRetriesExhausted } from './task-retries-exhausted.js';
import type { Scenario } from './timeline.js';
import { traceReplayRegression } from './trace-replay-regression.js';
import { workerUnresponsive } from './worker-unresponsive.js';
import { workstreamFailed } from './workstream-failed.js';

export type { Scenario, ScheduledEvent } from './timeline.js';

/** The seed incident first, then the playbook's, the orchestration procedures' and the research's. */
export const scenarios: Scenario[] = [
  cascadingFailure,
  circuitBreakerOpen,
  hallucinationDetected,
  partnerTrustDrop,
  databaseFailover,
  agentExecutionTimeout,
  traceReplayRegression,
  redisMemoryPressure,
  taskRetriesExhausted,
  workerUnresponsive,
  resourceExhausted,
  dependencyCycle,
  workstreamFailed,
  subagentSpawnLoop,
  contextOverflow,
  deadLetterGrowth,
  taskQueueGrowing,
  credentialExpiring,
  probeFailing,
  retryStorm,
];

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}
