import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../../../adapters/console/index.js';
import type { Card } from '../../../src/chat/card.js';
import { eventually, outboxSettled } from '../../chat/support/drive.js';
import { oneDatabaseKind } from '../../support/databases.js';
import { startTestTriage, type TestTriage } from '../../support/triage.js';

type Message = { id: string; channel: string; threadOf: string | null; card: Card };

/**
 * The console's thread reply (issue 15 point 8) over real HTTP against a real Triage: a reply
 * typed under an incident's header card joins /incident timeline and the minutes through the
 * same core use case as Slack's thread messages, once per reply, and only under an incident.
 */
describe.each(oneDatabaseKind())('a console reply in an incident thread on %s', (kind) => {
  let triage: TestTriage;
  let header: Message;
  beforeAll(async () => {
    triage = await startTestTriage(kind, { outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0 } } as never, { adapters: [createConsoleAdapter] });
    const declared = await command('/incident declare Search is slow', 'james');
    expect(declared.status).toBe(200);
    await eventually(outboxSettled(triage.outbox), 15_000);
    header = (await messages()).find((m) => /^🚨 Incident #\d+/.test(m.card.title))!;
    expect(header).toBeDefined();
  }, 60_000);
  afterAll(async () => triage?.close());

  const post = (path: string, body: unknown) => fetch(`${triage.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const command = (text: string, personId = 'elena') => post('/console/api/command', { text, personId, channel: 'ops' });
  const messages = async (): Promise<Message[]> => ((await (await fetch(`${triage.url}/console/api/state?as=elena`)).json()) as { messages: Message[] }).messages;
  const reply = (body: Record<string, unknown>) => post('/console/api/thread-reply', { personId: 'elena', channel: 'ops', messageId: header.id, replyId: 'reply-0001', text: 'rolled back the index change', ...body });
  const timeline = async () => ((await (await command(`/incident timeline ${incidentId()}`)).json()) as { reply: { text: string } }).reply.text;
  const incidentId = () => Number(/#(\d+)/.exec(header.card.title)![1]);

  it('joins the timeline and the minutes, named, and shows in the thread once however often it is sent', async () => {
    const first = await reply({});
    expect(first.status, await first.clone().text()).toBe(200);
    expect(await first.json()).toMatchObject({ recorded: 'stored', incidentId: incidentId() });
    const again = await reply({});
    expect(await again.json()).toMatchObject({ recorded: 'duplicate' });
    const shown = (await messages()).filter((m) => m.threadOf === header.id && m.card.text === 'rolled back the index change');
    expect(shown).toHaveLength(1);
    const said = await timeline();
    expect(said).toMatch(/\d\d:\d\d UTC {2}Elena[^\n]* {2}rolled back the index change/);
    expect(said.match(/rolled back the index change/g)).toHaveLength(1);
    expect(await triage.incidents.markdown(incidentId())).toMatch(/## From the incident thread\n- \d\d:\d\d UTC Elena[^\n]*: rolled back the index change/);
  });

  it('refuses a reply under a card that is not an incident header, and an empty one, recording nothing', async () => {
    const other = (await messages()).find((m) => m.id !== header.id && m.threadOf === null && m.card.title !== header.card.title);
    if (other) {
      const res = await reply({ messageId: other.id, replyId: 'reply-0002' });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_an_incident_thread');
    }
    const elsewhere = await reply({ messageId: '999999', replyId: 'reply-0003' });
    expect(elsewhere.status).toBe(404);
    const empty = await reply({ text: '   ', replyId: 'reply-0004' });
    expect(empty.status).toBe(400);
    expect((await timeline()).match(/rolled back/g)).toHaveLength(1);
  });
});
