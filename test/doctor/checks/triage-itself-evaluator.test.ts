import { describe, expect, it } from 'vitest';
import { evaluatorPart } from '../../../src/doctor/checks/triage-itself-evaluator.js';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const leader = { holder: 'ops-1:4242:ab12cd34', epoch: 3, expiresAt: new Date(NOW + 8_000) };

/** /doctor triage's word on the one evaluation of the deployment (src/insights/evaluator.ts). */
describe('the evaluator in /doctor', () => {
  it('passes naming the leader and how far behind it is', () => {
    const part = evaluatorPart({ leading: false, leader, lagSeconds: 0.24 }, NOW);
    expect(part.status).toBe('pass');
    expect(part.note).toBe('insights evaluated by ops-1:4242:ab12cd34 (epoch 3), 0.2 s behind the event log');
  });

  it('warns when the leader falls more than 30 s behind', () => {
    const part = evaluatorPart({ leading: true, leader, lagSeconds: 95 }, NOW);
    expect(part.status).toBe('warning');
    expect(part.headline).toBe('insight evaluation 95 s behind');
  });

  it('fails when no replica holds the lease: nothing new raises a card', () => {
    expect(evaluatorPart({ leading: false }, NOW)).toMatchObject({ status: 'fail', headline: 'no replica is evaluating insights' });
    const expired = evaluatorPart({ leading: false, leader: { ...leader, expiresAt: new Date(NOW - 1) }, lagSeconds: 40 }, NOW);
    expect(expired.status).toBe('fail');
    expect(expired.details[0]).toContain('since 2026-12-07T09:59:59.999Z');
  });
});
