import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../../adapters/discord/index.js';
import { ComponentInteraction, personOf } from '../../../adapters/discord/payloads.js';
import { withoutPings } from '../../../adapters/discord/rest.js';
import { eventually } from '../../chat/support/drive.js';
import { oneDatabaseKind } from '../../support/databases.js';
import { startTestTriage, type TestTriage } from '../../support/triage.js';
import { APP_ID, commandInteraction, createDiscordFarSide, discordConfig, postInteraction, signingKeys, type DiscordFarSide } from './far-side.js';

const ZWSP = '\u200B';
const RESPONDER_ROLE = '1700000000000000007';

/** A button press by a member, as Discord sends it (member.nick, member.user.global_name, user.username). */
const pressBy = (member: { nick?: string | null; global_name?: string | null; username: string }) =>
  ComponentInteraction.parse({
    id: '1600000000000000001',
    application_id: APP_ID,
    type: 3,
    token: 'interaction-token',
    guild_id: '1200000000000000002',
    member: { user: { id: '1500000000000000001', username: member.username, global_name: member.global_name ?? null }, roles: [], nick: member.nick ?? null },
    data: { custom_id: 'v1|dismiss|insight:1', component_type: 2 },
    message: { id: '1400000000000000001' },
  });

describe('Discord members named as the server shows them', () => {
  it('the server nick, else the global display name, else the username; a blank one counts as none', () => {
    expect(personOf(pressBy({ nick: 'Jamie (on-call)', global_name: 'James', username: 'jokafor' }))?.name).toBe('Jamie (on-call)');
    expect(personOf(pressBy({ nick: null, global_name: 'James', username: 'jokafor' }))?.name).toBe('James');
    expect(personOf(pressBy({ nick: '  ', global_name: null, username: 'jokafor' }))?.name).toBe('jokafor');
    // The id stays the id: roles and the two-person rule are decided on it, never on a name.
    expect(personOf(pressBy({ nick: 'Elena', username: 'jokafor' }))?.userId).toBe('1500000000000000001');
  });

  it('every message body Triage sends (channel posts, edits, interaction webhooks) turns pings off; other calls are sent as given', () => {
    const off = { allowed_mentions: { parse: [] } };
    expect(withoutPings('POST', '/channels/1300000000000000003/messages', { content: '@everyone' })).toEqual({ content: '@everyone', ...off });
    expect(withoutPings('PATCH', '/channels/1300000000000000003/messages/1400000000000000001', { content: 'x', allowed_mentions: { parse: ['everyone'] } })).toEqual({ content: 'x', ...off });
    expect(withoutPings('POST', `/webhooks/${APP_ID}/token-1`, { content: 'x' })).toEqual({ content: 'x', ...off });
    expect(withoutPings('PATCH', `/webhooks/${APP_ID}/token-1/messages/@original`, { content: 'x' })).toEqual({ content: 'x', ...off });
    expect(withoutPings('POST', '/channels/1300000000000000003/messages/1400000000000000001/threads', { name: 'x' })).toEqual({ name: 'x' });
    expect(withoutPings('PUT', `/applications/${APP_ID}/commands`, [{ name: 'triage' }])).toEqual([{ name: 'triage' }]);
  });
});

/**
 * Over the real endpoint, signed like Discord: the person is named by their nick in what
 * everyone sees, and a nick made of mentions pings nobody (allowed_mentions off on every message,
 * `@everyone` and `<@id>` shown as typed).
 */
describe.each(oneDatabaseKind())('Discord names over signed interactions on %s', (kind) => {
  let discord: DiscordFarSide;
  let triage: TestTriage;
  const keys = signingKeys();
  beforeAll(async () => {
    discord = createDiscordFarSide();
    discord.listen();
    triage = await startTestTriage(kind, { outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 }, roles: { responders: [`discord-role:${RESPONDER_ROLE}`] } } as never, {
      adapters: [createDiscordAdapter(discordConfig(keys.publicKeyHex))],
    });
  });
  afterAll(async () => {
    await triage?.close();
    discord?.close();
  });
  const hooks = (token: string) => discord.calls.filter((c) => c.path.startsWith(`/webhooks/${APP_ID}/${token}`));
  const send = async (interaction: ReturnType<typeof commandInteraction>, count: number) => {
    expect((await postInteraction(triage.url, keys.privateKey, interaction)).status).toBe(200);
    await eventually(() => hooks(interaction.token).length === count, 10_000);
    return hooks(interaction.token);
  };
  const withNick = (interaction: ReturnType<typeof commandInteraction>, nick: string) => ({ ...interaction, member: { ...interaction.member, nick } });

  it('/incident declare by a member with a nick: the channel is told by the nick, not the username or the id', async () => {
    const declare = withNick(commandInteraction('incident', 'declare Mike runtime failing', '1500000000000000001', [RESPONDER_ROLE]), 'Jamie (on-call)');
    const [, forEveryone] = await send(declare, 2);
    expect((forEveryone!.body as { content: string }).content).toMatch(/^Incident #\d+ declared by Jamie \(on-call\): Mike runtime failing/);
  });

  it('a nick made of mentions ("@everyone <@1500000000000000009> @here") pings nobody', async () => {
    const nick = '@everyone <@1500000000000000009> @here';
    const resolve = withNick(commandInteraction('incident', 'resolve', '1500000000000000002', [RESPONDER_ROLE]), nick);
    const [, forEveryone] = await send(resolve, 2);
    const content = (forEveryone!.body as { content: string }).content;
    expect(content).toContain(`resolved by @${ZWSP}everyone <${ZWSP}@1500000000000000009> @${ZWSP}here`);
    await eventually(async () => (await triage.outbox.stats()).pending === 0, 15_000);
    const messages = discord.calls.filter((c) => (c.method === 'POST' || c.method === 'PATCH') && /\/messages(\/[^/]+)?$|^\/webhooks\/\d+\/[^/]+$/.test(c.path));
    expect(messages.length).toBeGreaterThan(3);
    for (const call of messages) {
      expect(call.body, call.path).toMatchObject({ allowed_mentions: { parse: [] } });
      expect(JSON.stringify(call.body)).not.toMatch(/@(?:everyone|here)|<@\d/);
    }
  });
});
