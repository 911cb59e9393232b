import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutbox, type Outbox } from '../../src/chat/outbox/index.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { driveFor, driveUntil } from './support/drive.js';
import { card, clearChatTables, createFakeChat, fakeClock, type Call, type FakeChat } from './support/fake-chat.js';

const at = (channel: string, cardKey: string, title: string) => ({ platform: 'slack' as const, channel, cardKey, card: card(title) });
const gapsOf = (calls: Call[]) => calls.slice(1).map((c, i) => c.at - calls[i]!.at);
/** The newest version a card shows, from titles like `card-7 v3`. */
const versionOf = (c: Call) => Number(c.card.title.split(' v')[1]);

/**
 * Slack's chat.update is Tier 3 (about 50 a minute for the whole workspace): the outbox paces
 * updates per platform workspace, in the database, while posts keep their per-channel pace
 * (docs/architecture.md, "Everything else that must be one across replicas").
 */
describe.each(databaseKinds())('outbox workspace update pace on %s', (kind) => {
  let database: TestDatabase;
  let clock: ReturnType<typeof fakeClock>;
  let slack: FakeChat;
  let outbox: Outbox;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await clearChatTables(database);
    clock = fakeClock();
    slack = createFakeChat('slack', { now: clock.now });
    // Defaults: a post per second per channel, an update per 2 s per card, one per 1.2 s per workspace.
    outbox = createOutbox({ database, ports: new Map([['slack', slack]]), now: clock.now, random: () => 0.5 });
  });

  const updates = () => slack.delivered().filter((c) => c.op === 'update');
  /** A card's titles are `<card key> v<version>`. */
  const updatesOf = (cardKey: string) => updates().filter((c) => c.card.title.startsWith(`${cardKey} v`)).map((c) => c.card.title);
  const postAll = async (keys: string[], channelOf: (i: number) => string) => {
    for (const [i, key] of keys.entries()) await outbox.enqueuePost(at(channelOf(i), key, `${key} v0`));
    await driveUntil(outbox, clock, () => slack.delivered().length === keys.length);
    // Let every card's own update slot (2 s after its post) pass, so only the workspace pace holds.
    clock.advance(5_000);
  };

  it('sends the updates of 30 cards in 10 channels no faster than the workspace pace, and never holds back posts', async () => {
    const cards = Array.from({ length: 30 }, (_, i) => `card-${i}`);
    const channelOf = (i: number) => `C${i % 10}`;
    await postAll(cards, channelOf);

    // Three rounds of changes to every card, 4 s apart: far more than 50 edits a minute.
    for (let v = 1; v <= 3; v++) {
      for (const [i, key] of cards.entries()) await outbox.enqueueUpdate(at(channelOf(i), key, `${key} v${v}`));
      await driveFor(outbox, clock, 4_000);
    }
    // New cards for every channel while the updates queue: their posts go out at once.
    const postedAt = clock.now();
    for (let i = 0; i < 10; i++) await outbox.enqueuePost(at(channelOf(i), `late-${i}`, `late-${i} v0`));
    await driveUntil(outbox, clock, () => cards.every((key) => updatesOf(key).at(-1) === `${key} v3`));

    const sent = updates();
    expect(Math.min(...gapsOf(sent))).toBeGreaterThanOrEqual(1_200);
    expect(sent.length).toBeGreaterThanOrEqual(30);
    for (const key of cards) {
      const versions = sent.filter((c) => c.card.title.startsWith(`${key} v`)).map(versionOf);
      // Coalesced while waiting, never dropped, never older after newer.
      expect(versions.at(-1)).toBe(3);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
    const late = slack.delivered().filter((c) => c.op === 'post' && c.card.title.startsWith('late-'));
    expect(late).toHaveLength(10);
    expect(Math.max(...late.map((c) => c.at - postedAt))).toBeLessThanOrEqual(100);
    // The update backlog was still draining when the late posts went out.
    expect(sent.at(-1)!.at).toBeGreaterThan(postedAt + 10_000);
  });

  it('coalesces a card updated 5 times while it waits for the workspace pace into one update with the last content', async () => {
    const busy = Array.from({ length: 10 }, (_, i) => `busy-${i}`);
    await postAll([...busy, 'waiting'], (i) => `C${i}`);
    for (const [i, key] of busy.entries()) await outbox.enqueueUpdate(at(`C${i}`, key, `${key} v1`));
    await outbox.runOnce();

    // The ten busy cards hold the workspace for 12 s; meanwhile this card changes five times.
    const outcomes = [];
    for (let v = 1; v <= 5; v++) {
      clock.advance(1_000);
      outcomes.push((await outbox.enqueueUpdate(at('C10', 'waiting', `waiting v${v}`))).outcome);
      await outbox.runOnce();
    }
    await driveUntil(outbox, clock, () => updates().length >= 11);
    await driveFor(outbox, clock, 10_000);

    expect(outcomes).toEqual(['queued', 'coalesced', 'coalesced', 'coalesced', 'coalesced']);
    expect(updatesOf('waiting')).toEqual(['waiting v5']);
    for (const key of busy) expect(updatesOf(key)).toEqual([`${key} v1`]);
    // It took its turn in line, after the cards queued before it.
    expect(updates().at(-1)!.card.title).toBe('waiting v5');
  });

  it('holds every card update of the workspace for a 429 on one update, spends no attempt, and keeps posting', async () => {
    await postAll(['a', 'b', 'c'], (i) => `C${i}`);
    const limitedAt = clock.now();
    slack.failNext({ code: 'rate_limited', retryAfterMs: 10_000 });
    await outbox.enqueueUpdate(at('C0', 'a', 'a v1'));
    await outbox.runOnce();
    clock.advance(100);
    await outbox.enqueueUpdate(at('C1', 'b', 'b v1'));
    await outbox.enqueueUpdate(at('C2', 'c', 'c v1'));
    await outbox.enqueuePost(at('C3', 'd', 'd v0'));

    await driveUntil(outbox, clock, () => updates().length === 3);

    expect(slack.calls[3]).toMatchObject({ op: 'update', outcome: 'rate_limited', at: limitedAt });
    // Retry-After, plus the jitter (random() = 0.5 of 250 ms) that spreads replicas out.
    const held = limitedAt + 10_000 + 125;
    expect(Math.min(...updates().map((c) => c.at))).toBeGreaterThanOrEqual(held);
    expect(Math.min(...gapsOf(updates()))).toBeGreaterThanOrEqual(1_200);
    expect(slack.delivered().find((c) => c.card.title === 'd v0')!.at).toBe(limitedAt + 100);
    const rows = await database.query<{ card_key: string; attempts: number; waits: number }>(
      sql`select card_key, attempts, rate_limited_waits as waits from chat_outbox where kind = 'update' order by card_key`,
    );
    expect(rows).toEqual([
      { card_key: 'a', attempts: 1, waits: 1 },
      { card_key: 'b', attempts: 1, waits: 0 },
      { card_key: 'c', attempts: 1, waits: 0 },
    ]);
  });
});
