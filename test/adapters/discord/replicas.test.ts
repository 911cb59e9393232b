import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../src/db/client.js';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { playScenario } from '../../../src/platform/scenarios/player.js';
import { eventually } from '../../chat/support/drive.js';
import { createPostgresDatabase, realPostgresUrl } from '../../support/databases.js';
import { spawnTriage, type TriageProcess } from '../../support/process.js';
import { TEST_TOKEN } from '../../support/triage.js';
import { APP_ID, BOT_TOKEN, buttonInteraction, commandInteraction, GUILD_ID, OPS_CHANNEL, postInteraction, signingKeys } from './far-side.js';
import { startDiscordServer, type DiscordServer } from './far-side-server.js';

const RESPONDER_ROLE = '1700000000000000007';
const RESPONDER = '1500000000000000001';
/** The private question's own message: Discord gives the Yes and Cancel clicks its id. */
const QUESTION_MESSAGE = '1900000000000000001';

type Answer = { type: number; data: { content: string; flags?: number; components: Array<{ components: Array<{ custom_id: string; label: string }> }> } };

/**
 * Two Triage replicas as two real processes (src/main.ts) on one PostgreSQL database: a
 * question asked by one is answered on the other, as Discord's load balancer may route it. Real
 * processes share nothing but the database, so nothing kept in a process can make this pass;
 * Discord's far side is therefore a real HTTP server (far-side-server.ts), which msw could not be.
 */
