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

  it('shows the known-answer case and offers Re-run probe before Run Doctor', () => {
    const [d] = detect(entry, [stored('probe.result', 2, { probe: 'known-answer:agent', ok: false, layer: 'L3', input: 'What is 2 + 2?', expected: '4', output: '5' })]);
    expect(d!.fields).toEqual([
      { label: 'Layer', value: 'L3' },
      { label: 'Asked', value: 'What is 2 + 2?' },
      { label: 'Expected', value: '4' },
      { label: 'Answer', value: '5' },
    ]);
    expect(entry.actions(d!).map((a) => [a.action, a.target?.id])).toEqual([
      ['rerun_probe', 'known-answer:agent'],
      ['run_doctor', undefined],
      ['dismiss', undefined],
    ]);
  });
});
