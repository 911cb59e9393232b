import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../../adapters/discord/index.js';
import { buildActionId } from '../../../src/chat/action-id.js';
import type { DiscordConfig } from '../../../src/config.js';
import { eventually } from '../../chat/support/drive.js';
import { oneDatabaseKind } from '../../support/databases.js';
import { forwardTo, startFakeGateway, type FakeGateway } from '../../support/discord-gateway.js';
import { startTestTriage, type TestTriage } from '../../support/triage.js';
import { insightId, raiseRuntimeFailures } from '../slack/triage.js';
import { APP_ID, BOT_TOKEN, buttonInteraction, commandInteraction, GUILD_ID, OPS_CHANNEL, signingKeys, postInteraction } from './far-side.js';
import { startDiscordServer, type DiscordServer } from './far-side-server.js';

const RESPONDER_ROLE = '1700000000000000007';
const OVERRIDES = { outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 }, roles: { responders: [`discord-role:${RESPONDER_ROLE}`] } } as never;

/** What Discord's gateway adds to an interaction beyond what its HTTP body carries, so discord.js's own handling of the packet has what it reads. */
const asDispatched = (interaction: ReturnType<typeof commandInteraction> | ReturnType<typeof buttonInteraction>) => ({
  ...interaction,
  version: 1,
  locale: 'en-US',
  app_permissions: '0',
  entitlements: [],
  authorizing_integration_owners: { '0': GUILD_ID },
  context: 0,
  member: { ...interaction.member, permissions: '0', joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false },
});

/**
 * Gateway mode end to end: Triage with the Discord adapter and no public key connects to a fake
 * gateway (test/support/discord-gateway.ts) through discord.js, gets commands and clicks as
 * INTERACTION_CREATE dispatches, and answers them at the callback endpoint, then through the
 * interaction's webhook, as over HTTP (test/adapters/discord/interactions.test.ts).
 */