describe.runIf(realPostgresUrl())('a Discord confirmation across two replicas on one PostgreSQL', () => {
  const keys = signingKeys();
  let discord: DiscordServer;
  let drop: (() => Promise<void>) | undefined;
  let database: Database;
  const replicas: TriageProcess[] = [];
  let a: TriageProcess;
  let b: TriageProcess;
  let card: { customId: string; messageId: string };
  let hanging: Server;

  beforeAll(async () => {
    discord = await startDiscordServer();
    const db = await createPostgresDatabase();
    drop = db.drop;
    database = await openDatabase({ kind: 'postgres', url: db.url, maxConnections: 2 });
    // As in interactions.test.ts: the outbox does not pace posts, so the scenario's cards do not queue ahead of the result.
    const config = join(mkdtempSync(join(tmpdir(), 'triage-replicas-')), 'triage.config.yml');
    // A provider that never answers keeps a /doctor busy for its check's deadline: long enough to
    // kill the replica that acknowledged it before it answers.
    hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const slowUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/models`;
    writeFileSync(
      config,
      'outbox:\n  channelPostIntervalMs: 0\n  minUpdateIntervalMs: 0\n  workspaceUpdateIntervalMs: 0\n  baseBackoffMs: 50\n' +
        `doctor:\n  checkTimeoutMs: 4000\n  providers:\n    - { id: slow-llm, url: "${slowUrl}" }\n`,
    );
    const env = (name: string) => ({
      TRIAGE_CONFIG: config,
      DATABASE_URL: db.url,
      INGEST_TOKEN: TEST_TOKEN,
      TRIAGE_DATA_DIR: mkdtempSync(join(tmpdir(), `triage-${name}-`)),
      LOG_LEVEL: 'warn',
      TRIAGE_RESPONDERS: `discord-role:${RESPONDER_ROLE}`,
      DISCORD_BOT_TOKEN: BOT_TOKEN,
      DISCORD_PUBLIC_KEY: keys.publicKeyHex,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_GUILD_ID: GUILD_ID,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_CHANNEL: OPS_CHANNEL,
    });
    // One after the other: the first start seeds the simulated platform's workspace.
    for (const name of ['a', 'b']) {
      const replica = await spawnTriage(env(name), 90_000);
      replicas.push(replica);
      if ((await fetch(`${replica.url}/readyz`).catch(() => undefined))?.status !== 200) throw new Error(`replica ${name} did not start:\n${replica.output()}`);
    }
    [a, b] = replicas as [TriageProcess, TriageProcess];
    // Both replicas' embedded simulators keep the platform in this one database, so a loop
    // cancelled through either is cancelled for both.
    expect((await playScenario({ scenario: findScenario('cascading-failure')!, url: a.url, token: TEST_TOKEN, speed: 50 })).ok).toBe(true);
    await eventually(() => cancelButton() !== undefined, 60_000);
    card = cancelButton()!;
    // The card's words come from the outbox's record of it: asked before that is written, the question is generic.
    await eventually(async () => (await database.query(sql`select 1 from chat_messages where platform = 'discord' and message_id = ${`${OPS_CHANNEL}:${card.messageId}`}`)).length === 1, 30_000);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(
      replicas.map(async (replica) => {
        replica.child.kill('SIGTERM');
        await replica.exited;
      }),
    );
    await database?.close();
    await drop?.();
    await discord?.close();
    hanging?.closeAllConnections();
    hanging?.close();
  }, 30_000);

  const post = (replica: TriageProcess, body: unknown) => postInteraction(replica.url, keys.privateKey, body);
  const click = (customId: string, messageId: string) => buttonInteraction(customId, messageId, RESPONDER, [RESPONDER_ROLE]);
  function cancelButton(): { customId: string; messageId: string } | undefined {
    for (const call of discord.where('POST', new RegExp(`^/channels/${OPS_CHANNEL}/messages$`))) {
      const found = JSON.stringify(call.body).match(/"custom_id":"(\?v1\|cancel_loop\|[^"]+)"/);
      if (found) return { customId: found[1]!, messageId: call.answeredId! };
    }
    return undefined;
  }
  const cancels = () => database.query<{ status: string; idempotency_key: string; target_id: string }>(sql`select status, idempotency_key, target_id from action_requests where action = 'cancel_loop'`);
  const hooks = (token: string) => discord.calls.filter((c) => c.path.startsWith(`/webhooks/${APP_ID}/${token}`));
  const loops = async (replica: TriageProcess) =>
    ((await (await fetch(`${replica.url}/platform/loops`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).json()) as { items: Array<{ id: string; status: string }> }).items;
  const ask = async (replica: TriageProcess) => {
    const question = (await (await post(replica, click(card.customId, card.messageId))).json()) as Answer;
    expect(question).toMatchObject({ type: 4, data: { flags: 64 } });
    const [yes, no] = question.data.components[0]!.components;
    return { question, yes: yes!.custom_id, no: no!.custom_id };
  };

  it('Cancel on B forgets the question A asked: a Yes to A afterwards does nothing', async () => {
    const { yes, no } = await ask(a);
    const cancelled = click(no, QUESTION_MESSAGE);
    expect(await (await post(b, cancelled)).json()).toEqual({ type: 7, data: { content: 'Cancelled. Nothing was done.', components: [] } });
    const late = click(yes, QUESTION_MESSAGE);
    expect(((await (await post(a, late)).json()) as Answer).data.content).toMatch(/expired, so nothing was done/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await cancels()).toEqual([]);
    expect(hooks(late.token)).toEqual([]);
  });

  it('asked through A, confirmed on B: B cancels the loop once, and a second Yes to A is told it expired', async () => {
    const { question, yes } = await ask(a);
    // The card's own words, read by A from the shared outbox record.
    expect(question.data.content).toMatch(/Its work so far is lost/);
    const stored = await database.query<{ action_id: string; channel_id: string; message_id: string }>(sql`select action_id, channel_id, message_id from discord_confirmations`);
    expect(stored).toEqual([{ action_id: card.customId.slice(1), channel_id: OPS_CHANNEL, message_id: card.messageId }]);

    const confirmed = click(yes, QUESTION_MESSAGE);
    expect(await (await post(b, confirmed)).json()).toEqual({ type: 7, data: { content: 'Confirmed. Working on it…', components: [] } });
    // The request carries B's interaction: B ran the click, as the original card's click.
    await eventually(async () => (await cancels())[0]?.status === 'succeeded', 20_000);
    const [request] = await cancels();
    expect(request!.idempotency_key).toBe(`discord:${confirmed.id}`);
    // What the person notices: the loop is cancelled on the platform (asked through either replica)…
    for (const replica of [a, b]) expect((await loops(replica)).find((l) => l.id === request!.target_id)?.status).toBe('cancelled');
    // …B told them privately through the Yes's own interaction webhook, and the card under which
    // the question was asked shows the result.
    await eventually(() => hooks(confirmed.token).length === 1, 10_000);
    expect(JSON.stringify(hooks(confirmed.token)[0]!.body)).toContain(`Cancelling an agentic loop (${request!.target_id})`);
    const threads = () => discord.where('POST', new RegExp(`^/channels/${OPS_CHANNEL}/messages/${card.messageId}/threads$`));
    // The progress card in that thread: posted once, then edited in place to the result.
    const inThread = () => discord.where('POST', new RegExp(`^/channels/${card.messageId}/messages$`));
    const result = () => discord.calls.filter((c) => new RegExp(`^/channels/${card.messageId}/messages(/\\d+)?$`).test(c.path) && JSON.stringify(c.body).includes(`✅ loop ${request!.target_id} (ticket #47) cancelled`));
    await eventually(() => result().length > 0, 20_000);
    expect(threads()).toHaveLength(1);
    expect(await database.query(sql`select key from discord_confirmations`)).toEqual([]);

    const again = click(yes, QUESTION_MESSAGE);
    expect(await (await post(a, again)).json()).toEqual({
      type: 7,
      data: { content: 'This question has expired, so nothing was done. Press the button on the card again.', components: [] },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await cancels()).toHaveLength(1);
    expect(hooks(again.token)).toEqual([]);
    expect(threads()).toHaveLength(1);
    expect(inThread()).toHaveLength(1);
  });

  // Last: it kills A.
  it('a /doctor that A acknowledged and then died on (SIGKILL) is answered by B, once', async () => {
    const asked = commandInteraction('doctor', 'providers', RESPONDER, [RESPONDER_ROLE]);
    expect(await (await post(a, asked)).json()).toEqual({ type: 5, data: { flags: 64 } });
    await new Promise((r) => setTimeout(r, 1_000));
    a.child.kill('SIGKILL');
    await a.exited;
    expect(hooks(asked.token)).toEqual([]);

    // B finds the work once A's lease on it has run out, runs it again and answers at its token.
    // The report is for the channel: the private "thinking…" is settled first, then the report follows.
    await eventually(() => hooks(asked.token).length >= 2, 75_000);
    expect(hooks(asked.token).map((h) => h.method)).toEqual(['PATCH', 'POST']);
    expect(JSON.stringify(hooks(asked.token)[1]!.body)).toContain('Doctor Report (providers)');
    // B marks the work done just after its answer reached Discord, so the row may trail the hook by a moment.
    const work = () => database.query<{ status: string; owner: string; payload: unknown }>(sql`select status, owner, payload from chat_work where key = ${`discord:${asked.id}`}`);
    await eventually(async () => (await work())[0]?.status === 'done', 10_000);
    const rows = await work();
    expect(rows).toEqual([{ status: 'done', owner: expect.stringContaining(`:${b.child.pid}:`), payload: null }]);
  }, 120_000);
});
