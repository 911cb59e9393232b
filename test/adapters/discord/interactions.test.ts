import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../../adapters/discord/index.js';
import { DISCORD_COMMANDS } from '../../../adapters/discord/commands.js';
import { SLACK_COMMANDS } from '../../../adapters/slack/bolt-app.js';
import { buildActionId } from '../../../src/chat/action-id.js';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { playScenario } from '../../../src/platform/scenarios/player.js';
import { eventually, outboxSettled } from '../../chat/support/drive.js';
import { oneDatabaseKind } from '../../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../../support/triage.js';
import { insightId, raiseRuntimeFailures } from '../slack/triage.js';
import {
  APP_ID,
  BOT_TOKEN,
  buttonInteraction,
  commandInteraction,
  createDiscordFarSide,
  discordConfig,
  GUILD_ID,
  OPS_CHANNEL,
  postInteraction,
  signingKeys,
  type DiscordFarSide,
} from './far-side.js';

const RESPONDER_ROLE = '1700000000000000007';
const restartId = (insight: number) => buildActionId({ action: 'restart_runtime', subject: { kind: 'insight', id: String(insight) }, target: { kind: 'runtime', id: 'bash-runtime-mike' } });

/**
 * Signed interactions against the real Triage server with the Discord adapter on, Discord's REST
 * side in msw: what a Discord server would see, from the endpoint check to a Dismiss.
 */
