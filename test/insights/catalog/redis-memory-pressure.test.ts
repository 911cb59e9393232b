import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/redis-memory-pressure.js';
import { detect, stored } from '../../support/signals.js';

const sample = (usedPercent: number, evictedIdempotencyKeys = 0) =>
  stored('redis.memory', 2, { instance: 'redis-idempotency', usedPercent, evictedIdempotencyKeys });

describe('Redis memory pressure (playbook 7)', () => {
  it('warns above 90% and goes critical once idempotency keys are evicted', () => {
    const [warn] = detect(entry, [sample(91)]);
    expect(warn!.summary).toBe('Redis memory usage > 90% on redis-idempotency (91%).');
    expect(warn!.severity ?? entry.severity).toBe('warning');
    const [crit] = detect(entry, [sample(93.3, 1240)]);
    expect(crit).toMatchObject({ severity: 'critical', fields: [{ label: 'Evicted idempotency keys', value: '1240' }] });
  });

  it('stays quiet at exactly 90%', () => {
    expect(detect(entry, [sample(90, 5)])).toEqual([]);
  });
});
