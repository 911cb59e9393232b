import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { eventually } from '../chat/support/drive.js';
import { oneDatabaseKind } from '../support/databases.js';
import { TEST_TOKEN, type TestTriage } from '../support/triage.js';
import { actionBody, blockAction, createSlackFarSide, OPS_CHANNEL, postSigned, type ApiCall, type SlackFarSide } from '../adapters/slack/support.js';
import { startSlackTriage } from '../adapters/slack/triage.js';

type Block = { type: string; text?: { text: string }; elements?: { type: string; action_id?: string; text?: { text: string } }[] };

const blocksOf = (call: ApiCall) => call.body.blocks as Block[];
const titleOf = (call: ApiCall) => blocksOf(call).find((b) => b.type === 'header')?.text?.text ?? '';
const buttonId = (call: ApiCall, label: string) =>
  blocksOf(call)
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((e) => e.text?.text === label)?.action_id;

/**
 * The seed incident in Slack form: the scenario through the real intake, the cards as Slack's
 * Web API receives them (msw), then a signed Dismiss from Slack updates its card in place.
 */
describe.each(oneDatabaseKind())('the seed incident in Slack on %s', (kind) => {
  let slack: SlackFarSide;
  let triage: TestTriage;
  beforeAll(async () => {
    slack = createSlackFarSide();
    slack.listen();
    triage = await startSlackTriage(kind);
  });
  // Every payload Triage sent in the test is one Slack accepts (test/support/block-kit.ts).
  afterEach(() => slack?.assertAccepted());
  afterAll(async () => {
    await triage?.close();
    slack?.close();
  });

  // The insights' own cards: not the incident header the cascade opens, nor its thread.
  const posts = () => slack.calls('chat.postMessage').filter((p) => !p.body.thread_ts && !/^🚨 Incident/.test(titleOf(p)));
  const settled = async () => {
    await triage.evaluator.idle();
    await eventually(async () => {
      const stats = await triage.outbox.stats();
      return stats.pending === 0 && stats.inFlight === 0;
    }, 15_000);
  };

  it("posts the seed's critical cards once each to SLACK_CHANNEL, and updates them on their own ts", async () => {
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50, start: new Date() });
    expect(played.ok).toBe(true);
    await settled();
    await eventually(() => [/stuck agentic loops/, /daily-code-review out of budget/].every((t) => posts().some((p) => t.test(titleOf(p)))), 15_000);

    const titles = posts().map(titleOf);
    expect(new Set(titles).size).toBe(titles.length);
    expect(posts().every((p) => p.body.channel === OPS_CHANNEL)).toBe(true);
    for (const title of [/runtime execution failures/, /stuck agentic loops/, /daily-code-review out of budget/, /MCP pool exhausted: database-query/, /Runtime bash-runtime-mike unreachable/, /Runtime bash-runtime-priya unreachable/]) {
      expect(titles.filter((t) => title.test(t)), String(title)).toHaveLength(1);
    }
    // Every update edits a message Triage posted itself (the incident's included), never another.
    const postedTs = new Set(slack.calls('chat.postMessage').map((p) => `${p.body.channel}:${p.response!.ts}`));
    for (const update of slack.calls('chat.update')) expect(postedTs.has(`${update.body.channel}:${update.body.ts}`)).toBe(true);
  });

  it('a signed Dismiss on the loops card updates that message in place, dismissed, without buttons', async () => {
    const loops = posts().find((p) => /stuck agentic loops/.test(titleOf(p)))!;
    const ts = String(loops.response!.ts);
    const dismiss = buttonId(loops, 'Dismiss');
    expect(dismiss).toBeDefined();
    const updatesOf = () => slack.calls('chat.update').filter((u) => u.body.ts === ts);
    const dismissedUpdates = () => updatesOf().filter((u) => /dismissed/i.test(JSON.stringify(u.body.blocks)));
    expect(dismissedUpdates()).toHaveLength(0);

    const payload = blockAction(dismiss!, ts);
    const res = await postSigned(triage.url, actionBody(payload));
    expect(res.status).toBe(200);
    await eventually(() => dismissedUpdates().length > 0, 10_000);
    await settled();

    // Once, and the last word on that message: nothing later brings the buttons back.
    expect(dismissedUpdates()).toHaveLength(1);
    const update = updatesOf().at(-1)!;
    expect(update).toBe(dismissedUpdates()[0]);
    expect(update.body.channel).toBe(OPS_CHANNEL);
    expect(titleOf(update)).toMatch(/stuck agentic loops/);
    expect(buttonId(update, 'Dismiss')).toBeUndefined();
    await eventually(() => slack.hooks.some((h) => h.url === payload.response_url));
    expect(slack.hooks.find((h) => h.url === payload.response_url)!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^Dismissed/) });
    expect(posts().filter((p) => /stuck agentic loops/.test(titleOf(p)))).toHaveLength(1);
  });
});
