import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy } from './helpers.js';

/** Recovery procedures: "Task failed after max_retries" (severity error, urgency medium: the workstream is blocked). */
export default defineEntry({
  kind: 'task_retries_exhausted',
  source: 'recovery-procedures',
  name: 'Task retries exhausted',
  severity: 'warning',
  category: 'workflow',
  thresholds: z.object({}),
  detect({ window, now }) {
    return [...latestBy(window, 'task.state', 'taskId', now).values()]
      .filter(({ attributes: a }) => a.state === 'failed' && a.attempt !== undefined && a.maxAttempts !== undefined && a.attempt >= a.maxAttempts)
      .map(({ attributes: a }): Detection => ({
        scope: a.taskId,
        summary: `Task ${a.taskId} failed after ${a.attempt} of ${a.maxAttempts} attempts.`,
        detail: 'Automatic retries are exhausted: manual investigation required.',
        entities: [
          { kind: 'task', id: a.taskId, ...(a.taskType ? { detail: a.taskType } : {}) },
          ...(a.workstream ? [{ kind: 'workstream' as const, id: a.workstream }] : []),
        ],
        fields: [
          ...(a.error ? [{ label: 'Error', value: a.error }] : []),
          ...(a.worker ? [{ label: 'Worker', value: a.worker }] : []),
        ],
        facts: { attempt: a.attempt!, maxAttempts: a.maxAttempts! },
      }));
  },
  title: (d) => `Task ${d.scope} out of retries`,
  actions: (d) => [
    ...d.entities
      .filter((e) => e.kind === 'task')
      .flatMap((task) => [
        { action: 'retry_task' as const, label: 'Retry task', target: task, style: 'primary' as const, confirm: `Retry ${task.id}? Fix the cause first (raise the timeout for a transient failure).` },
        { action: 'skip_task' as const, label: 'Skip task', target: task, style: 'danger' as const, confirm: `Mark ${task.id} completed without running it? Its dependents will proceed.` },
      ]),
    dismiss,
  ],
  runbook: [
    'Read the task log and failure details.',
    'Transient failure (timeout, network): increase the timeout or retries, then retry the task.',
    'Code, dependency or task-definition issue: fix it, then retry the task.',
    'Skip the task (marked completed, with a warning) only when the failure does not matter.',
  ],
  preventiveTicket: {
    title: 'Analyse exhausted retries to improve task definitions',
    description: 'A task failed on every attempt until its retries ran out and its workstream was blocked. Learn from failures: improve the task definition or worker implementation behind it.',
    deliverables: ['Root cause of the repeated failure', 'Task definition or worker fix', 'Timeout sized to the task'],
  },
  causedBy: ['worker_unresponsive', 'resource_exhausted'],
  recoveryRank: 30,
});
