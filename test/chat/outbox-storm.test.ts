import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutbox, type Outbox } from '../../src/chat/outbox/index.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { driveFor, driveUntil } from './support/drive.js';
import { card, clearChatTables, createFakeChat, fakeClock, outboxRows, type FakeChat } from './support/fake-chat.js';

const at = (channel: string, cardKey: string, title: string, severity: 'critical' | 'warning' | 'info' = 'warning') => ({
  platform: 'slack' as const,
  channel,
  cardKey,
  card: card(title, severity),
});

describe.each(databaseKinds())('outbox storm control on %s', (kind) => {
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
    outbox = createOutbox({ database, ports: new Map([['slack', slack]]), now: clock.now, random: () => 0.5 });
  });

  const titles = () => slack.delivered().map((c) => `${c.op}:${c.card.title}`);

  it('folds updates into a post that has not gone out yet: one post, with the latest card', async () => {
    await outbox.enqueuePost(at('C1', 'insight:7:1', 'v0'));
    const outcomes = [];
    for (let v = 1; v <= 10; v++) outcomes.push((await outbox.enqueueUpdate(at('C1', 'insight:7:1', `v${v}`))).outcome);
    await driveFor(outbox, clock, 10_000);

    expect(new Set(outcomes)).toEqual(new Set(['folded']));
    expect(titles()).toEqual(['post:v10']);
  });

  it('coalesces 10 quick updates of a posted card into one update carrying the latest card', async () => {
    await outbox.enqueuePost(at('C1', 'insight:7:1', 'v0'));
    await outbox.runOnce();
    for (let v = 1; v <= 10; v++) {
      await outbox.enqueueUpdate(at('C1', 'insight:7:1', `v${v}`));
      clock.advance(10);
      await outbox.runOnce();
    }
    await driveFor(outbox, clock, 10_000);

    expect(titles()).toEqual(['post:v0', 'update:v10']);
    const [post, update] = slack.delivered();
    expect(update!.messageId).toBe('slack-msg-1');
    expect(update!.at - post!.at).toBeGreaterThanOrEqual(2_000);
    expect(await outboxRows(database)).toHaveLength(2);
  });

  it('sends at most one update of a card per minUpdateIntervalMs', async () => {
    await outbox.enqueuePost(at('C1', 'k', 'v0'));
    await outbox.runOnce();
    // A change every 300 ms for 9 seconds: a storm of card edits.
    for (let v = 1; v <= 30; v++) {
      await outbox.enqueueUpdate(at('C1', 'k', `v${v}`));
      await outbox.runOnce();
      clock.advance(300);
    }
    await driveUntil(outbox, clock, () => slack.delivered().at(-1)?.card.title === 'v30');

    const updates = slack.delivered().filter((c) => c.op === 'update');
    const gaps = updates.slice(1).map((c, i) => c.at - updates[i]!.at);
    expect(updates.length).toBeGreaterThanOrEqual(4);
    expect(updates.length).toBeLessThanOrEqual(6);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2_000);
  });

  it('posts at most one card per second to a channel, without holding back other channels', async () => {
    for (let i = 1; i <= 5; i++) await outbox.enqueuePost(at('C-busy', `card-${i}`, `busy ${i}`));
    await outbox.enqueuePost(at('C-quiet', 'other', 'quiet'));

    const took = await driveUntil(outbox, clock, () => slack.delivered().length === 6);

    const busy = slack.delivered().filter((c) => c.channel === 'C-busy');
    expect(busy.map((c) => c.card.title)).toEqual(['busy 1', 'busy 2', 'busy 3', 'busy 4', 'busy 5']);
    expect(busy.slice(1).map((c, i) => c.at - busy[i]!.at)).toEqual([1_000, 1_000, 1_000, 1_000]);
    expect(took).toBeGreaterThanOrEqual(4_000);
    expect(slack.delivered().find((c) => c.channel === 'C-quiet')!.at).toBe(clock.start);
  });

  it('sends critical cards first, then by age', async () => {
    await outbox.enqueuePost(at('C1', 'w1', 'warning 1', 'warning'));
    clock.advance(1);
    await outbox.enqueuePost(at('C1', 'i1', 'info 1', 'info'));
    clock.advance(1);
    await outbox.enqueuePost(at('C1', 'w2', 'warning 2', 'warning'));
    clock.advance(1);
    await outbox.enqueuePost(at('C1', 'c1', 'critical 1', 'critical'));

    await driveUntil(outbox, clock, () => slack.delivered().length === 4);

    expect(slack.delivered().map((c) => c.card.title)).toEqual(['critical 1', 'warning 1', 'warning 2', 'info 1']);
  });

  it('posts a card once per channel, however often it is published', async () => {
    expect(await outbox.enqueuePost(at('C1', 'k', 'v1'))).toMatchObject({ outcome: 'queued' });
    await outbox.runOnce();
    expect(await outbox.enqueuePost(at('C1', 'k', 'v1'))).toMatchObject({ outcome: 'already_posted' });
    expect(await outbox.enqueuePost(at('C2', 'k', 'v1'))).toMatchObject({ outcome: 'queued' });
    await driveFor(outbox, clock, 5_000);

    expect(slack.delivered().map((c) => `${c.op}:${c.channel}`)).toEqual(['post:C1', 'post:C2']);
  });

  it('an update of a card never posted posts it; an update queued while the post is in flight follows it', async () => {
    expect(await outbox.enqueueUpdate(at('C1', 'k', 'v1'))).toMatchObject({ outcome: 'queued' });
    let release: () => void = () => {};
    slack.behave(() => new Promise<undefined>((resolve) => (release = () => resolve(undefined))));
    const posting = outbox.runOnce();
    while (slack.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await outbox.enqueueUpdate(at('C1', 'k', 'v2'))).toMatchObject({ outcome: 'queued' });
    expect(await outbox.enqueueUpdate(at('C1', 'k', 'v3'))).toMatchObject({ outcome: 'coalesced' });
    slack.behave(undefined);
    release();
    await posting;

    await driveUntil(outbox, clock, () => slack.delivered().length === 2);
    expect(titles()).toEqual(['post:v1', 'update:v3']);
  });

  it('holds an update while the previous update of the same card is still in flight, so the newer card lands last', async () => {
    await outbox.enqueuePost(at('C1', 'k', 'v0'));
    await outbox.runOnce();
    clock.advance(2_000);
    await outbox.enqueueUpdate(at('C1', 'k', 'v1'));
    let release: () => void = () => {};
    slack.behave(() => new Promise<undefined>((resolve) => (release = () => resolve(undefined))));
    const slow = outbox.runOnce();
    while (slack.calls.length < 2) await new Promise((r) => setTimeout(r, 5));
    slack.behave(undefined);
    await outbox.enqueueUpdate(at('C1', 'k', 'v2'));
    clock.advance(5_000);

    // Another worker (or replica) sees v2 due, yet must leave it while v1 is on its way.
    const other = createOutbox({ database, ports: new Map([['slack', slack]]), now: clock.now });
    expect(await other.runOnce()).toBe(0);
    release();
    await slow;
    await other.runOnce();
    expect(titles()).toEqual(['post:v0', 'update:v1', 'update:v2']);
  });

  it('prunes delivered updates yet keeps posts, so a pruned card is still updated in place, not posted again', async () => {
    await outbox.enqueuePost(at('C1', 'k', 'v0'));
    await outbox.runOnce();
    clock.advance(2_000);
    await outbox.enqueueUpdate(at('C1', 'k', 'v1'));
    await outbox.runOnce();
    clock.advance(60 * 60_000);

    expect(await outbox.prune(30 * 60_000)).toBe(1);
    await outbox.enqueuePost(at('C1', 'k', 'v2'));
    await outbox.enqueueUpdate(at('C1', 'k', 'v3'));
    await outbox.runOnce();

    expect(titles()).toEqual(['post:v0', 'update:v1', 'update:v3']);
  });

  it('replies in the thread of another card once that card is posted', async () => {
    await outbox.enqueuePost({ ...at('C1', 'minutes:9', 'Minutes'), threadCardKey: 'incident:9' });
    await outbox.runOnce();
    expect(slack.calls).toHaveLength(0);

    await outbox.enqueuePost(at('C1', 'incident:9', 'Incident 9', 'critical'));
    await driveUntil(outbox, clock, () => slack.delivered().length === 2);

    const [incident, minutes] = slack.delivered();
    expect(incident).toMatchObject({ op: 'post', card: { title: 'Incident 9' } });
    expect(minutes).toMatchObject({ op: 'postInThread', threadMessageId: 'slack-msg-1', card: { title: 'Minutes' } });
  });
});
