import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/provider-degraded.js';
import { detect, stored } from '../../support/signals.js';

const health = (provider: string, latencyMs: number, errorRate: number, status?: 'connected' | 'degraded' | 'down') =>
  stored('provider.health', 1, { provider, latencyMs, errorRate, ...(status ? { status } : {}) });

describe('provider degraded (Team-X Doctor)', () => {
  it('flags slow responses and error rates above 10% as warnings, and a provider down as critical', () => {
    const byProvider = new Map(
      detect(entry, [
        health('openai', 12_000, 0.08, 'degraded'),
        health('anthropic', 1600, 0.41),
        health('ollama', 0, 1, 'down'),
        health('mistral', 800, 0.01, 'connected'),
      ]).map((d) => [d.scope, d]),
    );
    expect([...byProvider.keys()]).toEqual(['openai', 'anthropic', 'ollama']);
    expect(byProvider.get('openai')!.summary).toBe('Provider openai degraded (slow response).');
    expect(byProvider.get('openai')!.severity ?? entry.severity).toBe('warning');
    expect(byProvider.get('anthropic')!.summary).toBe('Provider anthropic degraded (error rate 41%).');
    expect(byProvider.get('ollama')).toMatchObject({ severity: 'critical', summary: 'Provider ollama down.' });
  });

  it('stays quiet at exactly 5000 ms and a 10% error rate', () => {
    expect(detect(entry, [health('openai', 5000, 0.1, 'connected')])).toEqual([]);
  });
});
