import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Research: agents hit a rate limit together and retry together with no jitter (a thundering herd). */
const NAME = 'retry-storm';
const ENDPOINT = 'anthropic:/v1/messages';

export const retryStorm: Scenario = {
  name: NAME,
  title: `Retry storm on ${ENDPOINT} (15x baseline)`,
  description: 'A rate limit makes every agent retry at fixed intervals; calls jump to 15x baseline and 429s keep the limit tripped.',
  build(start) {
    const t = timeline(NAME, start, 'agent-fleet');
    t.at(0).emit(min(20), 'endpoint.calls', { endpoint: ENDPOINT, callsPerMinute: 60, baselinePerMinute: 60 });
    t.emit(min(20), 'provider.health', { provider: 'anthropic', latencyMs: 900, errorRate: 0.01, status: 'connected' });
    t.at(1 * SECOND).emit(min(8), 'provider.health', { provider: 'anthropic', latencyMs: 1400, errorRate: 0.32, status: 'degraded', http429Rate: 0.3 });
    t.emit(min(6), 'endpoint.calls', { endpoint: ENDPOINT, callsPerMinute: 640, baselinePerMinute: 60 });
    t.at(2 * SECOND).emit(min(2), 'endpoint.calls', { endpoint: ENDPOINT, callsPerMinute: 910, baselinePerMinute: 60 });
    t.emit(min(2), 'provider.health', { provider: 'anthropic', latencyMs: 1600, errorRate: 0.41, status: 'degraded', http429Rate: 0.39 });
    return t.events();
  },
};
