import { z } from 'zod';
import { defineEntry, type ActionSpec, type Detection, type Entity } from './entry.js';
import { dismiss, latestBy, num, text, upTo } from './helpers.js';

/** Recovery procedures: "Resource exhaustion" (critical: the system stalls and will not raise limits itself). */
export default defineEntry({
  kind: 'resource_exhausted',
  source: 'recovery-procedures',
  name: 'Resource exhausted',
  severity: 'critical',
  category: 'operational',
  thresholds: z.object({}),
  detect({ window, now }) {
    const tasks = upTo(window, 'task.state', now);
    return [...latestBy(window, 'resource.usage', 'resource', now).values()]
      .filter((s) => s.attributes.used >= s.attributes.limit)
      .map(({ attributes: a }): Detection => {
        const heldBy = text(a.heldBy);
        // The sender's count if it gives one, else the tasks that said they wait for this resource.
        const waiting = num(a.waiting) ?? new Set(tasks.filter((t) => t.attributes.waitingFor === a.resource).map((t) => t.attributes.taskId)).size;
        const entities: Entity[] = [{ kind: 'resource', id: a.resource }, ...(heldBy ? [{ kind: 'task' as const, id: heldBy, detail: 'holds it' }] : [])];
        return {
          scope: a.resource,
          summary: `Resource ${a.resource} exhausted (${a.used} of ${a.limit} held${waiting ? `, ${waiting} tasks waiting` : ''}).`,
          detail: 'Tasks that need it wait in the queue; the system does not raise limits by itself.',
          entities,
          fields: heldBy ? [{ label: 'Held by', value: heldBy }] : [],
          facts: { used: a.used, limit: a.limit, waiting },
        };
      });
  },
  title: (d) => `Resource exhausted: ${d.scope}`,
  // The procedures' options 2 and 3: raise the limit (an approver decides: the system never raises
  // it by itself, and more holders is more spend), or cancel the task holding it.
  actions: (d) => {
    const limit = typeof d.facts?.limit === 'number' ? d.facts.limit : undefined;
    return [
      ...d.entities
        .filter((e) => e.kind === 'resource')
        .map((resource): ActionSpec => ({
          action: 'raise_resource_limit',
          label: limit === undefined ? 'Raise limit' : `Raise limit to ${limit + 1}`,
          target: resource,
          style: 'primary',
        })),
      ...d.entities
        .filter((e) => e.kind === 'task')
        .map((task): ActionSpec => ({
          action: 'cancel_task',
          label: `Cancel ${task.id}`,
          target: task,
          style: 'danger',
          confirm: `Cancel ${task.id}? Its work in progress is lost, and what it holds is released for the tasks waiting.`,
        })),
      dismiss,
    ];
  },
  runbook: [
    'See who holds the resource and for how long.',
    'Temporary: wait for it to be released.',
    'Permanent: increase the resource limit (e.g. max holders 2).',
    'A holder that hangs: cancel the task holding the resource.',
  ],
  preventiveTicket: {
    title: 'Size resource limits and time out resource holders',
    description: 'One task held the only write lock while others queued behind it. Review resource limits against demand and bound how long a task may hold a resource.',
    deliverables: ['Resource limits reviewed', 'Maximum hold time per resource', 'Alert on long holds'],
  },
  causedBy: ['worker_unresponsive'],
  recoveryRank: 25,
});
