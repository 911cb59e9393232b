import { min, SECOND, timeline, type Scenario } from './timeline.js';

/**
 * Self-healing research, Part 8 (layered health checks): the agent is alive (L1) and ready (L2),
 * but its known-answer probe (L3) timed out while its provider was slow, and its quality score (L4)
 * has slipped after a prompt change. Silent degradation that infrastructure monitoring misses.
 */
const NAME = 'probe-failing';
const AGENT = 'research-agent';
/** The research's own L3 example: `probe_input = "What is 2 + 2?"`, `expected = "4"`, 10 s timeout. */
const KNOWN_ANSWER = { probe: `known-answer:${AGENT}`, layer: 'L3', input: 'What is 2 + 2?', expected: '4', agent: AGENT, provider: 'openai' };
const QUALITY = { probe: `quality:${AGENT}`, layer: 'L4', agent: AGENT };

export const probeFailing: Scenario = {
  name: NAME,
  title: `Known-answer probe of ${AGENT} failing while liveness passes`,
  description:
    'The research agent keeps passing its liveness and readiness checks, but its known-answer probe timed out while OpenAI was slow and its output quality score fell below 0.80.',
  build(start) {
    const t = timeline(NAME, start, 'agent-fleet');
    // L1 and L2 pass throughout: what PM2 or Kubernetes would see is a healthy agent.
    t.at(0).repeat(min(30), min(1), min(5), 'probe.result', { probe: `liveness:${AGENT}`, layer: 'L1', ok: true, status: 'ok', agent: AGENT, detail: 'process alive (PID check)' });
    t.emit(min(1), 'probe.result', { probe: `readiness:${AGENT}`, layer: 'L2', ok: true, status: 'ok', agent: AGENT, detail: 'accepting requests; queue depth 2' });
    t.emit(min(21), 'probe.result', { ...KNOWN_ANSWER, ok: true, status: 'ok', output: '4' });
    // OpenAI slowed down for a few minutes and came back (no provider card stays open).
    t.emit(min(9), 'provider.health', { provider: 'openai', latencyMs: 11_800, errorRate: 0.03, status: 'degraded' });
    t.emit(min(2), 'provider.health', { provider: 'openai', latencyMs: 910, errorRate: 0.004, status: 'connected' });
    t.at(1 * SECOND).emit(min(6), 'probe.result', {
      ...KNOWN_ANSWER,
      ok: false,
      status: 'timeout',
      detail: 'no answer within 10 s; liveness and readiness pass',
    });
    t.emit(min(4), 'probe.result', {
      ...QUALITY,
      ok: false,
      status: 'degraded',
      detail: 'semantic score 0.62 over the last hour\'s sampled answers, below 0.80 since the prompt template change',
    });
    return t.events();
  },
};
