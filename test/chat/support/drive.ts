import type { Outbox } from '../../../src/chat/outbox/index.js';

/**
 * Moves a fake clock forward in steps, running the outbox at each step, until `done()` holds.
 * Fails loudly instead of looping forever when the outbox never gets there.
 */
export async function driveUntil(
  outbox: Outbox,
  clock: { now(): number; advance(ms: number): void },
  done: () => boolean | Promise<boolean>,
  { stepMs = 100, maxMs = 10 * 60_000 } = {},
): Promise<number> {
  const start = clock.now();
  for (;;) {
    await outbox.runOnce();
    if (await done()) return clock.now() - start;
    if (clock.now() - start >= maxMs) throw new Error(`outbox did not get there within ${maxMs} ms of fake time`);
    clock.advance(stepMs);
  }
}

/** Real-time wait for a condition, for tests that run the outbox's own loop. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - start;
}

/** Runs the outbox over `ms` of fake time, in steps, whatever it does. */
export async function driveFor(outbox: Outbox, clock: { advance(ms: number): void }, ms: number, stepMs = 100): Promise<void> {
  for (let elapsed = 0; elapsed <= ms; elapsed += stepMs) {
    await outbox.runOnce();
    clock.advance(stepMs);
  }
}

/**
 * Nothing left to deliver: no row waiting and none being posted. `pending === 0` alone is true
 * while the last card is in flight, and a test reading the channel then misses it.
 */
export const outboxSettled = (outbox: Pick<Outbox, 'stats'>) => async (): Promise<boolean> => {
  const { pending, inFlight } = await outbox.stats();
  return pending === 0 && inFlight === 0;
};

/**
 * A running Triage with nothing left in flight: every accepted event stored and evaluated, every
 * recovery action finished, every card delivered. What a test waits for before reading the channel.
 */
export async function triageSettled(triage: {
  writer: { drain(): Promise<unknown> };
  evaluator: { idle(): Promise<unknown> };
  actions: { recovery: { idle(): Promise<unknown> } };
  outbox: Pick<Outbox, 'stats'>;
}): Promise<void> {
  await triage.writer.drain();
  await triage.evaluator.idle();
  await triage.actions.recovery.idle();
  await eventually(outboxSettled(triage.outbox), 15_000);
}
