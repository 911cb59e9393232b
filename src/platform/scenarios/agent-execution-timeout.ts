import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Playbook scenario 5: an agent hangs (infinite loop or external API timeout) mid-intent. */
const NAME = 'agent-execution-timeout';
const AGENT = 'agent-contract';

export const agentExecutionTimeout: Scenario = {
  name: NAME,
  title: 'AgentContract timeout for Intent #789',
  description: 'Intent #789 has been EXECUTING for 7 minutes (limit 5) and no load was created; an earlier intent finished in 40 s.',
  build(start) {
    const t = timeline(NAME, start, 'cortex');
    t.at(0).emit(min(12), 'agent.execution', { agent: AGENT, executionId: 'intent-788', state: 'executing' });
    t.emit(min(11.3), 'agent.execution', { agent: AGENT, executionId: 'intent-788', state: 'completed', durationSeconds: 40 });
    t.at(1 * SECOND).emit(min(7), 'agent.execution', { agent: AGENT, executionId: 'intent-789', state: 'executing', intent: '#789' });
    t.at(2 * SECOND).emit(min(1), 'probe.result', { probe: 'motion-load-created:intent-789', ok: false, detail: 'no Load created in Motion' });
    return t.events();
  },
};
