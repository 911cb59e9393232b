import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/retry-storm.js';
import { detect, stored } from '../../support/signals.js';

const calls = (callsPerMinute: number, baselinePerMinute?: number, minutes = 2) =>
  stored('endpoint.calls', minutes, { endpoint: 'mcp:database-query/query', callsPerMinute, ...(baselinePerMinute !== undefined ? { baselinePerMinute } : {}) });

describe('retry storm (self-healing research)', () => {
  it('fires at 5× the baseline', () => {
    const [d] = detect(entry, [calls(48, 6)]);
    expect(d!.summary).toBe('Retry storm on mcp:database-query/query: 48 calls/min (8× baseline).');
  });

  it('falls back to the absolute threshold when the baseline is zero or unknown, without dividing by it', () => {
    expect(detect(entry, [calls(1200, 0)]).map((d) => d.summary)).toEqual(['Retry storm on mcp:database-query/query: 1200 calls/min.']);
    expect(detect(entry, [calls(50, 0)])).toEqual([]);
    expect(detect(entry, [calls(50)])).toEqual([]);
  });

  it('stays quiet just under 5×, and on a sample older than the window', () => {
    expect(detect(entry, [calls(29, 6)])).toEqual([]);
    expect(detect(entry, [calls(48, 6, 20)])).toEqual([]);
  });
});

describe('retry storm: what to throttle', () => {
  const storm = (extra: Record<string, unknown>) =>
    stored('endpoint.calls', 2, { endpoint: 'anthropic:/v1/messages', callsPerMinute: 910, baselinePerMinute: 60, ...extra });

  it('names the storming routine and the breaker guarding the endpoint, one button each, each asking first', () => {
    const [d] = detect(entry, [
      stored('breaker.state', 6, { breaker: 'anthropic-messages', state: 'closed', failureRate: 0.32 }),
      storm({ routine: 'daily-code-review', routineCallsPerMinute: 700, breaker: 'anthropic-messages' }),
    ]);
    expect(d!.fields).toEqual([
      { label: 'Baseline', value: '60 calls/min' },
      { label: 'Storming routine', value: 'daily-code-review (700 calls/min)' },
      { label: 'Guarded by', value: 'circuit breaker anthropic-messages (closed)' },
    ]);
    const buttons = entry.actions(d!);
    expect(buttons.map((b) => [b.action, b.label, b.target?.kind, b.target?.id])).toEqual([
      ['pause_routine', 'Pause routine daily-code-review', 'routine', 'daily-code-review'],
      ['open_breaker', 'Open breaker anthropic-messages', 'breaker', 'anthropic-messages'],
      ['dismiss', 'Dismiss', undefined, undefined],
    ]);
    expect(buttons[0]!.confirm).toMatch(/^Pause routine daily-code-review\? It stops calling anthropic:\/v1\/messages/);
    expect(buttons[1]!.confirm).toMatch(/fails fast/);
  });

  it('offers no pause for a routine already paused, and no open for a breaker already open', () => {
    const [d] = detect(entry, [
      stored('routine.paused', 3, { routine: 'daily-code-review', reason: 'paused by hand' }),
      stored('breaker.state', 3, { breaker: 'anthropic-messages', state: 'open' }),
      storm({ routine: 'daily-code-review', breaker: 'anthropic-messages' }),
    ]);
    expect(entry.actions(d!).map((b) => b.action)).toEqual(['dismiss']);
    expect(d!.fields).toContainEqual({ label: 'Storming routine', value: 'daily-code-review, paused' });
    expect(d!.fields).toContainEqual({ label: 'Guarded by', value: 'circuit breaker anthropic-messages (open)' });
  });

  it('offers only Dismiss when the sample names neither', () => {
    const [d] = detect(entry, [storm({})]);
    expect(entry.actions(d!).map((b) => b.action)).toEqual(['dismiss']);
  });
});
