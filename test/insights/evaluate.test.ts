import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineEntry } from '../../src/insights/catalog/entry.js';
import runtimeFailures from '../../src/insights/catalog/runtime-execution-failures.js';
import { evaluate } from '../../src/insights/evaluate.js';
import { emptySnapshot } from '../../src/insights/platform-snapshot.js';
import { NOW, stored, windowOf } from '../support/signals.js';

const broken = defineEntry({
  ...runtimeFailures,
  kind: 'always_throws',
  thresholds: z.object({}),
  detect: () => {
    throw new Error('rule bug');
  },
});

describe('evaluate', () => {
  const window = windowOf([1, 2, 3].map((m) => stored('runtime.execution_failed', m, { runtime: 'r', reason: 'timeout' })));

  it('isolates a rule that throws: the others still run, and the failure is reported', () => {
    const result = evaluate([broken, runtimeFailures], { window, platform: emptySnapshot(), now: NOW });
    expect(result.detections.map((d) => d.fingerprint)).toEqual(['runtime_execution_failures:workspace']);
    expect(result.failures).toEqual([{ kind: 'always_throws', error: 'rule bug' }]);
    expect([...result.evaluatedKinds]).toEqual(['runtime_execution_failures']);
  });

  it('treats a bad configured threshold as that rule failing, not the whole pass', () => {
    const result = evaluate([runtimeFailures], { window, platform: emptySnapshot(), now: NOW, thresholds: { runtime_execution_failures: { count: -1 } } });
    expect(result.detections).toEqual([]);
    expect(result.failures[0]!.kind).toBe('runtime_execution_failures');
  });

  it('gives the same evidence the same hash, whatever the key order', () => {
    const a = evaluate([runtimeFailures], { window, platform: emptySnapshot(), now: NOW }).detections[0]!;
    const b = evaluate([runtimeFailures], { window, platform: emptySnapshot(), now: NOW }).detections[0]!;
    expect(a.hash).toBe(b.hash);
    const more = windowOf([1, 2, 3, 4].map((m) => stored('runtime.execution_failed', m, { runtime: 'r', reason: 'timeout' })));
    expect(evaluate([runtimeFailures], { window: more, platform: emptySnapshot(), now: NOW }).detections[0]!.hash).not.toBe(a.hash);
  });
});
