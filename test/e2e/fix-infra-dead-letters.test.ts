import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

const QUEUE = 'routine-work';

/**
 * Self-healing research, dead-letter queues ("Replay specific failed tasks after fixing the
 * underlying issue"): the dead-letter-growth scenario piles 87 dead letters on routine-work; Replay
 * dead letters, after its confirmation, puts them back on the task queue, the platform reports the
 * dead-letter queue empty, and the insight clears.
 */
describe.each(oneDatabaseKind())('dead letters piling up, replayed from the card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'dead-letter-growth');
  });
  afterAll(async () => fx?.close());

  const queue = () => fx.object('queue', QUEUE);

  it('asks to fix the cause first, and refuses a viewer, audited; nothing is replayed', async () => {
    const card = await fx.card(/^Dead letters piling up: routine-work$/);
    expect(card.card.actions.find((a) => a.label === 'Replay dead letters')?.confirm?.text).toBe(
      'Replay the 87 dead letters of routine-work onto its task queue? Do it once their cause is fixed, or they fail again and land back here.',
    );
    const refused = await fx.press(PEOPLE.viewer, card, 'replay_dead_letters', QUEUE);
    expect(refused.reply.text).toMatch(/^Replaying dead letters needs the responder role/);
    expect((await fx.audit('replay_dead_letters')).map((r) => [r.actor, r.target, r.outcome])).toEqual([['console:nina', 'queue:routine-work', 'refused']]);
    expect(await queue()).toEqual({ depth: 480, deadLetters: 87 });
  });

  it('a responder replays them: the platform answers how many, the dead-letter queue empties, and the insight clears', async () => {
    const card = await fx.card(/^Dead letters piling up: routine-work$/);
    await fx.press(PEOPLE.responder, card, 'replay_dead_letters', QUEUE);
    const done = await fx.cardSays(card, /✅ Replay dead letters routine-work by James at \d\d:\d\d UTC: 87 dead letters of routine-work replayed onto its task queue \(dead-letter queue empty; 567 tasks queued\)/);
    expect(await queue()).toEqual({ depth: 567, deadLetters: 0 });
    await fx.cardSays(done, /✅ Resolved at/);
    // The replayed work is queued again: the task queue's card shows it behind the backlog.
    const tasks = await fx.card(/^Task queue growing: routine-work$/);
    await fx.cardSays(tasks, /Task queue "routine-work" growing: \d+ → 567 in/);
    expect((await fx.audit('replay_dead_letters')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });
});
