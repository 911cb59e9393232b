import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { createFakeChat, type FakeChat } from '../chat/support/fake-chat.js';
import { eventually, outboxSettled } from '../chat/support/drive.js';
import { databaseKinds } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';

/**
 * The seed incident end to end: scenario → real HTTP intake → rules → insights → outbox → a chat
 * platform (a fake standing in for Slack's far side). The seed's critical cards arrive once each.
 */
describe.each(databaseKinds())('Copilot on the seed incident on %s', (kind) => {
  let triage: TestTriage;
  let chat: FakeChat;
  beforeAll(async () => {
    chat = createFakeChat('slack');
    triage = await startTestTriage(kind, { outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0 } } as never, { chatPorts: [chat] });
  });
  afterAll(async () => triage?.close());

  // The insights' own cards: not the incident header the cascade opens, nor the approval it asks for.
  const posts = () => chat.delivered().filter((c) => c.op === 'post' && !/^(🚨 Incident|Budget override:)/.test(c.card.title));

  it('posts each of the seed critical insights once, to the routed channel, with their buttons', async () => {
    const start = new Date();
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50, start });
    expect(played.ok).toBe(true);
    await triage.evaluator.idle();
    await eventually(outboxSettled(triage.outbox), 10_000);

    const titles = posts().map((p) => p.card.title);
    const critical = posts().filter((p) => p.card.severity === 'critical');
    expect(new Set(titles).size).toBe(titles.length);
    expect(posts().every((p) => p.channel === 'ops')).toBe(true);
    const text = critical.map((p) => `${p.card.title}\n${p.card.text}\n${p.card.entities.map((e) => e.id).join(',')}`).join('\n---\n');
    expect(text).toMatch(/runtime execution failed events in last 10 minutes/);
    expect(text).toContain('bash-runtime-mike');
    expect(text).toContain('bash-runtime-priya');
    expect(text).toMatch(/agentic loops in "running" state > 30 minutes/);
    expect(text).toContain('daily-code-review');
    expect(text).toContain('database-query');
    const allText = posts().map((p) => `${p.card.title} ${p.card.text}`).join('\n');
    expect(allText).toMatch(/openai/i);
    expect(allText).not.toMatch(/anthropic.*degraded/i);
    for (const card of critical) expect(card.card.actions.map((a) => a.label)).toContain('Dismiss');
    // Only the two runtimes that fell are reported: healthy ones never flap through a card.
    const unreachable = posts().filter((p) => /unreachable/.test(p.card.title)).map((p) => p.card.entities[0]?.id).sort();
    expect(unreachable).toEqual(['bash-runtime-mike', 'bash-runtime-priya']);
  });

  it('replaying the incident adds no card: repeats update in place or change nothing', async () => {
    const before = posts().length;
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await triage.evaluator.idle();
    await eventually(outboxSettled(triage.outbox), 10_000);
    expect(posts().length).toBe(before);
  });
});
