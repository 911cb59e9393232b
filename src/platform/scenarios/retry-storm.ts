import { min, SECOND, timeline, type Scenario } from './timeline.js';

/**
 * Research: agents hit a rate limit together and retry together with no jitter (a thundering
 * herd). The endpoint's samples name what the research says to throttle: the routine retrying
 * hardest, and the circuit breaker guarding the endpoint, closed because it counts each retry as
 * a fresh call and never sees the failure as sustained.
 */
const NAME = 'retry-storm';
const ENDPOINT = 'anthropic:/v1/messages';
const ROUTINE = 'daily-code-review';
const BREAKER = 'anthropic-messages';
const guarded = { endpoint: ENDPOINT, breaker: BREAKER };

export const retryStorm: Scenario = {
  name: NAME,
  title: `Retry storm on ${ENDPOINT} (15x baseline)`,
  description: `A rate limit makes every agent retry at fixed intervals, routine ${ROUTINE} hardest; calls jump to 15x baseline, 429s keep the limit tripped and breaker ${BREAKER} stays closed.`,
  build(start) {
    const t = timeline(NAME, start, 'agent-fleet');
    t.at(0).emit(min(20), 'endpoint.calls', { ...guarded, callsPerMinute: 60, baselinePerMinute: 60 });
    t.emit(min(20), 'breaker.state', { breaker: BREAKER, state: 'closed', failureRate: 0.01, endpoint: ENDPOINT });
    t.emit(min(20), 'provider.health', { provider: 'anthropic', latencyMs: 900, errorRate: 0.01, status: 'connected' });
    t.at(1 * SECOND).emit(min(8), 'provider.health', { provider: 'anthropic', latencyMs: 1400, errorRate: 0.32, status: 'degraded', http429Rate: 0.3 });
    t.emit(min(6), 'endpoint.calls', { ...guarded, callsPerMinute: 640, baselinePerMinute: 60, routine: ROUTINE, routineCallsPerMinute: 480 });
    t.emit(min(6), 'breaker.state', { breaker: BREAKER, state: 'closed', failureRate: 0.32, endpoint: ENDPOINT });
    t.at(2 * SECOND).emit(min(2), 'endpoint.calls', { ...guarded, callsPerMinute: 910, baselinePerMinute: 60, routine: ROUTINE, routineCallsPerMinute: 700 });
    t.emit(min(2), 'provider.health', { provider: 'anthropic', latencyMs: 1600, errorRate: 0.41, status: 'degraded', http429Rate: 0.39 });
    return t.events();
  },
};
