import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../../../adapters/console/index.js';
import { createConsoleChatPort } from '../../../adapters/console/chat-port.js';
import { CONSOLE_CHANNEL, shareAcrossReplicas, type LiveEvent, type LiveHub, type SharedHub } from '../../../adapters/console/live-hub.js';
import { startTriage, type RunningTriage } from '../../../src/app.js';
import { Config } from '../../../src/config.js';
import { openDatabase, type Database } from '../../../src/db/client.js';
import { createPostgresDatabase, databaseKinds, openTestDatabase, realPostgresUrl, type TestDatabase } from '../../support/databases.js';
import { card, openStream, postJson } from './support.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A local hub that records what it would push to this replica's browsers. */
function recordingHub(): LiveHub & { events: LiveEvent[]; closes: number } {
  const hub = {
    events: [] as LiveEvent[],
    closes: 0,
    publish: (event: LiveEvent) => void hub.events.push(event),
    attach: () => {},
    size: () => 0,
    close: () => void hub.closes++,
  };
  return hub;
}

describe.each(databaseKinds())('a shared console hub on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());

  it("pushes a change to this replica's browsers once: its own notification is not pushed again", async () => {
    const local = recordingHub();
    const hub = await shareAcrossReplicas(local, { database });
    const heard: string[] = [];
    const unlisten = await database.listen(CONSOLE_CHANNEL, (payload) => heard.push(payload));
    try {
      const posted = await createConsoleChatPort({ database, hub }).post('ops', card({ title: 'Once' }));
      expect(posted.ok).toBe(true);
      await until(() => (heard.length ? heard : undefined), 'the notification');
      await sleep(100);
      expect(local.events.map((e) => [e.type, e.message.card.title])).toEqual([['message.created', 'Once']]);
      // Small: which message and how, never the card.
      expect(JSON.parse(heard[0]!)).toEqual({ from: expect.any(String), type: 'message.created', id: posted.ok ? posted.value.messageId : '' });
    } finally {
      await unlisten();
      await hub.stop();
    }
  });
});

describe.runIf(realPostgresUrl())('console hubs of two replicas on one PostgreSQL', () => {
  let database: TestDatabase;
  let otherPool: Database;
  const hubs: SharedHub[] = [];
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    otherPool = await openDatabase({ kind: 'postgres', url: database.url!, maxConnections: 3 });
  });
  afterAll(async () => {
    await Promise.all(hubs.map((h) => h.stop()));
    await otherPool?.close();
    await database?.drop();
  });

  it("push each change made on one replica to the other's browsers, read back from the database", async () => {
    const localA = recordingHub();
    const localB = recordingHub();
    const hubA = await shareAcrossReplicas(localA, { database });
    const hubB = await shareAcrossReplicas(localB, { database: otherPool });
    hubs.push(hubA, hubB);
    const portA = createConsoleChatPort({ database, hub: hubA });

    const posted = await portA.post('ops', card({ title: 'Runtimes down' }));
    if (!posted.ok) throw new Error('post failed');
    const created = await until(() => localB.events[0], "replica B's push");
    expect(created).toEqual(localA.events[0]);
    expect(created).toMatchObject({ type: 'message.created', message: { id: posted.value.messageId, channel: 'ops', card: { title: 'Runtimes down' } } });

    expect(await portA.update('ops', posted.value.messageId, card({ title: 'Runtimes down', state: 'dismissed' }))).toEqual({ ok: true, value: undefined });
    const updated = await until(() => localB.events[1], "replica B's second push");
    expect(updated).toMatchObject({ type: 'message.updated', message: { id: posted.value.messageId, card: { state: 'dismissed' } } });

    await portA.replyPrivately('ops', 'mike', card({ title: 'Only for Mike' }));
    // Who may see it is decided by each replica's hub, against each browser's viewer.
    expect(await until(() => localB.events[2], "replica B's third push")).toMatchObject({ message: { visibleTo: 'mike', card: { title: 'Only for Mike' } } });
    await sleep(100);
    expect(localA.events).toHaveLength(3);
    expect(localB.events).toHaveLength(3);
  });

  it("ends this replica's streams when its listening connection comes back, so browsers reload what they missed", async () => {
    const local = recordingHub();
    hubs.push(await shareAcrossReplicas(local, { database: otherPool }));
    await database.query(sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and query ilike ${`listen%${CONSOLE_CHANNEL}%`}`);
    await until(() => (local.closes > 0 ? local.closes : undefined), 'the streams to be ended');
  });
});

describe.runIf(realPostgresUrl())('the console on two Triage replicas', () => {
  let db: { url: string; drop(): Promise<void> };
  const replicas: RunningTriage[] = [];
  beforeAll(async () => {
    db = await createPostgresDatabase();
    for (let i = 0; i < 2; i++) {
      const config = Config.parse({
        port: 0,
        host: '127.0.0.1',
        ingestToken: 'console-replicas-token-0123456789',
        dataDir: mkdtempSync(join(tmpdir(), 'triage-console-replica-')),
        databaseUrl: db.url,
        logLevel: 'silent',
      });
      // No `database` option: each replica opens its own pool, as separate processes would.
      replicas.push(await startTriage(config, { logger: pino({ level: 'silent' }), adapters: [createConsoleAdapter] }));
    }
  }, 120_000);
  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    await db?.drop();
  });

  it('shows a browser connected to replica B the card posted through replica A', async () => {
    const [a, b] = replicas as [RunningTriage, RunningTriage];
    const stream = await openStream(`${b.url}/console/api/stream?as=mike`);
    try {
      expect(stream.res.headers.get('content-type')).toContain('text/event-stream');
      const res = await postJson(`${a.url}/console/api/command`, { text: '/triage help', personId: 'mike', channel: 'ops' });
      expect(res.status).toBe(200);
      const { message } = (await res.json()) as { message: { id: string } | null };
      expect(message).not.toBeNull();
      const pushed = await until(() => stream.events.find((e) => (e.data as { id?: string }).id === message!.id), 'the card on replica B');
      expect(pushed).toEqual({ type: 'message.created', data: message });
    } finally {
      await stream.close();
    }
  });
});
