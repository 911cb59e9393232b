import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JIRA_RUNBOOK } from '../../src/platform/scenarios/credential-expiring.js';
import { eventually, outboxSettled } from '../chat/support/drive.js';
import type { ConsoleMessage } from '../support/console-api.js';
import { oneDatabaseKind } from '../support/databases.js';
import { TEST_TOKEN } from '../support/triage.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

const JIRA = /^Credential expired: jira-api-token$/;
const GITHUB = /^Credential expiring: github-app-private-key$/;

/**
 * Self-healing research, credential expiry, from the card: the credential-expiring scenario has the
 * Jira token (owned by Omar, with its rotation runbook) expired and failing its probe with 401, and
 * the GitHub App key (no owner named) expiring in 36 hours. Remind owner posts a reminder card
 * naming Omar as the platform shows him, with the runbook; Remind channel asks whoever owns the
 * key. Once Omar rotates the token, its card clears and Re-run probe passes.
 */
describe.each(oneDatabaseKind())('credential expiring, reminded from its card on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'credential-expiring');
  });
  afterAll(async () => fx?.close());

  const reminder = async (credential: string, as: string = PEOPLE.responder): Promise<ConsoleMessage | undefined> =>
    (await fx.api.messages(as)).find((m) => m.threadOf === null && m.card.title === `Reminder: rotate ${credential}`);
  const reminderSays = async (credential: string): Promise<ConsoleMessage> => {
    await eventually(async () => (await reminder(credential)) !== undefined, 15_000);
    return (await reminder(credential))!;
  };

  it('offers Remind owner where the event names one and Remind channel where it does not; a viewer may press neither', async () => {
    const jira = await fx.card(JIRA);
    const github = await fx.card(GITHUB);
    expect(jira.card.actions.map((a) => a.label)).toEqual(['Remind owner', 'Acknowledge', 'Dismiss']);
    expect(github.card.actions.map((a) => a.label)).toEqual(['Remind channel', 'Acknowledge', 'Dismiss']);
    const refused = await fx.press(PEOPLE.viewer, jira, 'remind_credential_owner', 'jira-api-token');
    expect(refused.reply).toMatchObject({ visibility: 'private', text: expect.stringMatching(/^Reminding a credential's owner needs the responder role/) });
    expect((await fx.audit('remind_credential_owner')).map((r) => [r.actor, r.target, r.outcome])).toEqual([['console:nina', 'credential:jira-api-token', 'refused']]);
    expect(await reminder('jira-api-token')).toBeUndefined();
  });

  it("reminds Omar, named as the platform shows him, in the credential card's channel, with the rotation runbook", async () => {
    const card = await fx.card(JIRA);
    await fx.press(PEOPLE.responder, card, 'remind_credential_owner', 'jira-api-token');
    const after = await fx.cardSays(
      card,
      /✅ Remind credential owner jira-api-token by James at \d\d:\d\d UTC: reminded Omar, the owner of jira-api-token, in #\w+ to rotate it \(runbook: https:\/\/runbooks\.team-x\.example\/credentials\/jira-api-token\)/,
    );
    // A reminder fixes nothing by itself: the card stays open until the token is rotated.
    expect(after.card.state).toBe('open');
    const posted = await reminderSays('jira-api-token');
    expect(posted.channel).toBe(card.channel);
    expect(posted.card.text).toMatch(/^Omar: credential "jira-api-token" expired at \d{4}-\d\d-\d\d \d\d:\d\d UTC, and you own it: please rotate it and update it where the agents read it\.\nRotation runbook: https:\/\/runbooks\.team-x\.example\/credentials\/jira-api-token$/);
    expect(posted.card.fields).toEqual(expect.arrayContaining([{ label: 'Owner', value: 'Omar' }, { label: 'Runbook', value: JIRA_RUNBOOK }]));
    expect(posted.card.actions).toEqual([]);
    expect((await fx.audit('remind_credential_owner')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });

  it('with no owner named, reminds the channel, with the rotation steps from the research', async () => {
    const card = await fx.card(GITHUB);
    await fx.press(PEOPLE.otherResponder, card, 'remind_credential_owner', 'github-app-private-key');
    await fx.cardSays(card, /✅ Remind credential owner github-app-private-key by Mike at \d\d:\d\d UTC: no owner is named for github-app-private-key: reminded #\w+ to rotate it(?: · took [\d.]+ s)?$/m);
    const posted = await reminderSays('github-app-private-key');
    expect(posted.card.text).toMatch(/^Credential "github-app-private-key" expires at .* UTC, and no owner is named for it: whoever owns it, please rotate it/);
    expect(posted.card.text).toContain('1. Rotate the credential and update it where the agents read it.');
    expect(posted.card.fields).toContainEqual({ label: 'Owner', value: 'not named' });
  });

  it('once Omar rotates the token, its card clears and Re-run probe on the Jira probe passes', async () => {
    const card = await fx.card(JIRA);
    await postEvent(fx, 'credential.expiry', { credential: 'jira-api-token', expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString(), owner: 'omar' });
    await fx.cardSays(card, /✅ Resolved at/);
    const probe = await fx.card(/^Probe failing: tickets:jira$/);
    await fx.press(PEOPLE.responder, probe, 'rerun_probe', 'tickets:jira');
    const passed = await fx.cardSays(probe, /✅ Rerun probe tickets:jira by James at \d\d:\d\d UTC: probe tickets:jira passed: credential jira-api-token valid until/);
    await fx.cardSays(passed, /✅ Resolved at/);
  });
});

/** The platform reports an event through the intake, and the cards settle. */
async function postEvent(fx: FixFixture, type: string, attributes: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${fx.triage.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: [{ id: `${type}-${Date.now()}`, type, source: 'agent-fleet', occurredAt: new Date().toISOString(), attributes }] }),
  });
  expect(res.status).toBe(202);
  await fx.triage.writer.drain();
  await fx.triage.evaluator.idle();
  await eventually(outboxSettled(fx.triage.outbox), 15_000);
}
