import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import type { Card } from '../../src/chat/card.js';
import { parseActionId } from '../../src/chat/action-id.js';
import { findEntry } from '../../src/insights/catalog/index.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { builtinTickets } from '../../src/tickets/builtin.js';
import { ticketFingerprint } from '../../src/tickets/improve.js';
import { eventually, outboxSettled } from '../chat/support/drive.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';

type Message = { id: string; channel: string; threadOf: string | null; card: Card };
type Answer = { reply: { visibility: string; text: string; card?: Card } };

/**
 * The last third of the seed story in the console: the cascade opens an incident by itself, the
 * team recovers it with the buttons, James resolves it, and the thread gets the minutes and the
 * preventive tickets (one already open, so deduplicated), generated from what happened.
 */
describe.each(oneDatabaseKind())('the seed incident from cascade to post-mortem on %s', (kind) => {
  let triage: TestTriage;
  let header: Message;
  beforeAll(async () => {
    triage = await startTestTriage(kind, { simulator: { restartHeartbeatDelayMs: 200 }, outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0 } } as never, {
      adapters: [createConsoleAdapter],
    });
    // The MCP team already filed their pooling ticket: the loop must find it, not file it again.
    const pooling = findEntry('mcp_server_failing')!.preventiveTicket;
    await builtinTickets(triage.testDatabase.db).create({ fingerprint: ticketFingerprint(pooling), title: pooling.title, description: pooling.description, labels: ['reliability'], deliverables: pooling.deliverables, owner: 'James' });
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await settle();
  });
  afterAll(async () => triage?.close());

  const settle = async () => {
    await triage.writer.drain();
    await triage.evaluator.idle();
    await triage.actions.recovery.idle();
    await eventually(outboxSettled(triage.outbox), 15_000);
  };
  const messages = async (): Promise<Message[]> => ((await (await fetch(`${triage.url}/console/api/state?as=james`)).json()) as { messages: Message[] }).messages;
  const post = async (path: string, body: unknown): Promise<Answer> => (await (await fetch(`${triage.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as Answer;
  const press = async (personId: string, message: Message, action: string, targetId?: string) => {
    const button = message.card.actions.find((a) => {
      const ref = parseActionId(a.id);
      return ref.ok && ref.value.action === action && (targetId === undefined || ref.value.target?.id === targetId);
    });
    expect(button, `${action} ${targetId ?? ''} on "${message.card.title}"`).toBeDefined();
    return post('/console/api/click', { actionId: button!.id, personId, channel: message.channel, messageId: message.id });
  };

  it('the cascade opened one incident, with its insights listed on one card in the thread', async () => {
    const all = await messages();
    const headers = all.filter((m) => /^🚨 Incident #\d+/.test(m.card.title));
    expect(headers).toHaveLength(1);
    header = headers[0]!;
    const members = all.filter((m) => m.threadOf === header.id && /^Insights in this incident \(\d+\)$/.test(m.card.title));
    expect(members).toHaveLength(1);
    expect(members[0]!.card.text).toMatch(/🔴 MCP pool exhausted: database-query/);
    expect(members[0]!.card.text).toMatch(/⚠️ .*openai/i);
  });

  it('recovered with the buttons and resolved: the minutes rank MCP, then the runtime, then the provider, with who did what', async () => {
    const all = await messages();
    const runtimes = all.filter((m) => m.threadOf === null && m.card.actions.some((a) => a.id.startsWith('v1|restart_runtime|')));
    for (const card of runtimes) for (const a of card.card.actions.filter((x) => x.id.startsWith('v1|restart_runtime|'))) await press('james', card, 'restart_runtime', parseActionId(a.id).ok ? (parseActionId(a.id) as { value: { target: { id: string } } }).value.target.id : '');
    const approval = all.find((m) => m.card.title === 'Routine daily-code-review out of budget' && /waiting for an approver/.test(m.card.text))!;
    expect((await press('elena', approval, 'approve_budget_override')).reply.text).toMatch(/^Approved/);
    await post('/console/api/command', { text: '/doctor', personId: 'sofia', channel: 'ops' });
    await settle();
    // What the team did while the incident was open is in its thread too.
    const threaded = (await messages()).filter((m) => m.threadOf === header.id);
    const story = threaded.map((m) => `${m.card.title} — ${m.card.text}`);
    expect(story).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^✅ Restart runtime bash-runtime-mike — James restarted runtime bash-runtime-mike \(heartbeat back after \d+\.\d s\)$/),
        expect.stringMatching(/^Approval #\d+: approved — Elena approved a \+\$5\.00 budget override for routine daily-code-review \(new limit \$15\.00\)$/),
        expect.stringMatching(/^🩺 Doctor run #\d+: (CRITICAL|WARNING|HEALTHY) — Asked by Sofia/),
      ]),
    );
    // The entry's label is what it says: a CRITICAL run is not filed as INFO.
    const doctorEntry = threaded.find((m) => m.card.title.startsWith('🩺 Doctor run'))!;
    const overall = /: (CRITICAL|WARNING|HEALTHY)$/.exec(doctorEntry.card.title)![1];
    expect(doctorEntry.card.severity).toBe({ CRITICAL: 'critical', WARNING: 'warning', HEALTHY: 'info' }[overall!]);

    const resolved = await post('/console/api/command', { text: '/incident resolve', personId: 'james', channel: 'ops' });
    expect(resolved.reply.text).toMatch(/resolved/i);
    await settle();
    const thread = (await messages()).filter((m) => m.threadOf === header.id);
    const minutes = thread.find((m) => /post-mortem|minutes/i.test(m.card.title));
    expect(minutes, thread.map((m) => m.card.title).join(' | ')).toBeDefined();

    const res = await fetch(`${triage.url}/incidents/${header.card.title.match(/#(\d+)/)![1]}/postmortem.md`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(200);
    const markdown = await res.text();
    if (process.env.SHOW_MINUTES) console.log(markdown);
    const primary = markdown.indexOf('Primary');
    const secondary = markdown.indexOf('Secondary');
    const tertiary = markdown.indexOf('Tertiary');
    expect(primary).toBeGreaterThan(-1);
    expect(markdown.slice(primary, secondary)).toMatch(/MCP|pool/i);
    expect(markdown.slice(secondary, tertiary)).toMatch(/runtime/i);
    expect(markdown.slice(tertiary, tertiary + 400)).toMatch(/provider|OpenAI/i);
    expect(markdown).toMatch(/James/);
    expect(markdown).toMatch(/Elena/);
    // Deterministic: asking again gives the same minutes.
    const again = await (await fetch(`${triage.url}/incidents/${header.card.title.match(/#(\d+)/)![1]}/postmortem.md`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
    expect(again).toBe(markdown);
    expect((await fetch(`${triage.url}/incidents/1/postmortem.md`)).status).toBe(401);
  });

  it('the preventive tickets: 3 created, the open pooling ticket found; running the loop again creates none', async () => {
    const thread = (await messages()).filter((m) => m.threadOf === header.id);
    const tickets = thread.find((m) => m.card.title === 'Improvement tickets');
    expect(tickets?.card.text).toMatch(/^3 improvement tickets created, 1 existing ticket found \(deduped\)/);
    const again = await post('/console/api/command', { text: `/improve ${header.card.title.match(/#(\d+)/)![1]}`, personId: 'james', channel: 'ops' });
    expect(again.reply.text).toMatch(/^0 improvement tickets created, 4 existing tickets found \(deduped\)/);
    const second = await post('/console/api/command', { text: '/incident resolve ' + header.card.title.match(/#(\d+)/)![1], personId: 'sofia', channel: 'ops' });
    expect(second.reply.text).toMatch(/already resolved by James/);
  });
});
