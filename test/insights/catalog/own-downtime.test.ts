import { describe, expect, it } from 'vitest';
import type { Gap } from '../../../src/cluster/presence.js';
import agentExecutionTimeout from '../../../src/insights/catalog/agent-execution-timeout.js';
import loopsStuck from '../../../src/insights/catalog/loops-stuck.js';
import runtimeUnreachable from '../../../src/insights/catalog/runtime-unreachable.js';
import workerUnresponsive from '../../../src/insights/catalog/worker-unresponsive.js';
import { detect, NOW, stored } from '../../support/signals.js';

const MINUTE = 60_000;
/** Triage was down between these times: nothing the platform sent then arrived. */
const down = (fromMinutesAgo: number, toMinutesAgo: number): Gap => ({ from: NOW - fromMinutesAgo * MINUTE, to: NOW - toMinutesAgo * MINUTE });

/**
 * Each time-based rule, on evidence that would fire without Triage's downtime: with a gap that
 * ended recently the platform gets the rule's threshold again from the gap's end; with the same
 * gap long ago (or a silence that began after it) the rule fires as before.
 */
describe("time-based rules and Triage's own downtime", () => {
  const cases = [
    {
      name: 'runtime unreachable (2 missed 30 s heartbeats)',
      entry: runtimeUnreachable,
      events: [stored('runtime.heartbeat', 12, { runtime: 'bash-runtime-elena', intervalSeconds: 30, employee: 'Elena' })],
      graceEndsAfterMinutes: 1,
    },
    {
      name: 'worker unresponsive (3 silent minutes)',
      entry: workerUnresponsive,
      events: [stored('worker.heartbeat', 12, { worker: 'worker-001', intervalSeconds: 60 })],
      graceEndsAfterMinutes: 3,
    },
    {
      name: 'agent execution timeout (5 minutes executing)',
      entry: agentExecutionTimeout,
      events: [stored('agent.execution', 12, { agent: 'agent-contract', executionId: 'exec-1', state: 'executing', intent: '#789' })],
      graceEndsAfterMinutes: 5,
    },
    {
      name: 'stuck loop (running 30 minutes)',
      entry: loopsStuck,
      events: [stored('loop.started', 40, { loopId: 'loop-55', ticket: '#55', title: 'Fix', employee: 'Elena', provider: 'openai' })],
      graceEndsAfterMinutes: 30,
    },
  ] as const;

  for (const c of cases) {
    it(`${c.name}: no detection within the grace after the gap, the usual detection after it`, () => {
      expect(detect(c.entry, [...c.events])).toHaveLength(1);
      // The gap ended 15 seconds ago: inside every rule's grace.
      expect(detect(c.entry, [...c.events], { gaps: [down(12, 0.25)] })).toEqual([]);
      // The same silence, with the gap's end further back than the rule's threshold: it fires.
      const longAgo = c.graceEndsAfterMinutes + 1;
      expect(detect(c.entry, [...c.events], { gaps: [down(longAgo + 1, longAgo)] })).toHaveLength(1);
    });
  }

  it('a gap that ended before the last sign of life changes nothing', () => {
    const events = [stored('runtime.heartbeat', 5, { runtime: 'bash-runtime-james', intervalSeconds: 30, employee: 'James' })];
    expect(detect(runtimeUnreachable, events, { gaps: [down(30, 20)] })).toHaveLength(1);
  });
});
