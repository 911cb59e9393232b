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
  });

  it('stays quiet at confidence 0.9 and when validation passes', () => {
    expect(detect(entry, [validation(0.9)])).toEqual([]);
    expect(detect(entry, [validation(0.99, 'passed')])).toEqual([]);
  });
});
