import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConsoleChatPort, type ConsoleChatPort } from '../../../adapters/console/chat-port.js';
import type { LiveEvent, LiveHub } from '../../../adapters/console/live-hub.js';
import { findMessage, listVisible } from '../../../adapters/console/store.js';
import { openDatabase } from '../../../src/db/client.js';
import { consoleMessages } from '../../../src/db/schema/console.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';
import { assertConsoleTable, card } from './support.js';

/** A hub that records what would be pushed to browsers. */
function recordingHub(): LiveHub & { events: LiveEvent[] } {
  const events: LiveEvent[] = [];
  return { events, publish: (e) => events.push(e), attach: () => {}, size: () => 0, close: () => {} };
}

describe.each(oneDatabaseKind())('console ChatPort on %s', (kind) => {
  let database: TestDatabase;
  let hub: ReturnType<typeof recordingHub>;
  let port: ConsoleChatPort;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await assertConsoleTable(database);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await database.db.delete(consoleMessages);
    hub = recordingHub();
    port = createConsoleChatPort({ database, hub });
  });

  it('posts a card: stores it, answers its id, pushes it', async () => {
    const posted = await port.post('ops', card({ title: 'Runtimes down' }));
    expect(posted.ok).toBe(true);
    if (!posted.ok) return;
    const stored = await findMessage(database.db, posted.value.messageId);
    expect(stored).toMatchObject({ id: posted.value.messageId, channel: 'ops', threadOf: null, visibleTo: null, card: { title: 'Runtimes down' } });
    expect(hub.events).toEqual([{ type: 'message.created', message: stored }]);
    expect(port.platform).toBe('console');
  });

  it('posts once per idempotency key: the outbox retrying after a crash gets the same message back', async () => {
    const first = await port.post('ops', card(), { idempotencyKey: 'outbox:7' });
    const again = await port.post('ops', card(), { idempotencyKey: 'outbox:7' });
    expect(again).toEqual(first);
    expect(await listVisible(database.db, null)).toHaveLength(1);
    expect(hub.events).toHaveLength(1);
  });

  it('updates a card in place: same message, new card, pushed as an update', async () => {
    const posted = await port.post('ops', card({ title: 'Loops stuck' }));
    if (!posted.ok) throw new Error('post failed');
    const before = (await findMessage(database.db, posted.value.messageId))!;
    const updated = await port.update('ops', posted.value.messageId, card({ title: 'Loops stuck', state: 'dismissed' }));
    expect(updated).toEqual({ ok: true, value: undefined });
    const after = (await findMessage(database.db, posted.value.messageId))!;
    expect(after.card.state).toBe('dismissed');
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.updatedAt >= before.updatedAt).toBe(true);
    expect(await listVisible(database.db, null)).toHaveLength(1);
    expect(hub.events.map((e) => e.type)).toEqual(['message.created', 'message.updated']);
    expect(hub.events[1]!.message).toEqual(after);
  });

  it('refuses, permanently, to update a message that does not exist or lives in another channel', async () => {
    const posted = await port.post('ops', card());
    if (!posted.ok) throw new Error('post failed');
    for (const [channel, id] of [['ops', '999999'], ['ops', 'not-an-id'], ['leads', posted.value.messageId]] as const) {
      const result = await port.update(channel, id, card());
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('permanent');
    }
  });

  it('posts in a thread; a reply to a reply joins the root thread, as in Slack', async () => {
    const root = await port.post('ops', card({ title: 'Incident' }));
    if (!root.ok) throw new Error('post failed');
    const reply = await port.postInThread('ops', root.value.messageId, card({ title: 'Minutes', severity: 'info' }));
    if (!reply.ok) throw new Error('reply failed');
    const nested = await port.postInThread('ops', reply.value.messageId, card({ title: 'Tickets', severity: 'info' }));
    if (!nested.ok) throw new Error('nested reply failed');
    expect((await findMessage(database.db, reply.value.messageId))!.threadOf).toBe(root.value.messageId);
    expect((await findMessage(database.db, nested.value.messageId))!.threadOf).toBe(root.value.messageId);

    const missing = await port.postInThread('ops', '424242', card());
    expect(!missing.ok && missing.error.code).toBe('permanent');
    const elsewhere = await port.postInThread('leads', root.value.messageId, card());
    expect(!elsewhere.ok && elsewhere.error.code).toBe('permanent');
  });

  it('replies privately: only that person sees the message', async () => {
    await port.post('ops', card({ title: 'For everyone' }));
    expect(await port.replyPrivately('ops', 'mike', card({ title: 'Only Mike' }))).toEqual({ ok: true, value: undefined });
    const titles = async (viewer: string | null) => (await listVisible(database.db, viewer)).map((m) => m.card.title);
    expect(await titles('mike')).toEqual(['For everyone', 'Only Mike']);
    expect(await titles('priya')).toEqual(['For everyone']);
    expect(await titles(null)).toEqual(['For everyone']);
    expect(hub.events[1]!.message.visibleTo).toBe('mike');
  });

  it('shows a stored card it cannot read as a readable warning instead of failing the whole list', async () => {
    await database.db.insert(consoleMessages).values({ channel: 'ops', card: { hand: 'edited' } });
    const [message] = await listVisible(database.db, null);
    expect(message!.card).toMatchObject({ title: 'This message could not be read', severity: 'warning' });
  });
});

describe('console messages on the embedded default', () => {
  it('survive a restart, and a database that fails is a transient error the outbox retries', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'triage-console-')), 'pgdata');
    const first = await openDatabase({ kind: 'pglite', dataDir });
    await first.migrate();
    const posted = await createConsoleChatPort({ database: first, hub: { publish() {}, attach() {}, size: () => 0, close() {} } }).post('ops', card({ title: 'Kept' }));
    await first.close();

    const second = await openDatabase({ kind: 'pglite', dataDir });
    const port = createConsoleChatPort({ database: second, hub: { publish() {}, attach() {}, size: () => 0, close() {} } });
    expect(posted.ok && (await findMessage(second.db, posted.value.messageId))?.card.title).toBe('Kept');
    await second.close();

    const afterClose = await port.post('ops', card());
    expect(!afterClose.ok && afterClose.error.code).toBe('transient');
  });
});
