import type { DoctorReport } from './report.js';
import { runDoctor, type DoctorContext, type DoctorInput } from './run.js';
import { findRun } from './store.js';

export type Doctor = {
  run(input: DoctorInput): Promise<DoctorReport>;
  find(runId: number): Promise<DoctorReport | undefined>;
};

/**
 * Doctor with its checks bound: what commands, buttons and the schedule are given. When several
 * people type /doctor during an incident, the ones who ask while the same sections are already
 * being checked get that run's report: the same answer, seconds sooner, and the platform and
 * the MCP servers are not probed once per person while they are struggling.
 */
export function createDoctor(ctx: DoctorContext): Doctor {
  const inFlight = new Map<string, Promise<DoctorReport>>();
  return {
    run: (input) => {
      const key = [...input.sections].sort().join(',');
      const running = inFlight.get(key);
      if (running) return running;
      const started = runDoctor(ctx, input).finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
    find: (runId) => findRun(ctx.db, runId),
  };
}
