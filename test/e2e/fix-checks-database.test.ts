import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import entry from '../../src/insights/catalog/database-unreachable.js';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

const TITLE = /^Database failed over: mysql-primary$/;

/**
 * Playbook scenario 4 from its card: the database-failover scenario loses the primary and promotes
 * the replica. The failover is the database's own, so the card has no fixing button (its entry says
 * why); what on-call does is verify it: Run Doctor, which anyone in the channel may press, and the
 * runbook's verification steps on the card.
 */
describe.each(oneDatabaseKind())('database failover, verified from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'database-failover');
  });
  afterAll(async () => fx?.close());

  it('raises the failover card with Run Doctor and no fixing button, and says why', async () => {
    const card = await fx.card(TITLE);
    expect(card.card.actions.map((a) => a.label)).toEqual(['Run Doctor', 'Acknowledge', 'Dismiss']);
    expect(entry.noFixBecause).toMatch(/failover belongs to the database/);
  });

  it("shows the runbook's verification steps on the card", async () => {
    const card = await fx.card(TITLE);
    for (const step of entry.runbook.filter((line) => /verify|lost|resend/i.test(line))) expect(card.card.text).toContain(step);
  });

  it('runs Doctor for a viewer, and the report is posted in the channel', async () => {
    const card = await fx.card(TITLE);
    const ran = await fx.press(PEOPLE.viewer, card, 'run_doctor');
    expect(ran.reply.text).not.toMatch(/not available/);
    expect(ran.reply).toMatchObject({ visibility: 'channel', text: expect.stringMatching(/^Doctor/) });
  });
});
