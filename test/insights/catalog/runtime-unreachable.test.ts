import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/runtime-unreachable.js';
import { detect, stored } from '../../support/signals.js';

const beat = (minutes: number, runtime: string, employee: string) => stored('runtime.heartbeat', minutes, { runtime, employee, intervalSeconds: 30 });

describe('runtime unreachable (Team-X)', () => {
  it('raises one card per runtime, with the reason from its newest failure and the OOM behind it', () => {
    const detections = detect(entry, [
      beat(7, 'bash-runtime-mike', 'Mike'),
      stored('runtime.execution_failed', 6.5, { runtime: 'bash-runtime-mike', employee: 'Mike', reason: 'oom' }),
      stored('runtime.disconnected', 6, { runtime: 'bash-runtime-mike', employee: 'Mike', reason: 'connection_refused', cause: 'oom' }),
      beat(1.5, 'bash-runtime-priya', 'Priya'),
      stored('runtime.execution_failed', 1, { runtime: 'bash-runtime-priya', employee: 'Priya', reason: 'timeout' }),
      beat(0.5, 'bash-runtime-elena', 'Elena'),
    ]);
    expect(detections.map((d) => d.scope)).toEqual(['bash-runtime-mike', 'bash-runtime-priya']);
    const [mike, priya] = detections;
    expect(mike!.summary).toBe('External runtime bash-runtime-mike unreachable (connection refused).');
    expect(mike!.detail).toContain('Process crashed (OOM).');
    expect(mike!.fields).toContainEqual({ label: 'Affected employee', value: 'Mike' });
    // Silent for 90 s against a 60 s limit, without any disconnect event.
    expect(priya!.summary).toBe('External runtime bash-runtime-priya unreachable (timeout).');
    expect(entry.actions(mike!).map((a) => [a.action, a.target?.id])).toEqual([['restart_runtime', 'bash-runtime-mike'], ['dismiss', undefined]]);
  });

  it('says "no heartbeat" when a runtime just went silent', () => {
    const [d] = detect(entry, [beat(2, 'r1', 'Ann')]);
    expect(d!.summary).toBe('External runtime r1 unreachable (no heartbeat).');
  });

  it('stays quiet just inside 2 intervals, and once a heartbeat follows a disconnect', () => {
    expect(detect(entry, [beat(59 / 60, 'r1', 'Ann')])).toEqual([]);
    expect(
      detect(entry, [stored('runtime.disconnected', 3, { runtime: 'r1', reason: 'timeout' }), beat(0.5, 'r1', 'Ann')]),
    ).toEqual([]);
  });
});
