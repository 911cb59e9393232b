import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutbox, type Outbox, type OutboxOptionsInput } from '../../src/chat/outbox/index.js';
import { openTestDatabase, realPostgresUrl, type TestDatabase } from '../support/databases.js';
import { eventually } from './support/drive.js';
import { card, clearChatTables, createFakeChat, type Call, type FakeChat } from './support/fake-chat.js';

/**
 * Two outbox instances over one real PostgreSQL stand in for two replicas: each has its own
 * connection pool and its own Slack stand-in, so a row sent twice shows up as two calls.
 * PGlite has one connection and cannot race, hence real PostgreSQL only.
 */
describe.runIf(realPostgresUrl())('outbox replicas on real PostgreSQL', () => {
  let database: TestDatabase;
  let replicas: Array<{ outbox: Outbox; slack: FakeChat }>;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => clearChatTables(database));
  afterEach(async () => Promise.all(replicas.map((r) => r.outbox.stop())));

  const startReplicas = (options: OutboxOptionsInput): void => {
    shown = [];
    replicas = [1, 2].map((n) => {
      const slack = createFakeChat('slack', { idPrefix: `replica${n}-msg-`, completed: shown });
      // A little latency, so the replicas' claims and deliveries interleave.
      slack.behave(() => new Promise((resolve) => setTimeout(() => resolve(undefined), Math.random() * 10)));
      const outbox = createOutbox({ database, ports: new Map([['slack', slack]]), options });
      outbox.start(20);
      return { outbox, slack };
    });
  };
  const allCalls = () => replicas.flatMap((r) => r.slack.calls);
  // One workspace seen from both replicas, in the order Slack finished the calls.
  let shown: Call[] = [];

  it('two replicas deliver 200 rows with no row ever sent twice', async () => {
    startReplicas({ channelPostIntervalMs: 0, batchSize: 5 });
    const enqueues = [];
    for (let i = 0; i < 200; i++) {
      const { outbox } = replicas[i % 2]!;
      enqueues.push(outbox.enqueuePost({ platform: 'slack', channel: `C${i % 40}`, cardKey: `insight:${i}:1`, card: card(`card ${i}`) }));
    }
    await Promise.all(enqueues);
    await eventually(async () => (await replicas[0]!.outbox.stats()).sent === 200, 20_000);

    const keys = allCalls().map((c) => c.idempotencyKey);
    expect(keys).toHaveLength(200);
    expect(new Set(keys).size).toBe(200);
    expect(new Set(allCalls().map((c) => c.card.title)).size).toBe(200);
    // Both replicas took part, so the test did exercise concurrent claims.
    expect(replicas.every((r) => r.slack.calls.length > 0)).toBe(true);
  });

  it('updates racing across replicas end on the latest card and never go backwards', async () => {
    startReplicas({ channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, batchSize: 5 });
    const cards = Array.from({ length: 20 }, (_, i) => `insight:${i}:1`);
    await Promise.all(cards.map((key, i) => replicas[i % 2]!.outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: key, card: card('v0') })));
    await eventually(async () => (await replicas[0]!.outbox.stats()).sent === 20, 10_000);
    for (let v = 1; v <= 15; v++) {
      await Promise.all(
        cards.map((key, i) => replicas[(i + v) % 2]!.outbox.enqueueUpdate({ platform: 'slack', channel: 'C1', cardKey: key, card: card(`v${v}`) })),
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await eventually(async () => {
      const stats = await replicas[0]!.outbox.stats();
      return stats.pending === 0 && stats.inFlight === 0;
    }, 20_000);

    expect(allCalls().filter((c) => c.op === 'post')).toHaveLength(20);
    const byMessage = new Map<string, Call[]>();
    for (const c of shown.filter((call) => call.op === 'update')) byMessage.set(c.messageId!, [...(byMessage.get(c.messageId!) ?? []), c]);
    expect(byMessage.size).toBe(20);
    for (const updates of byMessage.values()) {
      const versions = updates.map((c) => Number(c.card.title.slice(1)));
      expect(versions.at(-1)).toBe(15);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
  });

  it('shares one channel post budget between replicas', async () => {
    startReplicas({ channelPostIntervalMs: 500 });
    await Promise.all([1, 2, 3, 4].map((n) => replicas[n % 2]!.outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: `k${n}`, card: card(`${n}`) })));
    await eventually(() => allCalls().length === 4, 5_000);

    const times = allCalls().map((c) => c.at).sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Each slot is taken at claim time; the call follows within some ms of its claim.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(400);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1_400);
  });
});
