import { describe, expect, it } from 'vitest';
import { createFailureLimit } from '../../../adapters/console/login-limit.js';

describe('failed console logins, limited per key', () => {
  it('lets a key fail max times, then makes it wait until its window ends, then lets it go on', () => {
    let now = 1_000_000;
    const limit = createFailureLimit({ max: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limit.waitSeconds('a')).toBe(0);
      limit.failed('a');
    }
    expect(limit.waitSeconds('a')).toBe(60);
    expect(limit.waitSeconds('b')).toBe(0);
    now += 59_500;
    expect(limit.waitSeconds('a')).toBe(1);
    now += 500;
    expect(limit.waitSeconds('a')).toBe(0);
  });

  it('forgets a key after a success', () => {
    const limit = createFailureLimit({ max: 1, windowMs: 60_000 });
    limit.failed('a');
    expect(limit.waitSeconds('a')).toBeGreaterThan(0);
    limit.forget('a');
    expect(limit.waitSeconds('a')).toBe(0);
  });

  it('stays bounded under a flood of made-up names: the oldest entries go first', () => {
    const limit = createFailureLimit({ max: 1, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) limit.failed(`name-${i}`);
    expect(limit.waitSeconds('name-9999')).toBeGreaterThan(0);
    expect(limit.waitSeconds('name-0')).toBe(0);
  });
});
