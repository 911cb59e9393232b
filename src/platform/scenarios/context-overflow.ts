import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Research: tool outputs pile up past the compaction threshold; quality slips before any error. */
const NAME = 'context-overflow';
const AGENT = 'research-agent';
const WINDOW = 128_000;

export const contextOverflow: Scenario = {
  name: NAME,
  title: `Context window at 94% for ${AGENT} (compaction threshold 75%)`,
  description: 'Context usage creeps from 45% to 94% over 40 minutes with no compaction; output validation starts failing.',
  build(start) {
    const t = timeline(NAME, start, 'agent-fleet');
    const usage = (ratio: number) => ({ agent: AGENT, usedTokens: Math.round(WINDOW * ratio), windowTokens: WINDOW, compactionThreshold: 0.75 });
    t.at(0).emit(min(40), 'context.usage', usage(0.45));
    t.emit(min(30), 'context.usage', usage(0.58));
    t.at(1 * SECOND).emit(min(20), 'context.usage', usage(0.66));
    t.emit(min(10), 'context.usage', usage(0.81));
    t.at(2 * SECOND).emit(min(3), 'context.usage', usage(0.94));
    t.emit(min(2), 'agent.validation', { agent: AGENT, result: 'failed', confidence: 0.62, detail: 'answer contradicts the task objective set at step 1' });
    return t.events();
  },
};
