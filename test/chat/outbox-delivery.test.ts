import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutbox, type OutboxOptionsInput } from '../../src/chat/outbox/index.js';
import type { ChatError } from '../../src/chat/port.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { driveUntil, eventually } from './support/drive.js';
import { card, clearChatTables, createFakeChat, fakeClock, outboxRows, type FakeChat } from './support/fake-chat.js';

const transient: ChatError = { code: 'transient', message: 'slack 503' };

describe.each(databaseKinds())('outbox retries and failures on %s', (kind) => {
  let database: TestDatabase;
  let clock: ReturnType<typeof fakeClock>;
  let slack: FakeChat;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await clearChatTables(database);
    clock = fakeClock();
    slack = createFakeChat('slack', { now: clock.now });
  });

  const outboxWith = (options: OutboxOptionsInput = {}, port: FakeChat = slack) =>
    // random() = 0.5: every full-jitter wait is exactly half its ceiling, so gaps are predictable.
    createOutbox({ database, ports: new Map([['slack', port]]), options, now: clock.now, random: () => 0.5 });

  it('delivers a card once after a few transient failures, backing off longer each time', async () => {
    // No channel budget here: a retried post also waits for its channel's next slot.
    const outbox = outboxWith({ baseBackoffMs: 1_000, channelPostIntervalMs: 0 });
    slack.failNext(transient, transient, transient);
    await outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: 'insight:1:1', card: card('MCP pool exhausted') });

    await driveUntil(outbox, clock, () => slack.delivered().length === 1);
    await outbox.runOnce();

    expect(slack.calls.map((c) => c.outcome)).toEqual(['transient', 'transient', 'transient', 'ok']);
    const gaps = slack.calls.slice(1).map((c, i) => c.at - slack.calls[i]!.at);
    expect(gaps).toEqual([500, 1_000, 2_000]);
    expect(new Set(slack.calls.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(await outboxRows(database)).toMatchObject([{ status: 'sent', attempts: 4, last_error: null }]);
  });

  it('never retries a rate-limited post before Retry-After, and holds back that channel meanwhile', async () => {
    const outbox = createOutbox({ database, ports: new Map([['slack', slack]]), now: clock.now, random: () => 0 });
    slack.failNext({ code: 'rate_limited', retryAfterMs: 5_000 });
    await outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: 'a', card: card('first') });
    await outbox.runOnce();
    await outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: 'b', card: card('second') });

    await driveUntil(outbox, clock, () => slack.delivered().length === 2, { stepMs: 50 });

    const [limited, retried, second] = slack.calls;
    expect(limited).toMatchObject({ outcome: 'rate_limited', at: clock.start });
    expect(retried!.at - clock.start).toBeGreaterThanOrEqual(5_000);
    expect(retried!.at - clock.start).toBeLessThan(5_100);
    expect(second!.at - clock.start).toBeGreaterThanOrEqual(5_000);
    expect(slack.calls).toHaveLength(3);
  });

  it('waits out a long rate-limit window without spending attempts: 20 answers of 429, then the card is posted', async () => {
    // The seed story under a 60 s Slack outage: with each 429 spending one of 8 attempts, cards
    // waiting in line failed for good before Slack came back.
    const outbox = outboxWith({ maxAttempts: 3, channelPostIntervalMs: 0 });
    const limited: ChatError = { code: 'rate_limited', retryAfterMs: 3_000 };
    slack.failNext(...Array.from({ length: 20 }, () => limited));
    await outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: 'insight:9:1', card: card('Stuck agentic loops') });

    await driveUntil(outbox, clock, () => slack.delivered().length === 1, { stepMs: 500 });

    expect(slack.calls.filter((c) => c.outcome === 'rate_limited')).toHaveLength(20);
    expect(await outboxRows(database)).toMatchObject([{ status: 'sent', attempts: 1 }]);
    // Never before its Retry-After.
    const gaps = slack.calls.slice(1).map((c, i) => c.at - slack.calls[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3_000);
  });

  it('bounds the rate-limit waits: past maxRateLimitedWaits the row fails for good, with its error kept', async () => {
    const outbox = outboxWith({ maxRateLimitedWaits: 2, channelPostIntervalMs: 0 });
    const limited: ChatError = { code: 'rate_limited', retryAfterMs: 1_000 };
    slack.failNext(limited, limited, limited, limited);
    await outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: 'insight:10:1', card: card('MCP pool exhausted') });

    await driveUntil(outbox, clock, async () => (await outbox.stats()).failed === 1, { stepMs: 500 });

    expect(slack.calls).toHaveLength(3);
    expect(await outboxRows(database)).toMatchObject([{ status: 'failed', last_error: 'rate_limited: rate limited for 1000 ms' }]);
  });

  it('fails a permanent error at once, keeps the row with its error, and counts it', async () => {
    const outbox = outboxWith();
    slack.failNext({ code: 'permanent', message: 'channel_not_found' });
    await outbox.enqueuePost({ platform: 'slack', channel: 'C-gone', cardKey: 'insight:2:1', card: card('Runtime down') });

    await outbox.runOnce();
    clock.advance(60 * 60_000);
    await outbox.runOnce();

    expect(slack.calls).toHaveLength(1);
    expect(await outboxRows(database)).toMatchObject([{ status: 'failed', attempts: 1, last_error: 'permanent: channel_not_found' }]);
    expect(await outbox.stats()).toMatchObject({ failed: 1, pending: 0, inFlight: 0, sent: 0 });
  });

  it('gives up after maxAttempts, keeping the row as failed and visible in stats', async () => {
    const outbox = outboxWith({ maxAttempts: 3, baseBackoffMs: 100 });
    slack.behave(() => transient);
    await outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: 'k', card: card('Loop stuck') });

    await driveUntil(outbox, clock, async () => (await outbox.stats()).failed === 1);
    clock.advance(60 * 60_000);
    await outbox.runOnce();

    expect(slack.calls).toHaveLength(3);
    expect(await outboxRows(database)).toMatchObject([{ status: 'failed', attempts: 3, last_error: 'transient: slack 503' }]);
    expect(await outbox.stats()).toMatchObject({ failed: 1, pending: 0, sent: 0 });
  });

  it('retries a failed post when its card is published again, with the newest card', async () => {
    const outbox = outboxWith();
    slack.failNext({ code: 'permanent', message: 'not_in_channel' });
    await outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: 'k', card: card('v1') });
    await outbox.runOnce();

    // Someone invited the bot; the next change of the card is published and this time arrives.
    clock.advance(1_000);
    expect(await outbox.enqueueUpdate({ platform: 'slack', channel: 'C1', cardKey: 'k', card: card('v2') })).toMatchObject({ outcome: 'folded' });
    await outbox.runOnce();

    expect(slack.delivered().map((c) => [c.op, c.card.title])).toEqual([['post', 'v2']]);
    expect(await outbox.stats()).toMatchObject({ failed: 0, sent: 1 });
  });

  it('survives a worker dying mid-delivery: another instance delivers after the lease, once', async () => {
    const options = { leaseMs: 60_000, deliveryTimeoutMs: 50_000 };
    const dying = createFakeChat('slack', { now: clock.now });
    let release: (error?: ChatError) => void = () => {};
    dying.behave(() => new Promise((resolve) => (release = resolve)));
    const first = outboxWith(options, dying);
    await first.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: 'k', card: card('Worker unresponsive', 'critical') });
    const stuck = first.runOnce();
    await eventually(() => dying.calls.length === 1);

    const second = outboxWith(options);
    expect(await second.runOnce()).toBe(0);
    clock.advance(61_000);
    expect(await second.runOnce()).toBe(1);

    // The "dead" worker wakes up late: its claim is gone, so it records nothing.
    release();
    expect(await stuck).toBe(0);
    expect(slack.delivered()).toHaveLength(1);
    expect(await outboxRows(database)).toMatchObject([{ status: 'sent', attempts: 2 }]);
    const [message] = await database.query<{ message_id: string }>(sql`select message_id from chat_messages`);
    expect(message!.message_id).toBe('slack-msg-1');
  });

  it('refuses options where a delivery could outlive its lease (and be sent twice)', () => {
    expect(() => outboxWith({ leaseMs: 10_000, deliveryTimeoutMs: 10_000 })).toThrow(/shorter than leaseMs/);
  });

  it('delivers rows left pending by a previous instance', async () => {
    const before = outboxWith();
    for (const key of ['a', 'b', 'c']) await before.enqueuePost({ platform: 'slack', channel: `C-${key}`, cardKey: key, card: card(key) });
    const after = outboxWith();
    const seen: string[] = [];
    const messageIds = new Set<string | null>();
    after.onDelivered((event) => {
      seen.push(event.cardKey);
      messageIds.add(event.messageId);
    });

    expect(await after.runOnce()).toBe(3);
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
    expect([...messageIds].every((id) => id?.startsWith('slack-msg-'))).toBe(true);
    expect(messageIds.size).toBe(3);
    expect(await after.stats()).toMatchObject({ pending: 0, sent: 3 });
  });
});
