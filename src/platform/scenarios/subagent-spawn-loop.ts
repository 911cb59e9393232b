import { min, SECOND, timeline, type Scenario } from './timeline.js';

/**
 * The research's "context monitor loop": a monitor fires every 6 minutes and spawns a new
 * memory-sync subagent without checking that one is already running (35-minute hangs follow).
 */
const NAME = 'subagent-spawn-loop';
const AGENT = 'assistant-main';
const WINDOW = 200_000;

export const subagentSpawnLoop: Scenario = {
  name: NAME,
  title: '4 memory-sync subagents running (expected max: 1)',
  description: 'Context usage passes 70%; the monitor spawns a memory-sync subagent every 6 minutes while the previous ones still run.',
  build(start) {
    const t = timeline(NAME, start, 'agent-fleet');
    t.at(0).emit(min(20), 'context.usage', { agent: AGENT, usedTokens: 142_000, windowTokens: WINDOW, compactionThreshold: 0.75 });
    const spawns = [19, 13, 7, 1];
    spawns.forEach((ago, i) => {
      t.at(i * SECOND).emit(min(ago), 'subagent.spawned', { taskType: 'memory-sync', agent: `memory-sync-${i + 1}`, expectedConcurrency: 1 });
      t.emit(min(ago) - 30 * SECOND, 'context.usage', { agent: AGENT, usedTokens: 146_000 + i * 6_000, windowTokens: WINDOW, compactionThreshold: 0.75 });
    });
    return t.events();
  },
};
