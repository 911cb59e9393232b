import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewaySession } from '../../../adapters/discord/gateway.js';
import { GATEWAY_LEASE, gatewayHolder, type GatewayHolder } from '../../../adapters/discord/gateway-lease.js';
import { createDiscordRest } from '../../../adapters/discord/rest.js';
import { leaseState } from '../../../src/cluster/lease.js';
import { eventually } from '../../chat/support/drive.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';
import { startFakeGateway, type FakeGateway } from '../../support/discord-gateway.js';
import { BOT_TOKEN } from './far-side.js';

const LEASE = { ttlMs: 1_500, renewEveryMs: 300, retryEveryMs: 200 };

/**
 * Two replicas on one database, each ready to hold the gateway session: exactly one connects to
 * Discord, and when it goes (stopped, or its lease taken after it stopped renewing) the other
 * connects and the first one's connection is closed.
 */
describe.each(oneDatabaseKind())('one gateway session among replicas on %s', (kind) => {
  let database: TestDatabase;
  let gateway: FakeGateway;
  const holders: GatewayHolder[] = [];
  const logger = pino({ level: 'silent' });

  const replica = (name: string, token = BOT_TOKEN): GatewayHolder => {
    const rest = createDiscordRest({ token, apiUrl: gateway.apiUrl, timeoutMs: 2_000 });
    // No interaction is dispatched in these tests: what is under test is who holds the session.
    const open = (onGiveUp: (reason: string) => void) => openGatewaySession({ token, apiUrl: gateway.apiUrl, rest, interactions: {} as never, logger, onGiveUp });
    const holder = gatewayHolder({ database, holder: name, logger, open, lease: LEASE });
    holders.push(holder);
    return holder;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    gateway = await startFakeGateway({ token: BOT_TOKEN, rest: (_req, res) => void res.writeHead(404).end('{}') });
  });
  afterAll(async () => {
    await Promise.all(holders.map((h) => h.stop()));
    await gateway?.close();
    await database?.drop();
  });

  it('exactly one replica connects; a stopped holder hands over at once', async () => {
    const a = replica('replica-a');
    const b = replica('replica-b');
    await a.start();
    await b.start();
    await eventually(() => gateway.connections() === 1, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(gateway.identifies()).toBe(1);
    expect(gateway.connections()).toBe(1);
    expect(await a.status()).toMatchObject({ holding: true, session: { connected: true } });
    expect(await b.status()).toEqual({ holding: false, holder: 'replica-a' });

    await a.stop();
    await eventually(async () => (await b.status()).holding && gateway.identifies() === 2, 5_000);
    expect(gateway.connections()).toBe(1);
  });

  it('a holder that lost its lease closes its session; when the holder dies the lease runs out and another replica connects', async () => {
    const c = replica('replica-c');
    await c.start();
    expect((await leaseState(database, GATEWAY_LEASE))!.holder).toBe('replica-b');
    const identified = gateway.identifies();
    // The lease passes to a replica that then dies (SIGKILL: it never renews nor releases). replica-b's renewal is refused.
    await database.query(sql`update leases set holder = 'replica-dead', epoch = epoch + 1, expires_at = clock_timestamp() + interval '1 second' where name = ${GATEWAY_LEASE}`);
    await eventually(() => gateway.connections() === 0, 5_000);
    const lostAt = Date.now();
    // Within the dead holder's ttl and a retry, one of the others holds the lease and connects, once.
    await eventually(() => gateway.connections() === 1, 5_000);
    expect(Date.now() - lostAt).toBeLessThan(1_000 + LEASE.retryEveryMs + 1_500);
    // The socket opens before the client identifies on it: wait for the identify, then count.
    await eventually(() => gateway.identifies() > identified, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gateway.identifies()).toBe(identified + 1);
    const holder = (await leaseState(database, GATEWAY_LEASE))!.holder;
    expect(['replica-b', 'replica-c']).toContain(holder);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(gateway.connections()).toBe(1);
  });

  it('a replica whose token Discord refuses gives the lease back and waits, instead of asking again every retry', async () => {
    await Promise.all(holders.splice(0).map((h) => h.stop()));
    await eventually(() => gateway.connections() === 0, 5_000);
    const asked = gateway.discoveries();
    const wrong = replica('replica-wrong-token', `${BOT_TOKEN}-revoked`);
    await wrong.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(gateway.discoveries() - asked).toBe(1);
    expect(gateway.connections()).toBe(0);
    expect((await wrong.status()).holding).toBe(false);
  });
});
