import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/intake/event-writer.js';
import { SignalWindow } from '../../src/insights/signal-window.js';

const T = Date.parse('2026-12-07T10:00:00Z');
const beat = (key: string, secondsIn: number): StoredEvent => ({
  eventKey: key,
  id: key,
  type: 'runtime.heartbeat',
  source: 'window-test',
  occurredAt: new Date(T + secondsIn * 1000).toISOString(),
  attributes: { runtime: 'r', intervalSeconds: 30 },
  known: true,
});

/** The rules' view of recent events (src/insights/signal-window.ts) stays in time order whatever order events arrive in. */
describe('the signal window', () => {
  it('keeps events in time order when batches arrive late (another replica’s, read a poll later), ties in arrival order', () => {
    const window = new SignalWindow();
    window.add([beat('own-1', 10), beat('own-2', 20), beat('own-3', 30)]);
    window.add([beat('other-1', 5), beat('other-2', 25), beat('other-3', 20), beat('own-4', 40), beat('other-4', 15)]);
    window.add([beat('other-5', 0)]);
    expect(window.all('runtime.heartbeat').map((s) => s.eventKey)).toEqual(['other-5', 'other-1', 'own-1', 'other-4', 'own-2', 'other-3', 'other-2', 'own-3', 'own-4']);
    expect(window.recent('runtime.heartbeat', 12_000, T + 30_000).map((s) => s.eventKey)).toEqual(['own-2', 'other-3', 'other-2', 'own-3']);
    expect(window.latest('runtime.heartbeat', 'runtime').get('r')?.eventKey).toBe('own-4');
  });
});
