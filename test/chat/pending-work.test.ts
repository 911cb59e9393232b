import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClickInput, CommandInput, InteractionReply, Interactions } from '../../src/chat/interactions.js';
import { createPendingWork, type PendingEntry } from '../../src/chat/pending-work.js';
import type { Database } from '../../src/db/client.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const silent = pino({ level: 'silent' });
const command = (text: string): PendingEntry => ({
  kind: 'command',
  input: { command: '/doctor', text, actor: { platform: 'slack', userId: 'U1' }, channel: 'ops', platform: 'slack' },
  address: 'https://hooks.slack.test/commands/T1/1/abc',
});
const click: PendingEntry = {
  kind: 'click',
  input: { actionId: 'v1|restart_runtime|insight:7|runtime:bash-runtime-mike', actor: { platform: 'slack', userId: 'U2' }, message: { platform: 'slack', channel: 'ops', messageId: 'C1:1.2' } },
  address: 'https://hooks.slack.test/actions/T1/2/def',
};

/** A fake core that records what it was asked, as the adapters' entries would call it. */
function core() {
  const asked: Array<ClickInput | CommandInput> = [];
  const interactions: Interactions = {
    click: async (input) => (asked.push(input), { visibility: 'private', text: `clicked ${input.actionId}` }),
    command: async (input) => (asked.push(input), { visibility: 'channel', text: `ran ${input.command} ${input.text}` }),
  };
  const answered: Array<{ platform: string; address: unknown; reply: InteractionReply }> = [];
  const answer = async (platform: string, address: unknown, reply: InteractionReply) => void answered.push({ platform, address, reply });
  return { asked, interactions, answered, answer };
}

/**
 * Acknowledged chat work on record (src/chat/pending-work.ts): the first sight of a delivery,
 * and what another replica finishes when the one that acked it dies.
 */
describe.each(databaseKinds())('pending chat work on %s', (kind) => {
  let database: TestDatabase;
  let statements = 0;
  const counting = (): Database => ({ ...database, query: (statement) => (statements++, database.query(statement)) }) as Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    statements = 0;
    await database.query(sql`delete from chat_work`);
  });

  it('a burst of begins shares one statement; each key is first once, a repeat in the burst is not', async () => {
    const work = createPendingWork(counting(), { owner: 'a', logger: silent });
    const answers = await Promise.all(['a', 'b', 'a', 'c', 'b'].map((key) => work.begin(`command:T1:${key}`, 'slack', command(key))));
    expect(answers).toEqual([true, true, false, true, false]);
    expect(statements).toBe(1);
  });

  it('a key another replica began is not first again', async () => {
    await createPendingWork(database, { owner: 'a', logger: silent }).begin('action:T1:U1:1.2:x', 'slack', click);
    const b = createPendingWork(database, { owner: 'b', logger: silent });
    expect(await b.begin('action:T1:U1:1.2:x', 'slack', click)).toBe(false);
    expect(await b.begin('action:T1:U1:1.3:x', 'slack', click)).toBe(true);
  });

  it('a failing database fails every begin of the batch, so nothing is taken as new', async () => {
    const broken = { ...database, query: async () => Promise.reject(new Error('database went away')) } as Database;
    const work = createPendingWork(broken, { owner: 'a', logger: silent });
    const asks = ['x', 'y'].map((key) => work.begin(key, 'slack', command(key)).then(() => 'answered', (error: Error) => error.message));
    expect(await Promise.all(asks)).toEqual(['database went away', 'database went away']);
  });

  it('work whose replica died is run again by another, once, and answered at the address it kept', async () => {
    const dead = createPendingWork(database, { owner: 'dead', leaseMs: 200, logger: silent });
    await dead.begin('command:T1:t1', 'slack', command('mcp'));
    await dead.begin('action:T1:U2:1.2:r', 'slack', click);
    const live = createPendingWork(database, { owner: 'live', leaseMs: 60_000, logger: silent });
    const c = core();
    expect(await live.resumeOrphans(c.interactions, c.answer)).toBe(0); // their leases still run

    await sleep(300);
    expect(await live.resumeOrphans(c.interactions, c.answer)).toBe(2);
    expect(c.asked).toEqual(expect.arrayContaining([command('mcp').input, click.input]));
    expect(c.answered).toEqual(
      expect.arrayContaining([
        { platform: 'slack', address: 'https://hooks.slack.test/commands/T1/1/abc', reply: { visibility: 'channel', text: 'ran /doctor mcp' } },
        { platform: 'slack', address: 'https://hooks.slack.test/actions/T1/2/def', reply: { visibility: 'private', text: `clicked ${click.input.actionId}` } },
      ]),
    );
    const rows = await database.query<{ status: string; payload: unknown; owner: string }>(sql`select status, payload, owner from chat_work order by key`);
    expect(rows).toEqual([
      { status: 'done', payload: null, owner: 'live' },
      { status: 'done', payload: null, owner: 'live' },
    ]);
    expect(await live.resumeOrphans(c.interactions, c.answer)).toBe(0);
  });

  it('finished work is never run again; its answer address is not kept', async () => {
    const work = createPendingWork(database, { owner: 'a', leaseMs: 100, logger: silent });
    await work.begin('command:T1:t2', 'slack', command('help'));
    await work.finish('command:T1:t2');
    await sleep(200);
    const c = core();
    expect(await createPendingWork(database, { owner: 'b', logger: silent }).resumeOrphans(c.interactions, c.answer)).toBe(0);
    const [row] = await database.query<{ payload: unknown }>(sql`select payload from chat_work`);
    expect(row!.payload).toBeNull();
  });

  it('gives up, on the record, on work that failed on every replica that tried it or no longer parses', async () => {
    const logged: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
    const flaky = createPendingWork(database, { owner: 'x', leaseMs: 50, maxAttempts: 2, logger });
    await flaky.begin('command:T1:t3', 'slack', command('boom'));
    await database.query(sql`insert into chat_work (key, platform, kind, payload, status, owner, lease_until) values ('bad', 'slack', 'click', '{"kind":"click"}', 'running', 'x', now())`);
    const failing: Interactions = { click: async () => Promise.reject(new Error('no')), command: async () => Promise.reject(new Error('core down')) };
    for (let i = 0; i < 3; i++) {
      await sleep(80);
      await flaky.resumeOrphans(failing, async () => {});
    }
    const rows = await database.query<{ key: string; status: string }>(sql`select key, status from chat_work order by key`);
    expect(rows).toEqual([
      { key: 'bad', status: 'abandoned' },
      { key: 'command:T1:t3', status: 'abandoned' },
    ]);
    expect(logged.join('\n')).toContain('gave up on acknowledged chat work');
  });
});
