import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixFixture, type FixFixture } from '../e2e/support/fix-from-card.js';
import { oneDatabaseKind } from '../support/databases.js';

const POLICY = 'replay-dead-letters';

/**
 * A policy is not about restarts: any recovery action gated by 'none' or 'confirm' may be run by
 * one (the config is the confirmation). Dead letters growing replays them by itself, once for the
 * insight's episode, as Triage under the policy's name, and the card says so.
 */
describe.each(oneDatabaseKind())('a policy replays dead letters by itself on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'dead-letter-growth', {
      remediation: { policies: [{ name: POLICY, kind: 'dead_letter_growing', action: 'replay_dead_letters', maxRuns: 1, windowMinutes: 60 }] },
    });
  });
  afterAll(async () => fx?.close());

  it('replays them once, audited as Triage under the policy, and the card shows who did it', async () => {
    // The scenario is played before this runs: the policy acted as the insight opened, mid-storm.
    await fx.triage.actions.recovery.idle();
    // Already resolved by the replay, so not the live card fx.card waits for.
    const card = (await fx.api.find((m) => m.threadOf === null && m.card.title === 'Dead letters piling up: routine-work', { as: 'james' }))!;
    await fx.cardSays(card, /✅ Replay dead letters routine-work by Triage \(policy replay-dead-letters\) at \d\d:\d\d UTC: \d+ dead letters of routine-work replayed onto its task queue/);
    expect((await fx.audit('replay_dead_letters')).map((r) => [r.actor, r.outcome])).toEqual([
      [`system:policy:${POLICY}`, 'started'],
      [`system:policy:${POLICY}`, 'succeeded'],
    ]);
    expect((await fx.audit('replay_dead_letters'))[0]!.detail).toBe(`policy ${POLICY}, run 1 of at most 1 in 60 minutes: Dead letters piling up: routine-work`);
  });
});
