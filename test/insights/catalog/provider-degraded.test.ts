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

describe('provider degraded: failing over from its card', () => {
  const at = (minutes: number, attributes: Record<string, unknown>) =>
    stored('provider.health', minutes, { provider: 'openai', latencyMs: 12_000, errorRate: 0.08, status: 'degraded', ...attributes } as never);

  it('offers Fail over new work on the provider, asking first', () => {
    const [d] = detect(entry, [health('openai', 12_000, 0.08, 'degraded')]);
    const buttons = entry.actions(d!);
    expect(buttons.map((b) => [b.action, b.target?.id])).toEqual([
      ['failover_provider', 'openai'],
      ['run_doctor', undefined],
      ['dismiss', undefined],
    ]);
    expect(buttons[0]!.confirm).toMatch(/^Route new work of openai to a healthy provider \(the seed's backup, Anthropic/);
  });

  it('once new work goes elsewhere, says where since when and offers no second failover; a plain health sample after it does not end it', () => {
    const [d] = detect(entry, [at(5, { routedTo: 'anthropic', routedSince: '2026-05-03T14:55:00.000Z' }), at(1, {})]);
    expect(d!.fields).toContainEqual({ label: 'New work', value: 'routed to anthropic since 2026-05-03 14:55 UTC' });
    expect(d!.detail).toBe('New work goes to anthropic; loops already waiting on openai may still hang.');
    expect(entry.actions(d!).map((b) => b.action)).toEqual(['run_doctor', 'dismiss']);
  });

  it('offers it again once a report says work is back (routedTo null)', () => {
    const [d] = detect(entry, [at(5, { routedTo: 'anthropic' }), at(2, { routedTo: null })]);
    expect(entry.actions(d!).map((b) => b.action)).toContain('failover_provider');
  });
});
