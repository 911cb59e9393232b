import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/runtime-session-stale.js';
import { detect, stored } from '../../support/signals.js';

const stale = (idleSeconds: number) =>
  stored('runtime.session_stale', 3.5, { runtime: 'bash-runtime-priya', sessionId: 'session-priya-0503', idleSeconds });

describe('runtime session stale (Team-X)', () => {
  it('reports the stale session on its runtime', () => {
    const [d, ...rest] = detect(entry, [stale(330)]);
    expect(rest).toEqual([]);
    expect(d!.scope).toBe('bash-runtime-priya/session-priya-0503');
    expect(d!.summary).toBe('Runtime session session-priya-0503 on bash-runtime-priya stale (idle 5 min).');
    expect(entry.actions(d!).map((a) => a.action)).toEqual(['restart_runtime', 'dismiss']);
  });

  it('stays quiet under 5 minutes idle, or when the runtime heartbeats again afterwards', () => {
    expect(detect(entry, [stale(299)])).toEqual([]);
    expect(detect(entry, [stale(330), stored('runtime.heartbeat', 1, { runtime: 'bash-runtime-priya', intervalSeconds: 30 })])).toEqual([]);
  });
});
