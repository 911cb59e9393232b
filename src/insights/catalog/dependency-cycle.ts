import { z } from 'zod';
import { defineEntry, type ActionSpec, type Detection, type Entity } from './entry.js';
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

/** Each task of the cycle depends on the next (the last on the first): `a>b`, as the platform names a dependency. */
const edgesOf = (cycle: string[]): Entity[] =>
  cycle.map((task, i) => {
    const on = cycle[(i + 1) % cycle.length]!;
    return { kind: 'dependency', id: `${task}>${on}`, label: `${task} → ${on}` };
  });

/** Buttons per kind of fix: a long cycle is broken by any one of them, and a card has room for a few. */
const MAX_BUTTONS_EACH = 4;

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
        entities: [...cycle.map((task): Entity => ({ kind: 'task', id: task })), ...edgesOf(cycle)],
        fields: workstream ? [{ label: 'Workstream', value: workstream }] : [],
        facts: { tasks: cycle.length, ...(workstream ? { workstream } : {}) },
      };
    });
  },
  title: (d) => `Dependency cycle (${d.entities.filter((e) => e.kind === 'task').length} tasks)`,
  // The procedures' two ways to break it, one button per task and per dependency: which one is
  // on-call's call (the card names them all).
  actions: (d) => [
    ...d.entities
      .filter((e) => e.kind === 'dependency')
      .slice(0, MAX_BUTTONS_EACH)
      .map((dep): ActionSpec => {
        const [task, on] = dep.id.split('>');
        return {
          action: 'remove_dependency',
          label: `Remove ${dep.label ?? dep.id}`,
          target: dep,
          confirm: `Remove the dependency of ${task} on ${on}? ${task} may then run before ${on} has finished.`,
        };
      }),
    ...d.entities
      .filter((e) => e.kind === 'task')
      .slice(0, MAX_BUTTONS_EACH)
      .map((task): ActionSpec => ({
        action: 'cancel_task',
        label: `Cancel ${task.id}`,
        target: task,
        style: 'danger',
        confirm: `Cancel ${task.id}? It will not run; the cycle is broken, but the tasks waiting on it stay blocked.`,
      })),
    dismiss,
  ],
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
