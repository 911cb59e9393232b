import { min, SECOND, timeline, type Scenario } from './timeline.js';

/** Playbook scenario 1: a partner floods the intake with malformed, duplicate signals. */
const NAME = 'circuit-breaker-open';
const PARTNER = 'P12345';
const breaker = { breaker: `partner:${PARTNER}`, partner: PARTNER, threshold: 10 };

export const circuitBreakerOpen: Scenario = {
  name: NAME,
  title: `Circuit breaker OPEN for partner ${PARTNER}`,
  description: `Partner ${PARTNER} sends malformed X12 signals too often; 429s climb until its breaker opens at 15 failures (threshold 10).`,
  build(start) {
    const t = timeline(NAME, start, 'cortex');
    t.at(0).emit(min(30), 'breaker.state', { ...breaker, state: 'closed', failureRate: 0.01, failureCount: 0 });
    t.emit(min(30), 'endpoint.calls', { endpoint: 'intake/partner-signals', callsPerMinute: 40, baselinePerMinute: 40, partner: PARTNER });
    t.at(1 * SECOND).emit(min(9), 'endpoint.calls', {
      endpoint: 'intake/partner-signals',
      callsPerMinute: 260,
      baselinePerMinute: 40,
      partner: PARTNER,
      http429PerMinute: 35,
      rejectReason: 'malformed X12 segment ABC',
    });
    t.emit(min(7), 'breaker.state', { ...breaker, state: 'closed', failureRate: 0.35, failureCount: 7 });
    t.at(2 * SECOND).emit(min(4), 'breaker.state', { ...breaker, state: 'open', failureRate: 0.62, failureCount: 15 });
    t.emit(min(2), 'endpoint.calls', { endpoint: 'intake/partner-signals', callsPerMinute: 310, baselinePerMinute: 40, partner: PARTNER, http429PerMinute: 310 });
    return t.events();
  },
};
