import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

/**
 * Failure-scenarios playbook, scenario 5: the agent-execution-timeout scenario leaves Intent #789
 * EXECUTING for 7 minutes; Kill stuck task on its card has the platform kill the task and mark the
 * intent FAILED ("Agent timeout after 300s"), the execution ends, and the insight clears.
 */
describe.each(oneDatabaseKind())('agent execution timeout, fixed from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'agent-execution-timeout');
  });
  afterAll(async () => fx?.close());

  it('asks first, refuses a viewer with the role it needs and audits it; the intent keeps executing', async () => {
    const card = await fx.card(/^Agent timeout: intent-789$/);
    expect(card.card.actions.find((a) => a.label === 'Kill stuck task')?.confirm?.text).toMatch(/Kill the task executing Intent #789 and mark the intent FAILED/);
    const refused = await fx.press(PEOPLE.viewer, card, 'kill_stuck_task', '#789');
    expect(refused.reply).toMatchObject({ visibility: 'private', text: expect.stringMatching(/^Killing a stuck task and failing its intent needs the responder role/) });
    expect(await fx.audit('kill_stuck_task')).toEqual([expect.objectContaining({ actor: 'console:nina', target: 'intent:#789', outcome: 'refused' })]);
    expect(await fx.object('intent', '#789')).toMatchObject({ agent: 'agent-contract', executionId: 'intent-789', state: 'executing' });
  });

  it('a responder kills it: the intent is FAILED with the playbook reason, the card says so, and the insight clears', async () => {
    const card = await fx.card(/^Agent timeout: intent-789$/);
    const pressed = await fx.press(PEOPLE.responder, card, 'kill_stuck_task', '#789');
    expect(pressed.reply.visibility).toBe('private');
    const after = await fx.cardSays(card, /✅ Kill stuck task #789 by James at \d\d:\d\d UTC: task intent-789 killed and intent #789 marked FAILED \("Agent timeout after 300s"\)/);
    expect(await fx.object('intent', '#789')).toMatchObject({ state: 'failed', errorReason: 'Agent timeout after 300s', killedAt: expect.any(String) });
    // The execution's end reached the intake as the platform reported it, and the condition cleared.
    await fx.cardSays(after, /✅ Resolved at/);
    expect((await fx.audit('kill_stuck_task')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });
});
