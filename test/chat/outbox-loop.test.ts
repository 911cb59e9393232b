import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutbox, type Outbox, type OutboxOptionsInput } from '../../src/chat/outbox/index.js';
import { openDatabase } from '../../src/db/client.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { eventually } from './support/drive.js';
import { card, clearChatTables, createFakeChat, type FakeChat } from './support/fake-chat.js';

const post = (channel: string, cardKey: string, title: string) => ({ platform: 'slack' as const, channel, cardKey, card: card(title) });

describe.each(databaseKinds())('outbox loop in real time on %s', (kind) => {
  let database: TestDatabase;
  let slack: FakeChat;
  const running: Outbox[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await clearChatTables(database);
    slack = createFakeChat('slack');
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((o) => o.stop()));
  });

  const started = (options: OutboxOptionsInput = {}, pollMs = 5_000): Outbox => {
    const outbox = createOutbox({ database, ports: new Map([['slack', slack]]), options });
    outbox.start(pollMs);
    running.push(outbox);
    return outbox;
  };

  it('sends the first card well within a second of it being enqueued, even with a long poll', async () => {
    const outbox = started({}, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the loop is now asleep
    const enqueuedAt = Date.now();
    await outbox.enqueuePost(post('C1', 'insight:1:1', 'Runtime unreachable'));
    await eventually(() => slack.delivered().length === 1);
    expect(slack.delivered()[0]!.at - enqueuedAt).toBeLessThan(500);
  });

  it('wakes for a retry when it is due, without waiting for a poll or a kick', async () => {
    const outbox = started({ baseBackoffMs: 100, channelPostIntervalMs: 0 }, 10_000);
    slack.failNext({ code: 'transient', message: '502' });
    await outbox.enqueuePost(post('C1', 'k', 'Provider degraded'));
    const waited = await eventually(() => slack.delivered().length === 1, 3_000);
    expect(slack.calls).toHaveLength(2);
    expect(waited).toBeLessThan(1_000);
  });

  it('turns a post and 10 quick updates into one post and at most a couple of updates with the latest card', async () => {
    // A wide interval keeps the assertion about coalescing, not about how fast a loaded CI
    // machine can enqueue ten rows (at 200 ms the test flaked under full-suite load).
    const outbox = started({ minUpdateIntervalMs: 4_000 }, 1_000);
    await outbox.enqueuePost(post('C1', 'k', 'v0'));
    await eventually(() => slack.delivered().length === 1);
    for (let v = 1; v <= 10; v++) {
      await outbox.enqueueUpdate(post('C1', 'k', `v${v}`));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await eventually(() => slack.delivered().at(-1)?.card.title === 'v10', 15_000);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const ops = slack.delivered().map((c) => c.op);
    expect(ops.filter((op) => op === 'post')).toHaveLength(1);
    expect(ops.filter((op) => op === 'update').length).toBeLessThanOrEqual(2);
    expect(slack.delivered().at(-1)!.card.title).toBe('v10');
  });

  it('leaves undelivered cards in the database on stop, and a new instance sends them', async () => {
    const first = started({ channelPostIntervalMs: 300 });
    for (const n of [1, 2, 3]) await first.enqueuePost(post('C1', `k${n}`, `card ${n}`));
    await eventually(() => slack.delivered().length === 1);
    await first.stop();
    expect(await first.stats()).toMatchObject({ sent: 1, pending: 2, inFlight: 0 });

    started({ channelPostIntervalMs: 300 }, 100);
    await eventually(() => slack.delivered().length === 3);
    expect(slack.delivered().map((c) => c.card.title)).toEqual(['card 1', 'card 2', 'card 3']);
  });
});

describe('outbox across a process restart (PGlite on disk)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'triage-outbox-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers, after the restart, the cards enqueued before it', async () => {
    const before = await openDatabase({ kind: 'pglite', dataDir: dir });
    await before.migrate();
    const slack = createFakeChat('slack');
    const outbox = createOutbox({ database: before, ports: new Map([['slack', slack]]) });
    await outbox.enqueuePost(post('C1', 'insight:5:1', 'Budget exhausted'));
    await outbox.enqueuePost(post('C2', 'insight:6:1', 'Loop stuck'));
    await before.close();

    const after = await openDatabase({ kind: 'pglite', dataDir: dir });
    const restarted = createOutbox({ database: after, ports: new Map([['slack', slack]]) });
    expect(await restarted.runOnce()).toBe(2);
    expect(slack.delivered().map((c) => c.card.title).sort()).toEqual(['Budget exhausted', 'Loop stuck']);
    await after.close();
  });
});
