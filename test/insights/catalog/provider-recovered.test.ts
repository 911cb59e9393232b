import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/provider-recovered.js';
import { detect, stored } from '../../support/signals.js';

const health = (minutes: number, latencyMs: number, errorRate: number, status: string, extra: Record<string, unknown> = {}) =>
  stored('provider.health', minutes, { provider: 'openai', latencyMs, errorRate, status, ...extra } as never);
const failedOver = health(20, 12_000, 0.08, 'degraded', { routedTo: 'anthropic', routedSince: '2026-05-03T14:40:00.000Z' });

describe('provider recovered (Team-X: "switch back when the primary is healthy")', () => {
  it('asks to switch back once the failed-over provider reports healthy, with one button that asks first', () => {
    const [d] = detect(entry, [failedOver, health(1, 900, 0.004, 'connected')]);
    expect(d).toMatchObject({
      scope: 'openai',
      summary: 'Provider openai is healthy again; its new work still goes to anthropic (since 2026-05-03 14:40 UTC).',
      entities: [{ kind: 'provider', id: 'openai' }],
    });
    expect(entry.title(d!)).toBe('Provider openai healthy again: switch back');
    const [button, ...rest] = entry.actions(d!);
    expect(button).toMatchObject({ action: 'restore_provider', label: 'Switch back to openai', target: { kind: 'provider', id: 'openai' } });
    expect(button!.confirm).toBe('Route new work back to openai? Work already running on anthropic finishes there.');
    expect(rest.map((b) => b.action)).toEqual(['dismiss']);
  });

  it('stays quiet while the provider is still degraded, when it was never failed over, and once work is back', () => {
    expect(detect(entry, [failedOver])).toEqual([]);
    expect(detect(entry, [failedOver, health(1, 5200, 0.01, 'connected')])).toEqual([]);
    expect(detect(entry, [health(1, 900, 0.004, 'connected')])).toEqual([]);
    expect(detect(entry, [failedOver, health(2, 900, 0.004, 'connected'), health(1, 900, 0.004, 'connected', { routedTo: null })])).toEqual([]);
  });

  it('defaults the limits to provider degraded\'s (#63: 10% errors, 5 s)', () => {
    expect(entry.thresholds.parse({})).toEqual({ latencyMs: 5000, errorRate: 0.1 });
  });
});
