import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

/**
 * Self-healing research, the context monitor loop: the subagent-spawn-loop scenario has a monitor
 * spawn a memory-sync subagent every 6 minutes while the earlier ones still run (4, expected 1).
 * Stop duplicates, the research's idempotency guard applied from chat, keeps the oldest and stops
 * the others; their tasks are reported cancelled and the insight clears.
 */
describe.each(oneDatabaseKind())('duplicate subagent spawns, stopped from the card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'subagent-spawn-loop');
  });
  afterAll(async () => fx?.close());

  it('asks first, refuses a viewer with the role it needs and audits it; all four keep running', async () => {
    const card = await fx.card(/^Duplicate memory-sync subagents$/);
    expect(card.card.actions.find((a) => a.label === 'Stop duplicates (keep memory-sync-1)')?.confirm?.text).toBe(
      'Stop memory-sync-2, memory-sync-3, memory-sync-4 and keep memory-sync-1, the oldest? Each is signalled to save its state, then terminated.',
    );
    const refused = await fx.press(PEOPLE.viewer, card, 'stop_duplicate_spawns', 'memory-sync-1');
    expect(refused.reply.text).toMatch(/^Stopping duplicate subagents needs the responder role/);
    expect(await fx.audit('stop_duplicate_spawns')).toEqual([expect.objectContaining({ actor: 'console:nina', target: 'agent:memory-sync-1', outcome: 'refused' })]);
    for (const n of [1, 2, 3, 4]) expect((await fx.object('subagent', `memory-sync-${n}`))?.state).toBe('running');
  });

  it('a responder stops the three duplicates and keeps the oldest; the card says so and the insight clears', async () => {
    const card = await fx.card(/^Duplicate memory-sync subagents$/);
    await fx.press(PEOPLE.responder, card, 'stop_duplicate_spawns', 'memory-sync-1');
    const after = await fx.cardSays(
      card,
      /✅ Stop duplicate spawns memory-sync-1 by James at \d\d:\d\d UTC: 3 duplicate memory-sync subagents stopped \(memory-sync-2, memory-sync-3, memory-sync-4\); memory-sync-1 kept/,
    );
    expect((await fx.object('subagent', 'memory-sync-1'))?.state).toBe('running');
    for (const n of [2, 3, 4]) expect(await fx.object('subagent', `memory-sync-${n}`)).toMatchObject({ state: 'stopped', stoppedBecause: 'duplicate of memory-sync-1' });
    await fx.cardSays(after, /✅ Resolved at/);
    expect((await fx.audit('stop_duplicate_spawns')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });
});
