import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCircuitBreaker, type BreakerOptions, type BreakerState } from '../../src/resilience/circuit-breaker.js';

function setup(overrides: Partial<BreakerOptions> = {}) {
  let time = 1_000_000;
  const changes: Array<[BreakerState, BreakerState]> = [];
  const breaker = createCircuitBreaker({
    failureThreshold: 3,
    openMs: 30_000,
    now: () => time,
    onStateChange: ({ from, to }) => changes.push([from, to]),
    ...overrides,
  });
  let calls = 0;
  const succeed = () => breaker.call(async () => ++calls);
  const fail = (error: unknown = new Error('down')) =>
    breaker.call(async () => {
      calls++;
      throw error;
    });
  return { breaker, changes, succeed, fail, calls: () => calls, advance: (ms: number) => (time += ms), now: () => time };
}

describe('circuit breaker', () => {
  it('passes results through while closed and reports failures as failed', async () => {
    const t = setup();
    expect(await t.succeed()).toEqual({ ok: true, value: 1 });
    const failure = new Error('boom');
    expect(await t.fail(failure)).toEqual({ ok: false, error: { code: 'failed', error: failure } });
    expect(t.breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 1, probeAt: null });
  });

  it('opens only after N CONSECUTIVE failures: a success in between resets the count', async () => {
    const t = setup();
    await t.fail();
    await t.fail();
    await t.succeed();
    await t.fail();
    await t.fail();
    expect(t.breaker.snapshot().state).toBe('closed');
    await t.fail();
    expect(t.breaker.snapshot()).toEqual({ state: 'open', consecutiveFailures: 3, probeAt: t.now() + 30_000 });
    expect(t.changes).toEqual([['closed', 'open']]);
  });

  it('opens after exactly failureThreshold failures for any threshold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), async (threshold) => {
        const t = setup({ failureThreshold: threshold });
        for (let i = 1; i < threshold; i++) await t.fail();
        expect(t.breaker.snapshot().state).toBe('closed');
        await t.fail();
        expect(t.breaker.snapshot().state).toBe('open');
      }),
    );
  });

  it('answers at once while open, without calling, and says when it will probe', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) await t.fail();
    const openedAt = t.now();
    t.advance(10_000);
    const before = t.calls();
    expect(await t.succeed()).toEqual({ ok: false, error: { code: 'open', probeAt: openedAt + 30_000, probeInFlight: false } });
    expect(t.calls()).toBe(before);
    t.advance(19_999);
    expect((await t.succeed()).ok).toBe(false);
    expect(t.calls()).toBe(before);
  });

  it('lets exactly one probe through once the wait has passed; others are turned away meanwhile', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) await t.fail();
    t.advance(30_000);
    expect(t.breaker.snapshot().state).toBe('half_open');

    let release!: () => void;
    let probes = 0;
    const probe = t.breaker.call(
      () =>
        new Promise<string>((resolve) => {
          probes++;
          release = () => resolve('back');
        }),
    );
    const second = await t.succeed();
    expect(second).toMatchObject({ ok: false, error: { code: 'open', probeInFlight: true } });
    expect(probes).toBe(1);

    release();
    expect(await probe).toEqual({ ok: true, value: 'back' });
    expect(t.breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0, probeAt: null });
    expect(t.changes).toEqual([
      ['closed', 'open'],
      ['open', 'half_open'],
      ['half_open', 'closed'],
    ]);
  });

  it('re-opens on a failed probe and waits a full period again from then', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) await t.fail();
    t.advance(45_000);
    await t.fail();
    const reopenedAt = t.now();
    expect(t.breaker.snapshot()).toMatchObject({ state: 'open', probeAt: reopenedAt + 30_000 });
    t.advance(29_999);
    expect(await t.succeed()).toMatchObject({ ok: false, error: { code: 'open' } });
    t.advance(1);
    expect(await t.succeed()).toMatchObject({ ok: true });
    expect(t.changes.map(([, to]) => to)).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  it('does not count errors that isFailure rejects, and a probe answered with one closes', async () => {
    const clientError = { status: 400 };
    const t = setup({ isFailure: (e) => e !== clientError });
    for (let i = 0; i < 10; i++) await t.fail(clientError);
    expect(t.breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });

    for (let i = 0; i < 3; i++) await t.fail();
    t.advance(30_000);
    await t.fail(clientError);
    expect(t.breaker.snapshot().state).toBe('closed');
  });

  it('ignores late results of calls that started before the circuit opened', async () => {
    const t = setup();
    let lateSuccess!: () => void;
    const late = t.breaker.call(() => new Promise<void>((resolve) => (lateSuccess = resolve)));
    for (let i = 0; i < 3; i++) await t.fail();
    lateSuccess();
    await late;
    expect(t.breaker.snapshot().state).toBe('open');
  });

  it('can be reset by hand to closed', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) await t.fail();
    t.breaker.reset();
    expect(t.breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0, probeAt: null });
    expect((await t.succeed()).ok).toBe(true);
  });

  it('refuses thresholds that cannot work', () => {
    expect(() => createCircuitBreaker({ failureThreshold: 0, openMs: 1 })).toThrow(RangeError);
    expect(() => createCircuitBreaker({ failureThreshold: 1, openMs: -1 })).toThrow(RangeError);
  });
});
