import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/probe-failing.js';
import { detect, stored } from '../../support/signals.js';

describe('probe failing (self-healing research, L3)', () => {
  it('reports the latest failing probe as silent degradation', () => {
    const [d] = detect(entry, [stored('probe.result', 2, { probe: 'tickets:jira', ok: false, detail: '401 Unauthorized: token expired' })]);
    expect(d!.summary).toBe('Probe "tickets:jira" failing: 401 Unauthorized: token expired.');
    expect(d!.detail).toContain('Silent degradation');
  });

  it('stays quiet once the probe passes again', () => {
    expect(detect(entry, [stored('probe.result', 5, { probe: 'api-health', ok: false }), stored('probe.result', 2, { probe: 'api-health', ok: true })])).toEqual([]);
  });
});
