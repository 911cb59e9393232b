import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, fullJitterDelay, seededRandom } from '../../src/resilience/backoff.js';

describe('backoffCeiling', () => {
  it('doubles from base each attempt until the cap', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffCeiling(attempt, { baseMs: 100, capMs: 2000 }));
    expect(ceilings).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  });

  it('stays finite and at the cap for absurd attempts, and at 0 for a zero base', () => {
    expect(backoffCeiling(5000, { baseMs: 100, capMs: 30_000 })).toBe(30_000);
    expect(backoffCeiling(5000, { baseMs: 0, capMs: 30_000 })).toBe(0);
  });

  it('refuses attempts and bounds that cannot mean anything', () => {
    expect(() => backoffCeiling(-1, { baseMs: 1, capMs: 1 })).toThrow(RangeError);
    expect(() => backoffCeiling(1.5, { baseMs: 1, capMs: 1 })).toThrow(RangeError);
    expect(() => backoffCeiling(0, { baseMs: Number.NaN, capMs: 1 })).toThrow(RangeError);
    expect(() => backoffCeiling(0, { baseMs: 1, capMs: -5 })).toThrow(RangeError);
  });
});

describe('fullJitterDelay', () => {
  it('is a whole number in [0, min(cap, base * 2^attempt)) for any attempt, bounds and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, capMs, r) => {
          const delay = fullJitterDelay(attempt, { baseMs, capMs, random: () => r });
          const ceiling = baseMs === 0 ? 0 : Math.min(capMs, baseMs * 2 ** attempt);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(ceiling);
          if (ceiling > 0) expect(delay).toBeLessThan(ceiling);
        },
      ),
    );
  });

  it('uses the whole range: the random value maps straight onto [0, ceiling)', () => {
    const options = { baseMs: 100, capMs: 10_000 };
    expect(fullJitterDelay(3, { ...options, random: () => 0 })).toBe(0);
    expect(fullJitterDelay(3, { ...options, random: () => 0.5 })).toBe(400);
    expect(fullJitterDelay(3, { ...options, random: () => 0.999_999 })).toBe(799);
  });

  it('spreads many seeded samples evenly over [0, ceiling), not just the upper half (equal jitter) or one value', () => {
    const random = seededRandom(42);
    const samples = Array.from({ length: 20_000 }, () => fullJitterDelay(3, { baseMs: 100, capMs: 10_000, random }));
    const buckets = new Array<number>(10).fill(0);
    for (const s of samples) buckets[Math.floor(s / 80)]!++;

    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(800);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(mean).toBeGreaterThan(390);
    expect(mean).toBeLessThan(410);
    // Each tenth of the range holds about 10% of the samples.
    for (const bucket of buckets) expect(bucket / samples.length).toBeGreaterThan(0.09);
    for (const bucket of buckets) expect(bucket / samples.length).toBeLessThan(0.11);
  });

  it('refuses a random source outside [0, 1)', () => {
    expect(() => fullJitterDelay(0, { baseMs: 10, capMs: 10, random: () => 1 })).toThrow(RangeError);
    expect(() => fullJitterDelay(0, { baseMs: 10, capMs: 10, random: () => Number.NaN })).toThrow(RangeError);
  });
});

describe('seededRandom', () => {
  it('repeats the same sequence for the same seed and differs for another seed', () => {
    const take = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => random());
    };
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
    for (const value of take(7)) expect(value >= 0 && value < 1).toBe(true);
  });
});
