import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import type { Card } from '../../src/chat/card.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { eventually, outboxSettled } from '../chat/support/drive.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';

type Message = { id: string; channel: string; threadOf: string | null; card: Card };
type Answer = { reply: { visibility: string; text: string; card?: Card } };

/**
 * The other way into an incident: on-call sees a card and declares one by hand. The insight that
 * prompted it joins at once, what fails next joins it too (no second, correlated incident beside
 * it), and its minutes have root causes to rank.
 */
describe.each(oneDatabaseKind())('a declared incident collects its insights on %s', (kind) => {
  let triage: TestTriage;
  beforeAll(async () => {
    triage = await startTestTriage(kind, { outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0 } } as never, { adapters: [createConsoleAdapter] });
  });
  afterAll(async () => triage?.close());

  const settle = async () => {
    await triage.writer.drain();
    await triage.evaluator.idle();
    await eventually(outboxSettled(triage.outbox), 15_000);
  };
  const play = async (name: string) => {
    expect((await playScenario({ scenario: findScenario(name)!, url: triage.url, token: TEST_TOKEN, speed: 50 })).ok).toBe(true);
    await settle();
  };
  const messages = async (): Promise<Message[]> => ((await (await fetch(`${triage.url}/console/api/state?as=sofia`)).json()) as { messages: Message[] }).messages;
  const command = async (text: string, personId = 'sofia'): Promise<Answer> =>
    (await (await fetch(`${triage.url}/console/api/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, personId, channel: 'ops' }) })).json()) as Answer;
  const headers = async () => (await messages()).filter((m) => /^🚨 Incident #\d+/.test(m.card.title));
  const membersOf = async (header: Message) => (await messages()).filter((m) => m.threadOf === header.id && /^Insights in this incident/.test(m.card.title));

  it('declaring takes in the live insight that prompted it; what fails next joins the same incident', async () => {
    await play('credential-expiring');
    const live = (await messages()).filter((m) => m.threadOf === null && !/^🚨/.test(m.card.title));
    expect(live.length, 'the card on-call is looking at').toBeGreaterThan(0);
    expect(await headers(), 'one insight alone opens no incident').toEqual([]);

    const declared = await command('/incident declare Jira integration is down');
    expect(declared.reply.text).toMatch(/#\d+/);
    await settle();
    const [header] = await headers();
    expect(header!.card.title).toMatch(/Jira integration is down/);
    const [members] = await membersOf(header!);
    expect(members!.card.title).toMatch(/^Insights in this incident \([1-9]\d*\)$/);
    expect(members!.card.text).toMatch(/Credential expired: jira-api-token/);
    const before = Number(members!.card.title.match(/\((\d+)\)/)![1]);

    // Two critical insights at once: without the declared incident this is a cascade of its own.
    await play('worker-unresponsive');
    expect(await headers(), 'no correlated incident beside the declared one').toHaveLength(1);
    const [after] = await membersOf(header!);
    expect(Number(after!.card.title.match(/\((\d+)\)/)![1])).toBeGreaterThan(before);
    expect(after!.card.text).toMatch(/worker-001/);
  });

  it('its minutes rank the insights it collected as root causes', async () => {
    const [header] = await headers();
    const id = header!.card.title.match(/#(\d+)/)![1];
    expect((await command(`/incident resolve ${id}`)).reply.text).toMatch(/resolved/i);
    const markdown = await (await fetch(`${triage.url}/incidents/${id}/postmortem.md`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
    expect(markdown).toMatch(/Primary/);
    expect(markdown).toMatch(/jira-api-token/);
    expect(markdown).toMatch(/worker-001/);
  });
});
