import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/runtime-memory-high.js';
import { detect, stored } from '../../support/signals.js';

const memory = (runtime: string, usedMb: number) => stored('runtime.memory', 1, { runtime, usedMb, limitMb: 2048 });

describe('runtime memory high (Team-X ticket #62)', () => {
  it('warns at 80%, goes critical at 90%, and recommends a restart at 95%', () => {
    const byRuntime = new Map(detect(entry, [memory('a', 1640), memory('b', 1850), memory('c', 1990)]).map((d) => [d.scope, d]));
    expect(byRuntime.get('a')).toMatchObject({ summary: 'Runtime a memory at 80% (1640 of 2048 MB).' });
    expect(byRuntime.get('a')!.severity ?? entry.severity).toBe('warning');
    expect(byRuntime.get('b')).toMatchObject({ severity: 'critical', facts: { restartRecommended: false } });
    expect(byRuntime.get('c')).toMatchObject({ severity: 'critical', detail: expect.stringContaining('Auto-restart recommended') });
  });

  it('reads only the latest sample, and stays quiet just under 80%', () => {
    expect(detect(entry, [memory('a', 1630)])).toEqual([]);
    expect(detect(entry, [stored('runtime.memory', 5, { runtime: 'a', usedMb: 2000, limitMb: 2048 }), memory('a', 900)])).toEqual([]);
  });
});
