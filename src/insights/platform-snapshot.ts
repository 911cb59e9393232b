import type { AgenticLoop, McpServer, Platform, Provider, Routine, Runtime, Task, Worker, Workstream } from '../platform/port.js';

/**
 * The platform's state as last read through the Platform port. Rules run on every intake batch,
 * so they read this cached copy (refreshed on the evaluation tick), never the platform itself.
 */
export type PlatformSnapshot = {
  takenAt: number | null;
  runtimes: Runtime[];
  loops: AgenticLoop[];
  routines: Routine[];
  mcpServers: McpServer[];
  providers: Provider[];
  workers: Worker[];
  tasks: Task[];
  workstreams: Workstream[];
};

export const emptySnapshot = (): PlatformSnapshot => ({
  takenAt: null,
  runtimes: [],
  loops: [],
  routines: [],
  mcpServers: [],
  providers: [],
  workers: [],
  tasks: [],
  workstreams: [],
});

/** Reads everything in parallel; a failed read keeps that part of the previous snapshot. */
export async function takeSnapshot(platform: Platform, previous: PlatformSnapshot, now: number): Promise<PlatformSnapshot> {
  const [runtimes, loops, routines, mcpServers, providers, workers, tasks, workstreams] = await Promise.all([
    platform.listRuntimes(),
    platform.listLoops(),
    platform.listRoutines(),
    platform.listMcpServers(),
    platform.listProviders(),
    platform.listWorkers(),
    platform.listTasks(),
    platform.listWorkstreams(),
  ]);
  return {
    takenAt: now,
    runtimes: runtimes.ok ? runtimes.value : previous.runtimes,
    loops: loops.ok ? loops.value : previous.loops,
    routines: routines.ok ? routines.value : previous.routines,
    mcpServers: mcpServers.ok ? mcpServers.value : previous.mcpServers,
    providers: providers.ok ? providers.value : previous.providers,
    workers: workers.ok ? workers.value : previous.workers,
    tasks: tasks.ok ? tasks.value : previous.tasks,
    workstreams: workstreams.ok ? workstreams.value : previous.workstreams,
  };
}
