import { z } from 'zod';
import { defineEntry, type ActionSpec, type Detection } from './entry.js';
import { dismiss, latestBy } from './helpers.js';

/** A button per failed task to resume from, for the first few: a card has room for a handful. */
const MAX_RESUME_BUTTONS = 3;

/**
 * The procedures' options: retry only the failed tasks, resume from a task fixed by hand (the
 * action reads the task's workstream from the platform), or roll back to the last checkpoint
 * (approval-gated: running tasks are cancelled).
 */
function fixesOf(d: Detection): ActionSpec[] {
  const workstreams = d.entities.filter((e) => e.kind === 'workstream');
  const failed = d.entities.filter((e) => e.kind === 'task');
  // The platform's count when the tasks themselves were not reported.
  const count = typeof d.facts?.failedTasks === 'number' ? d.facts.failedTasks : failed.length;
  const tasks = count === 1 ? 'failed task' : count > 1 ? `${count} failed tasks` : 'failed tasks';
  const retry = workstreams.map(
    (ws): ActionSpec => ({ action: 'retry_failed_tasks', label: 'Retry failed tasks', target: ws, style: 'primary', confirm: `Retry the ${tasks} of ${ws.id}? Each runs once more; completed tasks are kept.` }),
  );
  const of = workstreams[0]?.id ?? 'its workstream';
  const resume = failed.slice(0, MAX_RESUME_BUTTONS).map(
    (task): ActionSpec => ({
      action: 'resume_workstream',
      label: `Resume from ${task.id}`,
      target: task,
      confirm: `Resume ${of} from ${task.id}? Do it once ${task.id} is fixed by hand: it and the tasks waiting on it run again; completed tasks are kept.`,
    }),
  );
  const rollback = workstreams.map(
    (ws): ActionSpec => ({
      action: 'rollback_workstream',
      label: 'Roll back to checkpoint',
      target: ws,
      style: 'danger',
      confirm: `Roll ${ws.id} back to its last checkpoint? Running tasks are cancelled; completed tasks cannot be undone.`,
    }),
  );
  return [...retry, ...resume, ...rollback];
}

/** Recovery procedures: "Workstream failed" (critical, urgency high: the deliverable is blocked). */
export default defineEntry({
  kind: 'workstream_failed',
  source: 'recovery-procedures',
  name: 'Workstream failed',
  severity: 'critical',
  category: 'workflow',
  thresholds: z.object({}),
  detect({ window, now }) {
    const tasks = [...latestBy(window, 'task.state', 'taskId', now).values()];
    return [...latestBy(window, 'workstream.state', 'workstream', now).values()]
      .filter((s) => s.attributes.state === 'failed')
      .map(({ attributes: a }): Detection => {
        const own = tasks.filter((t) => t.attributes.workstream === a.workstream);
        const failed = own.filter((t) => t.attributes.state === 'failed');
        const failedCount = a.failedTasks ?? failed.length;
        return {
          scope: a.workstream,
          summary: `Workstream ${a.workstream} failed${own.length ? ` (${failedCount} of ${own.length} tasks)` : ''}.`,
          detail: own.length > 0 && failedCount >= own.length ? 'All tasks failed: a systemic issue (workers, resources, configuration).' : 'Partial failure: fix the failed tasks and retry them, or roll back.',
          entities: [
            { kind: 'workstream', id: a.workstream },
            ...failed.map((t) => ({ kind: 'task' as const, id: t.attributes.taskId, ...(t.attributes.error ? { detail: t.attributes.error } : {}) })),
          ],
          facts: { failedTasks: failedCount, tasks: own.length },
        };
      });
  },
  title: (d) => `Workstream ${d.scope} failed`,
  actions: (d) => [...fixesOf(d), dismiss],
  runbook: [
    'Analyse the failure: all tasks failed (systemic: workers, resources, configuration) or some (partial).',
    'Critical task failed: fix it and retry the workstream. Non-critical: retry only the failed tasks.',
    'Or fix by hand and resume from the failed task.',
    'Roll back to the last checkpoint when the state must be restored (completed tasks are not undone).',
  ],
  preventiveTicket: {
    title: 'Analyse failed workstreams to improve task definitions',
    description: 'A critical task failed and took its dependents and the workstream with it. Learn from failures: improve the task definitions and worker implementations behind it.',
    deliverables: ['Root cause of the failed tasks', 'Task definition fixes', 'Checkpoint before risky tasks'],
  },
  causedBy: ['task_retries_exhausted', 'dependency_cycle', 'resource_exhausted', 'worker_unresponsive'],
  recoveryRank: 45,
});