describe.each(oneDatabaseKind())('POST /discord/interactions on %s', (kind) => {
  let discord: DiscordFarSide;
  let triage: TestTriage;
  const keys = signingKeys();
  beforeAll(async () => {
    discord = createDiscordFarSide();
    discord.listen();
    triage = await startTestTriage(kind, { simulator: { restartHeartbeatDelayMs: 200 }, outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 }, roles: { responders: [`discord-role:${RESPONDER_ROLE}`] } } as never, {
      adapters: [createDiscordAdapter(discordConfig(keys.publicKeyHex))],
    });
  });
  afterAll(async () => {
    await triage?.close();
    discord?.close();
  });
  const post = (body: unknown, options?: Parameters<typeof postInteraction>[3]) => postInteraction(triage.url, keys.privateKey, body, options);
  const hooks = (token: string) => discord.calls.filter((c) => c.path.startsWith(`/webhooks/${APP_ID}/${token}`));

  it('registers the same slash commands as Slack in the server at start-up, each taking its text', async () => {
    await eventually(() => discord.where('PUT', /\/commands$/).length === 1);
    const [put] = discord.where('PUT', /\/commands$/);
    expect(put!.path).toBe(`/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
    expect(put!.auth).toBe(`Bot ${BOT_TOKEN}`);
    const names = (put!.body as Array<{ name: string; options: Array<{ name: string }> }>).map((c) => [c.name, c.options.map((o) => o.name)]);
    expect(names).toEqual(SLACK_COMMANDS.map((c) => [c.slice(1), ['text']]));
    expect(DISCORD_COMMANDS.map((c) => `/${c.name}`)).toEqual([...SLACK_COMMANDS]);
  });

  it("answers Discord's endpoint check (PING) and refuses what Discord did not sign", async () => {
    const ping = await post({ id: '1', type: 1, application_id: APP_ID, token: 't' });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ type: 1 });
    const forged = await post({ id: '1', type: 1 }, { signature: '0'.repeat(128) });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: 'invalid request signature' });
    const stale = await post({ id: '1', type: 1 }, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    const unsigned = await fetch(`${triage.url}/discord/interactions`, { method: 'POST', body: '{"type":1}' });
    expect(unsigned.status).toBe(401);
    expect((await post(undefined, { raw: 'not json' })).status).toBe(400);
    expect((await post({ type: 99, id: '1' })).status).toBe(400);
    const huge = await post(undefined, { raw: JSON.stringify({ type: 1, pad: 'x'.repeat(1_100_000) }) });
    expect(huge.status).toBe(413);
  });

  it('/triage help: deferred privately at once, then the help replaces "thinking…"', async () => {
    const interaction = commandInteraction('triage', 'help');
    const started = Date.now();
    const res = await post(interaction);
    expect(await res.json()).toEqual({ type: 5, data: { flags: 64 } });
    expect(Date.now() - started).toBeLessThan(1_000);
    await eventually(() => hooks(interaction.token).length === 1);
    const [edit] = hooks(interaction.token);
    expect(edit!.method).toBe('PATCH');
    expect(edit!.path).toBe(`/webhooks/${APP_ID}/${interaction.token}/messages/@original`);
    expect((edit!.body as { content: string }).content).toMatch(/^Triage watches your agent platform/);
    expect((edit!.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [] });
  });

  it('/doctor posts the report for everyone and tells the asker so privately', async () => {
    const interaction = commandInteraction('doctor', undefined, '1500000000000000002', [RESPONDER_ROLE]);
    expect(await (await post(interaction)).json()).toEqual({ type: 5, data: { flags: 64 } });
    await eventually(() => hooks(interaction.token).length === 2, 15_000);
    // The private "thinking…" is settled first: Discord makes the first follow-up of a private defer private too.
    const [note, report] = hooks(interaction.token);
    expect(report!.method).toBe('POST');
    expect((report!.body as { flags?: number }).flags).toBeUndefined();
    expect(JSON.stringify((report!.body as { embeds: unknown[] }).embeds)).toMatch(/OVERALL|HEALTHY|WARNING|CRITICAL/);
    expect(note).toMatchObject({ method: 'PATCH', body: { content: 'Posted in the channel.' } });
  });

  describe('a card and its buttons', () => {
    let messageId: string;

    it('the insight card is posted to DISCORD_CHANNEL with the bot token', async () => {
      await raiseRuntimeFailures(triage);
      await eventually(() => discord.where('POST', new RegExp(`^/channels/${OPS_CHANNEL}/messages$`)).length === 1, 10_000);
      const [posted] = discord.where('POST', new RegExp(`^/channels/${OPS_CHANNEL}/messages$`));
      expect(posted!.auth).toBe(`Bot ${BOT_TOKEN}`);
      expect(JSON.stringify(posted!.body)).toMatch(/bash-runtime-mike/);
      await eventually(async () => (await triage.outbox.stats()).inFlight === 0);
      const rows = await triage.database.query<{ message_id: string }>(sql`select message_id from chat_messages where platform = 'discord'`);
      messageId = rows[0]!.message_id.split(':')[1]!;
    });

    it('a viewer pressing Restart is refused privately, told who can, and nothing runs', async () => {
      const click = buttonInteraction(restartId(await insightId(triage, 'runtime_execution_failures')), messageId, '1500000000000000009');
      expect(await (await post(click)).json()).toEqual({ type: 6 });
      await eventually(() => hooks(click.token).length === 1);
      const [answer] = hooks(click.token);
      expect(answer!.body).toMatchObject({ flags: 64 });
      expect((answer!.body as { content: string }).content).toMatch(/responder/i);
      expect(discord.where('POST', /\/threads$/)).toHaveLength(0);
    });

    it('a responder (by Discord role) restarts: the progress card goes into a thread under the card', async () => {
      const click = buttonInteraction(restartId(await insightId(triage, 'runtime_execution_failures')), messageId, '1500000000000000001', [RESPONDER_ROLE]);
      expect(await (await post(click)).json()).toEqual({ type: 6 });
      await eventually(() => hooks(click.token).length === 1);
      expect(hooks(click.token)[0]!.body).toMatchObject({ flags: 64 });
      await eventually(() => discord.where('POST', new RegExp(`^/channels/${messageId}/messages$`)).length >= 1, 10_000);
      expect(discord.where('POST', new RegExp(`^/channels/${OPS_CHANNEL}/messages/${messageId}/threads$`))).toHaveLength(1);
      expect(JSON.stringify(discord.where('POST', new RegExp(`^/channels/${messageId}/messages$`))[0]!.body)).toMatch(/Restart runtime bash-runtime-mike/);
      // The same progress card, edited in place in the thread when the heartbeat comes.
      await eventually(() => discord.where('PATCH', new RegExp(`^/channels/${messageId}/messages/\\d+$`)).some((c) => /heartbeat detected/.test(JSON.stringify(c.body))), 10_000);
    });

    it('anyone may dismiss: answered privately, and the card is edited in place', async () => {
      const id = await insightId(triage, 'runtime_execution_failures');
      const click = buttonInteraction(buildActionId({ action: 'dismiss', subject: { kind: 'insight', id: String(id) } }), messageId, '1500000000000000003');
      expect(await (await post(click)).json()).toEqual({ type: 6 });
      await eventually(() => hooks(click.token).length === 1);
      expect(hooks(click.token)[0]!.body).toMatchObject({ flags: 64 });
      expect((hooks(click.token)[0]!.body as { content: string }).content).toMatch(/^Dismissed/);
      const edits = () => discord.where('PATCH', new RegExp(`^/channels/${OPS_CHANNEL}/messages/${messageId}$`));
      await eventually(() => edits().some((e) => /dismissed/i.test(JSON.stringify(e.body))), 10_000);
    });
  });
});

/**
 * Discord buttons have no confirmation dialog: an action the card marks as needing one (cancel a
 * stuck loop) asks privately, in the card's words, and only Yes acts, once.
 */
describe('confirming a destructive button on Discord', () => {
  let discord: DiscordFarSide;
  let triage: TestTriage;
  const keys = signingKeys();
  beforeAll(async () => {
    discord = createDiscordFarSide();
    discord.listen();
    triage = await startTestTriage('pglite', { outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 }, roles: { responders: [`discord-role:${RESPONDER_ROLE}`] } } as never, {
      adapters: [createDiscordAdapter(discordConfig(keys.publicKeyHex))],
    });
    expect((await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 })).ok).toBe(true);
    await triage.writer.drain();
    await triage.evaluator.idle();
    await eventually(outboxSettled(triage.outbox), 15_000);
  });
  afterAll(async () => {
    await triage?.close();
    discord?.close();
  });
  const post = (body: unknown) => postInteraction(triage.url, keys.privateKey, body);
  type Answer = { type: number; data: { content: string; flags?: number; components: Array<{ components: Array<{ custom_id: string; label: string }> }> } };
  const cancelButton = () => {
    for (const call of discord.where('POST', new RegExp(`^/channels/${OPS_CHANNEL}/messages$`))) {
      const found = JSON.stringify(call.body).match(/"custom_id":"(\?v1\|cancel_loop\|[^"]+)"/);
      if (found) return { customId: found[1]!, messageId: call.answeredId! };
    }
    throw new Error('no card with a Cancel loop button was posted');
  };
  const cancels = async () => (await triage.database.query<{ n: number }>(sql`select count(*)::int as n from action_requests where action = 'cancel_loop'`))[0]!.n;

  it('asks first, privately, in the card\'s words; Cancel does nothing', async () => {
    const { customId, messageId } = cancelButton();
    const question = (await (await post(buttonInteraction(customId, messageId, '1500000000000000001', [RESPONDER_ROLE]))).json()) as Answer;
    expect(question.type).toBe(4);
    expect(question.data.flags).toBe(64);
    expect(question.data.content).toMatch(/Its work so far is lost/);
    const [yes, no] = question.data.components[0]!.components;
    expect(yes!.custom_id).toMatch(/^yes:/);
    const cancelled = (await (await post(buttonInteraction(no!.custom_id, '1900000000000000001', '1500000000000000001', [RESPONDER_ROLE]))).json()) as Answer;
    expect(cancelled).toEqual({ type: 7, data: { content: 'Cancelled. Nothing was done.', components: [] } });
    await new Promise((r) => setTimeout(r, 300));
    expect(await cancels()).toBe(0);
    const late = (await (await post(buttonInteraction(yes!.custom_id, '1900000000000000001', '1500000000000000001', [RESPONDER_ROLE]))).json()) as Answer;
    expect(late.data.content).toMatch(/expired, so nothing was done/);
  });

  it('Yes runs the click on the original card, once', async () => {
    const { customId, messageId } = cancelButton();
    const question = (await (await post(buttonInteraction(customId, messageId, '1500000000000000001', [RESPONDER_ROLE]))).json()) as Answer;
    const yes = question.data.components[0]!.components[0]!;
    const confirmed = buttonInteraction(yes.custom_id, '1900000000000000002', '1500000000000000001', [RESPONDER_ROLE]);
    expect(await (await post(confirmed)).json()).toEqual({ type: 7, data: { content: 'Confirmed. Working on it…', components: [] } });
    await eventually(async () => (await cancels()) === 1, 10_000);
    await eventually(() => discord.calls.some((c) => c.path === `/webhooks/${APP_ID}/${confirmed.token}`));
    expect((await (await post(buttonInteraction(yes.custom_id, '1900000000000000002', '1500000000000000001', [RESPONDER_ROLE]))).json()) as Answer).toMatchObject({ type: 7 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await cancels()).toBe(1);
  });
});