describe.each(oneDatabaseKind())('Discord gateway mode on %s', (kind) => {
  let rest: DiscordServer;
  let gateway: FakeGateway;
  let triage: TestTriage;
  beforeAll(async () => {
    rest = await startDiscordServer();
    gateway = await startFakeGateway({ rest: forwardTo(rest.apiUrl) });
    const config: DiscordConfig = { botToken: BOT_TOKEN, applicationId: APP_ID, guildId: GUILD_ID, apiUrl: gateway.apiUrl, channel: OPS_CHANNEL, channels: {} };
    triage = await startTestTriage(kind, OVERRIDES, { adapters: [createDiscordAdapter(config)] });
    await gateway.ready();
  });
  afterAll(async () => {
    await triage?.close();
    await gateway?.close();
    await rest?.close();
  });
  const callbacks = (interaction: { id: string; token: string }) => rest.where('POST', new RegExp(`^/interactions/${interaction.id}/${interaction.token}/callback$`));
  const hooks = (token: string) => rest.calls.filter((c) => c.path.startsWith(`/webhooks/${APP_ID}/${token}`));

  it('identifies with the bot token and the Guilds intent only (no privileged intents), and mounts no HTTP endpoint', async () => {
    const identify = gateway.received.find((f) => f.op === 2)!.d as { token: string; intents: number };
    expect(identify.token).toBe(BOT_TOKEN);
    expect(identify.intents).toBe(1);
    expect((await fetch(`${triage.url}/discord/interactions`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('/triage help: the deferred private ack goes to the callback, then the help replaces "thinking…"', async () => {
    const interaction = commandInteraction('triage', 'help');
    gateway.dispatch('INTERACTION_CREATE', asDispatched(interaction));
    await eventually(() => hooks(interaction.token).length === 1, 5_000);
    expect(callbacks(interaction).map((c) => c.body)).toEqual([{ type: 5, data: { flags: 64 } }]);
    expect(callbacks(interaction)[0]!.auth).toBe(`Bot ${BOT_TOKEN}`);
    // The work starts only once Discord has the ack: a follow-up before it would be refused.
    expect(rest.calls.indexOf(callbacks(interaction)[0]!)).toBeLessThan(rest.calls.indexOf(hooks(interaction.token)[0]!));
    const [edit] = hooks(interaction.token);
    expect(edit).toMatchObject({ method: 'PATCH', path: `/webhooks/${APP_ID}/${interaction.token}/messages/@original` });
    expect((edit!.body as { content: string }).content).toMatch(/^Triage watches your agent platform/);
  });

  it('/doctor posts the report for everyone, and says this replica holds the gateway session', async () => {
    const interaction = commandInteraction('doctor', undefined, '1500000000000000002', [RESPONDER_ROLE]);
    gateway.dispatch('INTERACTION_CREATE', asDispatched(interaction));
    await eventually(() => hooks(interaction.token).length === 2, 15_000);
    const [note, report] = hooks(interaction.token);
    expect(note).toMatchObject({ method: 'PATCH', body: { content: 'Posted in the channel.' } });
    expect(JSON.stringify(report!.body)).toMatch(/gateway: held here, connected/);
  });

  it('a button click over the gateway: a viewer pressing Restart is refused privately, a dismiss edits the card', async () => {
    await raiseRuntimeFailures(triage);
    await eventually(() => rest.where('POST', new RegExp(`^/channels/${OPS_CHANNEL}/messages$`)).length === 1, 10_000);
    await eventually(async () => (await triage.outbox.stats()).inFlight === 0);
    const rows = await triage.database.query<{ message_id: string }>(sql`select message_id from chat_messages where platform = 'discord'`);
    const messageId = rows[0]!.message_id.split(':')[1]!;
    const insight = await insightId(triage, 'runtime_execution_failures');

    const restart = buttonInteraction(buildActionId({ action: 'restart_runtime', subject: { kind: 'insight', id: String(insight) }, target: { kind: 'runtime', id: 'bash-runtime-mike' } }), messageId, '1500000000000000009');
    gateway.dispatch('INTERACTION_CREATE', asDispatched(restart));
    await eventually(() => hooks(restart.token).length === 1, 5_000);
    expect(callbacks(restart).map((c) => c.body)).toEqual([{ type: 6 }]);
    expect(hooks(restart.token)[0]!.body).toMatchObject({ flags: 64, content: expect.stringMatching(/responder/i) });

    const dismiss = buttonInteraction(buildActionId({ action: 'dismiss', subject: { kind: 'insight', id: String(insight) } }), messageId, '1500000000000000003');
    gateway.dispatch('INTERACTION_CREATE', asDispatched(dismiss));
    await eventually(() => hooks(dismiss.token).length === 1, 5_000);
    expect((hooks(dismiss.token)[0]!.body as { content: string }).content).toMatch(/^Dismissed/);
    await eventually(() => rest.where('PATCH', new RegExp(`^/channels/${OPS_CHANNEL}/messages/${messageId}$`)).some((e) => /dismissed/i.test(JSON.stringify(e.body))), 10_000);
  });

  it('a dropped connection is resumed, not identified anew; what was sent meanwhile and after is handled exactly once', async () => {
    const identifies = gateway.identifies();
    gateway.drop(4000);
    const missed = commandInteraction('triage', 'help');
    gateway.dispatch('INTERACTION_CREATE', asDispatched(missed));
    await gateway.ready();
    await eventually(() => gateway.resumes() === 1, 5_000);
    const after = commandInteraction('triage', 'help');
    gateway.dispatch('INTERACTION_CREATE', asDispatched(after));
    await eventually(() => hooks(missed.token).length === 1 && hooks(after.token).length === 1, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const interaction of [missed, after]) {
      expect(callbacks(interaction)).toHaveLength(1);
      expect(hooks(interaction.token)).toHaveLength(1);
    }
    expect(gateway.identifies()).toBe(identifies);
  });
});

describe.each(oneDatabaseKind())('DISCORD_GATEWAY=off on %s', (kind) => {
  it('keeps HTTP interactions only: no gateway session is opened', async () => {
    const rest = await startDiscordServer();
    const gateway = await startFakeGateway({ rest: forwardTo(rest.apiUrl) });
    const keys = signingKeys();
    const config: DiscordConfig = { botToken: BOT_TOKEN, publicKey: keys.publicKeyHex, gateway: 'off', applicationId: APP_ID, apiUrl: gateway.apiUrl, channel: OPS_CHANNEL, channels: {} };
    const triage = await startTestTriage(kind, OVERRIDES, { adapters: [createDiscordAdapter(config)] });
    try {
      const ping = await postInteraction(triage.url, keys.privateKey, { id: '1', type: 1, application_id: APP_ID, token: 't' });
      expect(await ping.json()).toEqual({ type: 1 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(gateway.received).toEqual([]);
      expect(gateway.discoveries()).toBe(0);
    } finally {
      await triage.close();
      await gateway.close();
      await rest.close();
    }
  });
});
