import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/hallucination-detected.js';
import { detect, stored } from '../../support/signals.js';

const validation = (confidence: number, result: 'passed' | 'hallucination' = 'hallucination') =>
  stored('agent.validation', 2, { agent: 'intent-resolver', result, confidence, intent: '#123', detail: 'TenderLoad.weight = -50 lbs: weight must be > 0' });

describe('hallucination detected (playbook 2)', () => {
  it('names the intent when a confident (> 0.9) output fails validation', () => {
    const [d] = detect(entry, [validation(0.94)]);
    expect(d!.summary).toBe('Hallucination detected in IntentInstance #123.');
    expect(d!.detail).toBe('TenderLoad.weight = -50 lbs: weight must be > 0');
    expect(d!.fields).toEqual([{ label: 'Confidence', value: '0.94' }]);
    // The playbook's first step from the card; the regression case goes with it.
    const [fail, dismiss] = entry.actions(d!);
    expect(fail).toMatchObject({ action: 'fail_intent', target: { kind: 'intent', id: '#123' }, confirm: expect.stringContaining('regression ticket') });
    expect(dismiss!.action).toBe('dismiss');
  });

  it('is dealt with once its intent is reported FAILED after it, and offers no Fail without an intent', () => {
    const failed = (minutes: number) => stored('agent.execution', minutes, { agent: 'intent-resolver', executionId: '#123', intent: '#123', state: 'failed' });
    expect(detect(entry, [validation(0.94), failed(1)])).toEqual([]);
    // A FAILED report older than the hallucination is another story.
    expect(detect(entry, [failed(3), validation(0.94)])).toHaveLength(1);
    const [anonymous] = detect(entry, [stored('agent.validation', 2, { agent: 'intent-resolver', result: 'hallucination', confidence: 0.95 })]);
    expect(entry.actions(anonymous!).map((a) => a.action)).toEqual(['dismiss']);
  });

  it('stays quiet at confidence 0.9 and when validation passes', () => {
    expect(detect(entry, [validation(0.9)])).toEqual([]);
    expect(detect(entry, [validation(0.99, 'passed')])).toEqual([]);
  });
});
