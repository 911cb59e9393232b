import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

/**
 * Self-healing research, context management: the context-overflow scenario raises "Context window
 * high" at 94%; Compact context on its card has the platform compact it (anchor and latest turns
 * kept), the agent reports the lower usage, and the insight clears.
 */
describe.each(oneDatabaseKind())('context window high, fixed from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'context-overflow');
  });
  afterAll(async () => fx?.close());

  it('refuses a viewer, with the role it needs, and audits the refusal; nothing is compacted', async () => {
    const card = await fx.card(/^Context window high: research-agent$/);
    const refused = await fx.press(PEOPLE.viewer, card, 'compact_context', 'research-agent');
    expect(refused.reply).toMatchObject({ visibility: 'private', text: expect.stringMatching(/^Compacting an agent's context needs the responder role/) });
    expect(await fx.audit('compact_context')).toEqual([expect.objectContaining({ actor: 'console:nina', target: 'agent:research-agent', outcome: 'refused' })]);
    expect(await fx.object('agent_context', 'research-agent')).toMatchObject({ usedTokens: 120_320, windowTokens: 128_000 });
  });

  it('a responder compacts it: the platform keeps a quarter of the window, the card says so, and the insight clears', async () => {
    const card = await fx.card(/^Context window high: research-agent$/);
    const pressed = await fx.press(PEOPLE.responder, card, 'compact_context', 'research-agent');
    expect(pressed.reply.visibility).toBe('private');
    const after = await fx.cardSays(card, /✅ Compact context research-agent by James at \d\d:\d\d UTC: context of research-agent compacted to 25% of its window \(88,320 tokens freed/);
    expect(await fx.object('agent_context', 'research-agent')).toMatchObject({ usedTokens: 32_000, windowTokens: 128_000 });
    // The agent's new usage reached the intake, and the condition cleared.
    await fx.cardSays(after, /✅ Resolved at/);
    const rows = await fx.audit('compact_context');
    expect(rows.slice(1).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });
});
