import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutbox, type Outbox, type OutboxOptionsInput } from '../../src/chat/outbox/index.js';
import { databaseKinds, openTestDatabase, realPostgresUrl, type TestDatabase } from '../support/databases.js';
import { eventually } from './support/drive.js';
import { card, clearChatTables, createFakeChat, fakeClock, type Call, type FakeChat } from './support/fake-chat.js';

const at = (channel: string, cardKey: string, title: string) => ({ platform: 'slack' as const, channel, cardKey, card: card(title) });
const gapsOf = (calls: Call[]) => calls.slice(1).map((c, i) => c.at - calls[i]!.at);
const cards = Array.from({ length: 10 }, (_, i) => ({ channel: `C${i}`, key: `card-${i}` }));

/**
 * Two outbox instances over one database stand in for two replicas, each with its own Slack
 * stand-in: the workspace's update pace is a row in the database, so together they keep it.
 */
describe.each(databaseKinds())('outbox replicas share the workspace update pace on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => clearChatTables(database));

  it('two replicas taking turns send one workspace update per interval between them', async () => {
    const clock = fakeClock();
    const shown: Call[] = [];
    const replicas = [1, 2].map((n) => {
      const slack = createFakeChat('slack', { now: clock.now, idPrefix: `replica${n}-msg-`, completed: shown });
      return { slack, outbox: createOutbox({ database, ports: new Map([['slack', slack]]), now: clock.now, random: () => 0.5 }) };
    });
    const runBoth = async () => {
      for (const { outbox } of replicas) await outbox.runOnce();
    };
    for (const [i, { channel, key }] of cards.entries()) await replicas[i % 2]!.outbox.enqueuePost(at(channel, key, `${key} v0`));
    await runBoth();
    clock.advance(5_000);
    for (const [i, { channel, key }] of cards.entries()) await replicas[i % 2]!.outbox.enqueueUpdate(at(channel, key, `${key} v1`));
    // One replica a step, 500 ms apart: each in turn is the one to find the pace free.
    for (let step = 0; shown.filter((c) => c.op === 'update').length < cards.length && step < 200; step++) {
      await replicas[step % 2]!.outbox.runOnce();
      clock.advance(500);
    }

    const updates = shown.filter((c) => c.op === 'update');
    expect(updates.map((c) => c.card.title).sort()).toEqual(cards.map(({ key }) => `${key} v1`).sort());
    expect(Math.min(...gapsOf(updates))).toBeGreaterThanOrEqual(1_200);
    // Both replicas sent updates: the pace held across them, not within one.
    expect(replicas.map(({ slack }) => slack.calls.filter((c) => c.op === 'update').length).every((n) => n > 0)).toBe(true);
  });
});

/** Real time, real concurrency: both replicas' loops race for the pace (PGlite cannot race). */
describe.runIf(realPostgresUrl())('outbox replicas racing for the workspace update pace on real PostgreSQL', () => {
  let database: TestDatabase;
  let replicas: Array<{ outbox: Outbox; slack: FakeChat }> = [];
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => clearChatTables(database));
  afterEach(async () => Promise.all(replicas.map((r) => r.outbox.stop())));

  it('keeps the workspace pace between two racing replicas, within timer slack', async () => {
    const shown: Call[] = [];
    const options: OutboxOptionsInput = { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 500 };
    replicas = [1, 2].map((n) => {
      const slack = createFakeChat('slack', { idPrefix: `replica${n}-msg-`, completed: shown });
      const outbox = createOutbox({ database, ports: new Map([['slack', slack]]), options });
      outbox.start(20);
      return { outbox, slack };
    });
    await Promise.all(cards.map(({ channel, key }, i) => replicas[i % 2]!.outbox.enqueuePost(at(channel, key, `${key} v0`))));
    await eventually(() => shown.length === cards.length, 5_000);
    for (let v = 1; v <= 2; v++) {
      await Promise.all(cards.map(({ channel, key }, i) => replicas[(i + v) % 2]!.outbox.enqueueUpdate(at(channel, key, `${key} v${v}`))));
    }
    await eventually(async () => {
      const stats = await replicas[0]!.outbox.stats();
      return stats.pending === 0 && stats.inFlight === 0;
    }, 30_000);

    const updates = shown.filter((c) => c.op === 'update');
    expect(updates.length).toBeGreaterThanOrEqual(cards.length);
    // The slot is taken at claim time and the call follows within some ms of its claim.
    expect(Math.min(...gapsOf(updates))).toBeGreaterThanOrEqual(400);
    expect(updates.at(-1)!.at - updates[0]!.at).toBeGreaterThanOrEqual((updates.length - 1) * 500 - 100);
    for (const { key } of cards) expect(updates.filter((c) => c.card.title.startsWith(`${key} v`)).at(-1)!.card.title).toBe(`${key} v2`);
  });
});
