import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimRequest, expireOverdue, finishRequest, type NewRequest } from '../../src/actions/request-store.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { message, mike, priya } from './support.js';

const T0 = Date.parse('2026-05-03T15:00:00Z');

function request(over: Partial<NewRequest> = {}): NewRequest {
  return {
    idempotencyKey: `key-${Math.random()}`,
    platformKey: null,
    action: 'restart_runtime',
    targetKind: 'runtime',
    targetId: 'bash-runtime-mike',
    subject: 'insight:42',
    params: {},
    actor: mike,
    actorKey: 'slack:U0MIKE',
    sourceMessage: message,
    createdAt: new Date(T0),
    deadlineAt: new Date(T0 + 130_000),
    ...over,
  };
}

describe.each(databaseKinds())('stored action requests (%s)', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());

  it('starts a click once, knows its redelivery, and reads it back as it was stored', async () => {
    const input = request({ idempotencyKey: 'click-1', targetId: 'rt-1' });
    const first = await claimRequest(database.db, input);
    expect(first).toMatchObject({ outcome: 'started', request: { ...input, status: 'running', outcome: null, finishedAt: null } });
    const again = await claimRequest(database.db, input);
    expect(again).toEqual({ outcome: 'duplicate', request: first.request });
  });

  it('of twenty different clicks on one target at once, one starts and the rest see whose is running', async () => {
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => claimRequest(database.db, request({ idempotencyKey: `storm-${i}`, targetId: 'rt-storm', actor: i % 2 ? priya : mike }))),
    );
    const started = claims.filter((c) => c.outcome === 'started');
    expect(started).toHaveLength(1);
    const busy = claims.filter((c) => c.outcome === 'busy');
    expect(busy).toHaveLength(19);
    for (const claim of busy) expect(claim.request.id).toBe(started[0]!.request.id);
  });

  it('another action on the same target, or the same action elsewhere, is not blocked', async () => {
    await claimRequest(database.db, request({ targetId: 'rt-2' }));
    expect((await claimRequest(database.db, request({ targetId: 'rt-2', action: 'cancel_loop' }))).outcome).toBe('started');
    expect((await claimRequest(database.db, request({ targetId: 'rt-3' }))).outcome).toBe('started');
  });

  it('settles a request once; after it finished, the next press starts a new one', async () => {
    const { request: running } = await claimRequest(database.db, request({ targetId: 'rt-4' }));
    const at = new Date(T0 + 4_200);
    const done = await finishRequest(database.db, running.id, { status: 'succeeded', outcome: 'heartbeat detected ✅ after 4.2 s', at });
    expect(done).toMatchObject({ id: running.id, status: 'succeeded', outcome: 'heartbeat detected ✅ after 4.2 s', finishedAt: at });
    expect(await finishRequest(database.db, running.id, { status: 'failed', outcome: 'late', at })).toBeUndefined();
    const next = await claimRequest(database.db, request({ targetId: 'rt-4' }));
    expect(next.outcome).toBe('started');
    expect(next.request.id).not.toBe(running.id);
  });

  it('expires only running requests past their deadline, saying how long they had', async () => {
    const overdue = await claimRequest(database.db, request({ targetId: 'rt-late', deadlineAt: new Date(T0 + 130_000) }));
    const onTime = await claimRequest(database.db, request({ targetId: 'rt-on-time', deadlineAt: new Date(T0 + 10 * 60_000) }));
    const expired = await expireOverdue(database.db, new Date(T0 + 5 * 60_000));
    const mine = expired.filter((r) => r.targetId.startsWith('rt-late') || r.targetId === 'rt-on-time');
    expect(mine).toMatchObject([
      { id: overdue.request.id, status: 'failed', outcome: 'no result before the deadline (130 s); marked failed by the watchdog', finishedAt: new Date(T0 + 5 * 60_000) },
    ]);
    expect(await expireOverdue(database.db, new Date(T0 + 5 * 60_000))).toEqual([]);
    expect(await finishRequest(database.db, onTime.request.id, { status: 'succeeded', outcome: 'ok', at: new Date(T0 + 6 * 60_000) })).toMatchObject({ status: 'succeeded' });
  });
});
