import { randomUUID } from 'node:crypto';
import { webApi } from '@slack/bolt';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toChatError } from '../../../adapters/slack/errors.js';
import { createOutbox } from '../../../src/chat/outbox/index.js';
import type { ChatError } from '../../../src/chat/port.js';
import { events } from '../../../src/db/schema/events.js';
import type { Finding } from '../../../src/doctor/check.js';
import { triageItselfCheck } from '../../../src/doctor/checks/triage-itself.js';
import { createSimulator, type Simulator } from '../../../src/platform/simulator/simulator.js';
import { card, clearChatTables, createFakeChat, fakeClock } from '../../chat/support/fake-chat.js';
import { stored } from '../../platform/support.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';

const MINUTE = 60_000;

/** What Slack's adapter makes of a Slack refusal: the wording a failed row really carries. */
const slackRefusal = (error: string, channel: string): ChatError =>
  toChatError({ code: webApi.ErrorCode.PlatformError, data: { ok: false, error } }, channel);

describe.each(oneDatabaseKind())('Triage itself (%s)', (kind) => {
  let database: TestDatabase;
  let simulator: Simulator;
  let clock: ReturnType<typeof fakeClock>;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    simulator = await createSimulator({ database, emit: async () => {} });
  });
  afterAll(async () => {
    simulator?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    await clearChatTables(database);
    await database.query(sql`delete from events where type = 'queue.depth'`);
    clock = fakeClock();
  });

  const check = () => triageItselfCheck({ database, platform: simulator, outboxStuckAfterMinutes: 10 });
  const run = (): Promise<Finding> =>
    check().run({ signal: new AbortController().signal, now: new Date(clock.now()) });

  /** Posts `n` cards to `channel` through the real outbox, each refused once by the far side with `error`. */
  async function refused(channel: string, error: ChatError, n = 1): Promise<void> {
    const slack = createFakeChat('slack', { now: clock.now });
    slack.behave(() => error);
    const outbox = createOutbox({ database, ports: new Map([['slack', slack]]), options: { maxAttempts: 1, maxRateLimitedWaits: 2, channelPostIntervalMs: 0 }, now: clock.now });
    for (let i = 0; i < n; i++) await outbox.enqueuePost({ platform: 'slack', channel, cardKey: `${channel}:${randomUUID()}`, card: card('Runtime down') });
    while ((await outbox.runOnce()) > 0 || (await outbox.stats()).pending > 0) clock.advance(1_000);
  }

  it('passes when every card went out and the platform machinery is healthy', async () => {
    const c = check();
    expect(c).toMatchObject({ section: 'triage', name: 'Triage itself' });
    expect(await run()).toMatchObject({ status: 'pass', actions: [] });
  });

  it("fails on Slack's permanent refusals, grouped by platform and reason, with what to do", async () => {
    await refused('C0GONE', slackRefusal('channel_not_found', 'C0GONE'), 3);
    await refused('C0OTHER', { code: 'permanent', message: 'channel_not_found' });
    await refused('C0OPS', slackRefusal('not_in_channel', 'C0OPS'));
    await refused('C0OPS2', slackRefusal('invalid_auth', 'C0OPS2'));

    const finding = await run();
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('6 cards not delivered:');
    expect(finding.details).toEqual([
      expect.stringMatching(/^• slack: 4 cards not delivered \(channel_not_found\): check the channel id/),
      expect.stringMatching(/^• slack: 1 card not delivered \(invalid_auth\): check SLACK_BOT_TOKEN$/),
      expect.stringMatching(/^• slack: 1 card not delivered \(not_in_channel\): invite the bot to the channel/),
    ]);
    expect(finding.actions.map((a) => a.text)).toContain('Fix slack delivery (invalid_auth): check SLACK_BOT_TOKEN');
  });

  it('only warns when the cards failed on retryable errors', async () => {
    await refused('C1', { code: 'rate_limited', retryAfterMs: 3_000 }, 2);
    const finding = await run();
    expect(finding).toMatchObject({ status: 'warning', summary: '2 cards not delivered:' });
    expect(finding.details).toEqual([expect.stringMatching(/^• slack: 2 cards not delivered \(ratelimited\): retries ran out/)]);
  });

  it('warns about cards waiting longer than outboxStuckAfterMinutes', async () => {
    const outbox = createOutbox({ database, ports: new Map(), now: clock.now });
    await outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: 'old-1', card: card('a') });
    await outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: 'old-2', card: card('b') });
    clock.advance(25 * MINUTE);
    await outbox.enqueuePost({ platform: 'slack', channel: 'C1', cardKey: 'new', card: card('c') });
    clock.advance(5 * MINUTE);

    const finding = await run();
    expect(finding).toMatchObject({ status: 'warning', summary: '2 cards waiting more than 10 min:' });
    expect(finding.details).toEqual(['• slack: 2 cards waiting more than 10 min (oldest 30 min)']);
  });

  it('warns about open breakers and unresponsive workers, with a button for each', async () => {
    await simulator.applyEvents([
      stored('breaker.state', { breaker: 'P12345', partner: 'P12345', state: 'open', failureRate: 0.4 }),
      stored('worker.state', { worker: 'worker-002', state: 'unresponsive' }),
    ]);
    try {
      const finding = await run();
      expect(finding).toMatchObject({ status: 'warning', summary: '1 circuit breaker open, 1 worker unresponsive:' });
      expect(finding.details).toEqual([
        '• breaker P12345 open (partner P12345, failure rate 40%)',
        expect.stringMatching(/^• worker worker-002 unresponsive/),
      ]);
      expect(finding.actions).toEqual([
        {
          kind: 'breaker_open',
          text: expect.stringContaining('P12345'),
          buttons: [{ action: 'reset_breaker', label: 'Reset P12345', target: { kind: 'breaker', id: 'P12345' } }],
        },
        {
          kind: 'worker_unresponsive',
          text: 'Restart unresponsive workers (worker-002)',
          buttons: [{ action: 'restart_worker', label: 'Restart worker-002', target: { kind: 'worker', id: 'worker-002' } }],
        },
      ]);
    } finally {
      await simulator.applyEvents([
        stored('breaker.state', { breaker: 'P12345', state: 'closed' }),
        stored('worker.heartbeat', { worker: 'worker-002' }),
      ]);
    }
    expect((await run()).status).toBe('pass');
  });

  it('warns about dead letters from the latest queue.depth of each dead-letter queue', async () => {
    const depth = (queue: string, value: number, minutesAgo: number) =>
      database.db.insert(events).values({
        source: 'platform',
        eventKey: randomUUID(),
        type: 'queue.depth',
        occurredAt: new Date(clock.now() - minutesAgo * MINUTE),
        attributes: { queue, kind: 'dead_letter', depth: value },
        known: true,
      });
    await depth('payments-dlq', 3, 30);
    await depth('payments-dlq', 12, 5);
    await depth('emails-dlq', 4, 20);
    await depth('emails-dlq', 0, 2);

    const finding = await run();
    expect(finding).toMatchObject({ status: 'warning', summary: '12 dead letters:' });
    expect(finding.details).toEqual(['• payments-dlq: 12 dead letters (reported 5 minutes ago)']);
    expect(finding.actions).toEqual([{ kind: 'dead_letter_growing', text: expect.stringContaining('payments-dlq'), buttons: [] }]);
  });

  it('says what it could not read, as a warning, and still reports the rest', async () => {
    const closed = await openTestDatabase(kind);
    await closed.close();
    await simulator.applyEvents([stored('worker.state', { worker: 'worker-003', state: 'unresponsive' })]);
    try {
      const finding = await triageItselfCheck({ database: closed, platform: simulator, outboxStuckAfterMinutes: 10 }).run({
        signal: new AbortController().signal,
        now: new Date(clock.now()),
      });
      expect(finding.status).toBe('warning');
      expect(finding.summary).toBe("could not read the chat outbox, 1 worker unresponsive, could not read dead-letter queue depths, could not read Triage's own downtime:");
      expect(finding.details).toEqual([
        expect.stringMatching(/^• could not read the chat outbox: \S+/),
        expect.stringMatching(/^• worker worker-003 unresponsive \(last heartbeat \d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/),
        expect.stringMatching(/^• could not read dead-letter queue depths: \S+/),
        expect.stringMatching(/^• could not read Triage's own downtime: \S+/),
      ]);
    } finally {
      await simulator.applyEvents([stored('worker.heartbeat', { worker: 'worker-003' })]);
      await closed.drop().catch(() => {});
    }
  });
});
