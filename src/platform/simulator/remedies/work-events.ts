import type { EventKinds } from '../apply-events.js';
import { patchObjects } from '../objects.js';

/** The simulator's objects of the work operations (src/platform/operations/work.ts). */
export const INTENT = 'intent';
export const RESOURCE = 'resource';
export const TASK_DEPENDENCIES = 'task_dependencies';
export const SUBAGENT = 'subagent';

// Senders add attributes the vocabulary does not name (who holds a lock, the raw input): read warily.
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
/** An intent is known by the name the platform gives it ("#789"), else by its execution. */
const intentOf = (a: { intent?: unknown; executionId: string }): string => text(a.intent) ?? a.executionId;
/** The model's output is kept as the text it was; a structured one as its JSON. */
const asText = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Events folded into the objects the work operations change (see ../apply-events.ts). Task and
 * workstream states are the platform_* tables' (../apply-work-events.ts), never folded here: this
 * map is spread over theirs.
 */
export const workRemedyEvents: EventKinds = {
  // An intent's execution; an end the platform reports (completed, failed, timed out) ends it.
  'agent.execution': {
    // Not merged: what a later state leaves out (when it started), an earlier one said.
    key: (a) => `${INTENT}:${intentOf(a)}`,
    apply: (items) =>
      patchObjects(
        INTENT,
        items.map(({ a, at }) => {
          const ended = a.state === 'timed_out' ? 'failed' : a.state;
          const reason = text(a.reason) ?? text(a.error);
          const timeout = num(a.timeoutSeconds);
          return {
            id: intentOf(a),
            patch: {
              agent: a.agent,
              executionId: a.executionId,
              state: ended,
              ...(a.state === 'executing' ? { executingSince: at.toISOString() } : {}),
              ...(reason ? { errorReason: reason } : {}),
              ...(timeout ? { timeoutSeconds: timeout } : {}),
            },
            at,
          };
        }),
      ),
  },
  // What validation said of an intent's output, with the raw signal and the output when sent.
  'agent.validation': {
    key: (a) => (text(a.intent) ? `${INTENT}:${text(a.intent)}` : `validation:${a.agent}`),
    apply: (items) =>
      patchObjects(
        INTENT,
        items.flatMap(({ a, at }) => {
          const intent = text(a.intent);
          if (!intent) return [];
          const input = asText(a.input);
          const output = asText(a.output);
          const validation = { result: a.result, confidence: a.confidence, ...(a.detail ? { detail: a.detail } : {}) };
          return [{ id: intent, patch: { agent: a.agent, validation, ...(input ? { input } : {}), ...(output ? { output } : {}) }, at }];
        }),
      ),
  },
  'resource.usage': {
    key: (a) => `${RESOURCE}:${a.resource}`,
    merge: (prev, next) => ({ a: { ...next.a, waiting: next.a.waiting ?? prev.a.waiting }, at: next.at }),
    apply: (items) =>
      patchObjects(
        RESOURCE,
        items.map(({ a, at }) => {
          const waiting = num(a.waiting);
          return { id: a.resource, patch: { used: a.used, limit: a.limit, heldBy: text(a.heldBy) ?? null, ...(waiting !== undefined ? { waiting } : {}) }, at };
        }),
      ),
  },
  'task.dependency': {
    key: (a) => `${TASK_DEPENDENCIES}:${a.taskId}`,
    merge: (prev, next) => ({ a: { ...next.a, workstream: next.a.workstream ?? prev.a.workstream }, at: next.at }),
    apply: (items) =>
      patchObjects(
        TASK_DEPENDENCIES,
        items.map(({ a, at }) => ({ id: a.taskId, patch: { dependsOn: a.dependsOn, ...(text(a.workstream) ? { workstream: text(a.workstream) } : {}) }, at })),
      ),
  },
  'subagent.spawned': {
    key: (a) => `${SUBAGENT}:${a.agent}`,
    merge: (_prev, next) => next,
    apply: (items) =>
      patchObjects(
        SUBAGENT,
        items.map(({ a, at }) => ({ id: a.agent, patch: { taskType: a.taskType, taskId: a.taskId ?? a.agent, state: 'running', spawnedAt: at.toISOString() }, at })),
      ),
  },
};
