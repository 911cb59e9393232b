import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discordChannels } from '../../../adapters/discord/channels.js';
import { createDiscordChatPort } from '../../../adapters/discord/chat-port.js';
import { createDiscordRest } from '../../../adapters/discord/rest.js';
import { Card } from '../../../src/chat/card.js';
import { createOutbox, type Outbox } from '../../../src/chat/outbox/index.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';
import { eventually, outboxSettled } from '../../chat/support/drive.js';
import { clearChatTables, outboxRows } from '../../chat/support/fake-chat.js';
import { API, createRateLimitedDiscord, TOKEN, type RateLimitedDiscord } from './rest-limits-far-side.js';
import { fakeRender } from './support.js';

/**
 * The real outbox (on the real clock) delivering through the Discord ChatPort and discord.js's REST
 * client, against a far side with Discord's rate limits: what a bucket or a 429 holds back is
 * delivered later, once, and never counted as a failed try.
 */
const OPS = '1100000000000000001';
let discord: RateLimitedDiscord;
const logged: string[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });

beforeAll(() => {
  discord = createRateLimitedDiscord({ limit: 2, windowMs: 300 });
  discord.listen();
});
afterEach(() => {
  discord.reset();
  logged.length = 0;
});
afterAll(() => discord.close());

describe.each(oneDatabaseKind())('the outbox over Discord\'s rate limits on %s', (kind) => {
  let database: TestDatabase;
  let outbox: Outbox;
  let running = true;
  let loop: Promise<void> = Promise.resolve();
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const rest = createDiscordRest({ token: TOKEN, apiUrl: API, timeoutMs: 2_000, logger });
    const port = createDiscordChatPort({ rest, channels: discordChannels({ channel: OPS, channels: {} }), render: fakeRender, logger: { error: () => {} } });
    // The outbox's own spacing of posts (one a second per channel) off: Discord's bucket, as
    // discord.js keeps it, is what holds the burst back here.
    outbox = createOutbox({ database, ports: new Map([['discord', port]]), options: { channelPostIntervalMs: 0 } });
    // The worker's loop, at a short poll: the waits here are Discord's, not the poll's.
    loop = (async () => {
      while (running) {
        await outbox.runOnce();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
  });
  afterEach(async () => clearChatTables(database));
  afterAll(async () => {
    running = false;
    await loop;
    await database?.drop();
  });

  it('five cards to one channel with a bucket of 2: all five posted once, never beyond the bucket, and no try counted as failed', async () => {
    for (let i = 0; i < 5; i++) {
      await outbox.enqueuePost({ platform: 'discord', channel: 'ops', cardKey: `insight:${i}`, card: Card.parse({ title: `Card ${i}`, severity: 'warning' }) });
    }
    await eventually(async () => discord.delivered().length === 5 && (await outboxSettled(outbox)()), 8_000);
    expect(discord.mostInOneWindow()).toBeLessThanOrEqual(2);
    // Five through a bucket of two: at least three windows, so the bucket did hold some back.
    expect(new Set(discord.seen.map((s) => s.window)).size).toBeGreaterThanOrEqual(3);
    expect(discord.seen.every((s) => s.status === 200)).toBe(true);
    expect(new Set(discord.delivered().map((s) => s.body!.nonce)).size).toBe(5);
    expect((await outboxRows(database)).map((r) => [r.card_key, r.status, r.attempts])).toEqual([0, 1, 2, 3, 4].map((i) => [`insight:${i}`, 'sent', 1]));
  });

  it('a global 429 is waited out and the card posted once, its attempt given back, and the 429 logged for the operator', async () => {
    discord.force({ scope: 'global', retryAfterSeconds: 0.3 });
    await outbox.enqueuePost({ platform: 'discord', channel: 'ops', cardKey: 'insight:global', card: Card.parse({ title: 'Held back', severity: 'critical' }) });
    await eventually(async () => discord.delivered().length === 1 && (await outboxSettled(outbox)()), 5_000);
    const [limited, posted, ...more] = discord.seen;
    expect(more).toHaveLength(0);
    expect([limited!.status, posted!.status]).toEqual([429, 200]);
    expect(posted!.at - limited!.at).toBeGreaterThanOrEqual(300);
    expect(posted!.body!.nonce).toBe(limited!.body!.nonce);
    expect(await outboxRows(database)).toMatchObject([{ card_key: 'insight:global', status: 'sent', attempts: 1 }]);
    expect(logged).toEqual([expect.stringMatching(/"global":true.*Discord answered 429/)]);
  });
});
