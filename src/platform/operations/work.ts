import { z } from 'zod';
import { Task, Workstream } from '../port.js';
import { defineOperations } from './spec.js';

const Reason = z.string().trim().min(1).max(500);

/** An intent (playbook scenarios 2 and 5): what an agent was asked to do, and how it ended. */
export const Intent = z.object({
  id: z.string(),
  agent: z.string().nullable(),
  state: z.enum(['created', 'executing', 'completed', 'failed']),
  /** Why it failed, as the playbook tags it ("Agent timeout after 300s"). */
  errorReason: z.string().nullable(),
});
export type Intent = z.infer<typeof Intent>;

/** What validation rejected, as the platform keeps it: the raw signal and the model's output. */
export const RejectedOutput = z.object({
  input: z.string().nullable(),
  output: z.string().nullable(),
  detail: z.string().nullable(),
  confidence: z.number().nullable(),
});
export type RejectedOutput = z.infer<typeof RejectedOutput>;

/** A resource with a limited number of holders (recovery procedures, "Resource Exhaustion"). */
export const Resource = z.object({
  id: z.string(),
  used: z.number(),
  limit: z.number(),
  heldBy: z.string().nullable(),
  waiting: z.number(),
});
export type Resource = z.infer<typeof Resource>;

/** See ./index.ts. */
export const workOperations = defineOperations({
  /**
   * Agent execution timeout (playbook scenario 5): kill the task executing the intent and mark the
   * intent FAILED; without a reason the platform writes the playbook's ("Agent timeout after 300s").
   */
  killStuckTask: {
    collection: 'intents',
    verb: 'kill',
    body: z.strictObject({ reason: Reason.optional() }),
    answer: z.object({ intent: Intent, killedExecutionId: z.string() }),
  },
  /**
   * Hallucination detected (playbook scenario 2): tag the intent FAILED ("Hallucination: ..."); the
   * answer carries the rejected output and its input, for the regression case.
   */
  failIntent: {
    collection: 'intents',
    verb: 'fail',
    body: z.strictObject({ reason: Reason.optional() }),
    answer: z.object({ intent: Intent, rejected: RejectedOutput.nullable() }),
  },
  /** Resource exhaustion: `set_resource_limit.py --max-holders N`; one more holder by default. */
  raiseResourceLimit: {
    collection: 'resources',
    verb: 'raise-limit',
    body: z.strictObject({ maxHolders: z.number().int().positive().max(1_000).optional() }),
    answer: Resource,
  },
  /** `cancel_task.py`: a pending or executing task is cancelled, its resources released. */
  cancelTask: {
    collection: 'tasks',
    verb: 'cancel',
    body: z.strictObject({ reason: Reason }),
    answer: z.object({ task: Task, releasedResources: z.array(z.string()) }),
  },
  /** Dependency cycle: `remove_dependency.py --from a --to b`, the id being `a>b` (a depends on b). */
  removeDependency: {
    collection: 'dependencies',
    verb: 'remove',
    body: z.strictObject({}),
    answer: z.object({ taskId: z.string(), removed: z.string(), dependsOn: z.array(z.string()) }),
  },
  /**
   * Duplicate subagent spawns (self-healing research, idempotency guard): keep the subagent named,
   * stop every other running one of its task type.
   */
  stopDuplicateSpawns: {
    collection: 'subagents',
    verb: 'stop-duplicates',
    body: z.strictObject({}),
    answer: z.object({ kept: z.string(), taskType: z.string(), stopped: z.array(z.string()) }),
  },
  /** Workstream failed: `retry_failed_tasks.py`, the failed tasks pending again, the rest kept. */
  retryFailedTasks: {
    collection: 'workstreams',
    verb: 'retry-failed',
    body: z.strictObject({}),
    answer: z.object({ workstream: Workstream, retriedTaskIds: z.array(z.string()) }),
  },
  /** Workstream failed: `resume_workstream.py --from-task`, after a manual fix. */
  resumeWorkstream: {
    collection: 'workstreams',
    verb: 'resume',
    body: z.strictObject({ fromTask: z.string().trim().min(1).max(200) }),
    answer: z.object({ workstream: Workstream, resumedTaskIds: z.array(z.string()) }),
  },
});
