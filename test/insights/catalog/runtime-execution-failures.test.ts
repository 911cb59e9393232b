import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/runtime-execution-failures.js';
import { detect, stored } from '../../support/signals.js';

const failure = (minutes: number, runtime: string, reason: 'connection_refused' | 'timeout', employee: string) =>
  stored('runtime.execution_failed', minutes, { runtime, reason, employee });

describe('runtime execution failures (Team-X)', () => {
  it('fires on 3 failures within 10 minutes, naming the runtimes, reasons and employees', () => {
    const [d, ...rest] = detect(entry, [
      failure(9, 'bash-runtime-mike', 'connection_refused', 'Mike'),
      failure(5, 'bash-runtime-priya', 'timeout', 'Priya'),
      failure(1, 'bash-runtime-mike', 'connection_refused', 'Mike'),
    ]);
    expect(rest).toEqual([]);
    expect(d!.summary).toBe('3 runtime execution failed events in last 10 minutes.');
    expect(d!.entities.map((e) => `${e.id} (${e.detail})`)).toEqual(['bash-runtime-mike (connection refused)', 'bash-runtime-priya (timeout)']);
    expect(d!.fields).toEqual([{ label: 'Affected employees', value: 'Mike, Priya' }]);
    expect(entry.actions(d!).map((a) => a.action)).toEqual(['restart_runtime', 'restart_runtime', 'dismiss']);
  });

  it('stays quiet just under the threshold: 2 failures, or the third older than 10 minutes', () => {
    expect(detect(entry, [failure(5, 'a', 'timeout', 'A'), failure(1, 'b', 'timeout', 'B')])).toEqual([]);
    expect(detect(entry, [failure(11, 'a', 'timeout', 'A'), failure(5, 'a', 'timeout', 'A'), failure(1, 'b', 'timeout', 'B')])).toEqual([]);
  });

  it('takes its threshold from config', () => {
    expect(detect(entry, [failure(1, 'a', 'timeout', 'A')], { thresholds: { count: 1 } })).toHaveLength(1);
  });
});
