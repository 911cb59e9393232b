import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/agent-execution-timeout.js';
import { detect, stored } from '../../support/signals.js';

const execution = (minutes: number, executionId: string, state: 'executing' | 'completed') =>
  stored('agent.execution', minutes, { agent: 'agent-contract', executionId, state, intent: '#789' });

describe('agent execution timeout (playbook 5)', () => {
  it('raises "AgentContract timeout for Intent #789" after 5 minutes executing', () => {
    const [d, ...rest] = detect(entry, [execution(12, 'intent-788', 'executing'), execution(11, 'intent-788', 'completed'), execution(7, 'intent-789', 'executing')]);
    expect(rest).toEqual([]);
    expect(d!.scope).toBe('intent-789');
    expect(d!.summary).toBe('agent-contract timeout for Intent #789.');
    expect(d!.fields).toEqual([{ label: 'Executing since', value: '2026-05-03 14:53 UTC' }]);
    // The playbook's first two steps, from the card: kill the stuck task, fail the intent.
    const [kill, dismiss] = entry.actions(d!);
    expect(kill).toMatchObject({ action: 'kill_stuck_task', target: { kind: 'intent', id: '#789' }, confirm: expect.stringContaining('mark the intent FAILED') });
    expect(dismiss!.action).toBe('dismiss');
  });

  it('names the intent by its execution when the platform gives it no name', () => {
    const [d] = detect(entry, [stored('agent.execution', 9, { agent: 'agent-contract', executionId: 'exec-1', state: 'executing' })]);
    expect(d!.entities).toContainEqual(expect.objectContaining({ kind: 'intent', id: 'exec-1' }));
  });

  it('stays quiet just under 5 minutes, and once a later state arrives', () => {
    expect(detect(entry, [execution(4.9, 'x', 'executing')])).toEqual([]);
    expect(detect(entry, [execution(9, 'x', 'executing'), execution(1, 'x', 'completed')])).toEqual([]);
  });
});
