import { like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '../../src/db/schema/incidents.js';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

/**
 * Failure-scenarios playbook, scenario 2: the hallucination-detected scenario has the intent
 * resolver create a -50 lbs load at confidence 0.94; Fail intent on its card tags the intent
 * FAILED ("Hallucination: …") on the platform, which reports the intent's end, and the insight
 * clears. The case goes to the ticket tracker (the built-in one here) as a regression ticket with
 * the input and the rejected output attached.
 */
describe.each(oneDatabaseKind())('hallucination detected, fixed from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'hallucination-detected');
  });
  afterAll(async () => fx?.close());

  it('asks first, refuses a viewer with the role it needs and audits it; the intent is untouched', async () => {
    const card = await fx.card(/^Hallucination by intent-resolver$/);
    expect(card.card.actions.find((a) => a.label === 'Fail intent #123')?.confirm?.text).toMatch(/file a regression ticket with its input and the rejected output/);
    const refused = await fx.press(PEOPLE.viewer, card, 'fail_intent', '#123');
    expect(refused.reply).toMatchObject({ visibility: 'private', text: expect.stringMatching(/^Failing an intent needs the responder role/) });
    expect(await fx.audit('fail_intent')).toEqual([expect.objectContaining({ actor: 'console:nina', target: 'intent:#123', outcome: 'refused' })]);
    const intent = await fx.object('intent', '#123');
    expect(intent).toMatchObject({ agent: 'intent-resolver', validation: { result: 'hallucination', confidence: 0.94 }, input: expect.stringContaining('50 lbs') });
    expect(intent?.state).toBeUndefined();
  });

  it('a responder fails it: FAILED with the playbook reason on the platform, the card says so, and the insight clears', async () => {
    const card = await fx.card(/^Hallucination by intent-resolver$/);
    await fx.press(PEOPLE.responder, card, 'fail_intent', '#123');
    const after = await fx.cardSays(card, /✅ Fail intent #123 by James at \d\d:\d\d UTC: intent #123 marked FAILED \("Hallucination: TenderLoad.weight = -50 lbs: weight must be > 0"\) · /);
    expect(after.card.text).toMatch(/regression ticket #\d+ filed with its input and the rejected output/);
    const [ticket] = await fx.triage.testDatabase.db.select().from(tickets).where(like(tickets.title, 'Regression case:%'));
    expect(ticket?.description).toMatch(/Input \(the raw signal\):\n```\n.*50 lbs[\s\S]*Rejected output:\n```\n.*"weight":-50/);
    expect(await fx.object('intent', '#123')).toMatchObject({ state: 'failed', errorReason: 'Hallucination: TenderLoad.weight = -50 lbs: weight must be > 0', output: expect.stringContaining('"weight":-50') });
    await fx.cardSays(after, /✅ Resolved at/);
    expect((await fx.audit('fail_intent')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });
});
