import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/breaker-open.js';
import { detect, stored } from '../../support/signals.js';

const breaker = (minutes: number, state: 'closed' | 'open' | 'half_open') =>
  stored('breaker.state', minutes, { breaker: 'partner:P12345', partner: 'P12345', state, failureRate: 0.62, failureCount: 15, threshold: 10 });

describe('circuit breaker open (playbook 1)', () => {
  it('raises the playbook alert with the failure count against the threshold and a reset button', () => {
    const [d, ...rest] = detect(entry, [breaker(7, 'closed'), breaker(4, 'open')]);
    expect(rest).toEqual([]);
    expect(d!.summary).toBe('Circuit breaker OPEN for partner P12345.');
    expect(d!.fields).toEqual([
      { label: 'Failures', value: '15 (threshold 10)' },
      { label: 'Failure rate', value: '62%' },
    ]);
    const [reset, dismiss] = entry.actions(d!);
    expect(reset).toMatchObject({ action: 'reset_breaker', target: { kind: 'breaker', id: 'partner:P12345' }, confirm: expect.any(String) });
    expect(dismiss!.action).toBe('dismiss');
  });

  it('stays quiet once the breaker is half-open or closed again', () => {
    expect(detect(entry, [breaker(4, 'open'), breaker(1, 'half_open')])).toEqual([]);
    expect(detect(entry, [breaker(1, 'closed')])).toEqual([]);
  });
});
