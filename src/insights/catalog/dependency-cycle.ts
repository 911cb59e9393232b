import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy, text } from './helpers.js';

/**
 * Every dependency cycle, each once, as the tasks in dependency order starting from the smallest
 * id, so the same cycle always yields the same scope however the DFS happened to reach it.
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const found = new Map<string, string[]>();
  const visit = (task: string): void => {
    state.set(task, 'visiting');
    path.push(task);
    for (const next of edges.get(task) ?? []) {
      if (state.get(next) === 'visiting') {
        const cycle = path.slice(path.lastIndexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(canonical.join('\u0000'), canonical);
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(task, 'done');
  };
  for (const task of [...edges.keys()].sort()) if (!state.has(task)) visit(task);
  return [...found.values()];
}

/** Recovery procedures: "dependency_cycle_detected" (critical: the workstream can never proceed). */
export default defineEntry({
  kind: 'dependency_cycle',
  source: 'recovery-procedures',
  name: 'Dependency cycle',
  severity: 'critical',
  category: 'workflow',
  thresholds: z.object({}),
  detect({ window, now }) {
    const latest = latestBy(window, 'task.dependency', 'taskId', now);
    const edges = new Map([...latest].map(([task, s]) => [task, s.attributes.dependsOn]));
    return findCycles(edges).map((cycle): Detection => {
      const workstream = text(latest.get(cycle[0]!)?.attributes.workstream);
      return {
        scope: cycle.join('>'),
        summary: `Dependency cycle: ${[...cycle, cycle[0]].join(' → ')}.`,
        detail: 'No automatic recovery: the cycle must be broken by hand.',
        entities: cycle.map((task) => ({ kind: 'task' as const, id: task })),
        fields: workstream ? [{ label: 'Workstream', value: workstream }] : [],
        facts: { tasks: cycle.length, ...(workstream ? { workstream } : {}) },
      };
    });
  },
  title: (d) => `Dependency cycle (${d.entities.length} tasks)`,
  actions: () => [dismiss],
  runbook: [
    'View the dependency graph of the workstream.',
    'Break the cycle by removing one dependency between the tasks in it.',
    'Or cancel one task in the cycle.',
  ],
  preventiveTicket: {
    title: 'Reject dependency cycles when a workstream is planned',
    description: 'Two tasks waited on each other and the workstream could never proceed. Validate the task graph for cycles when dependencies are added, before anything is scheduled.',
    deliverables: ['Cycle check on adding a dependency', 'Clear error naming the tasks in the cycle'],
  },
  causedBy: [],
  recoveryRank: 25,
});
