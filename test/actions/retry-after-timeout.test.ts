import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseActionId } from '../../src/chat/action-id.js';
import type { Card } from '../../src/chat/card.js';
import { guardPlatform } from '../../src/platform/guarded.js';
import { createHttpPlatform } from '../../src/platform/http-client.js';
import { platformRoutes } from '../../src/platform/rest-routes.js';
import type { Simulator } from '../../src/platform/simulator/simulator.js';
import { serve, routesListener, type TestServer } from '../platform/http-server.js';
import { stored } from '../platform/support.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { loopedSimulator, message, mike, recordingSink, requestRows, runnerFor } from './support.js';

/**
 * The simulator over real HTTP behind a platform that acts at once but answers an action late,
 * as an overloaded gateway does: Triage's deadline passes while the restart is in fact happening.
 */
describe.each(oneDatabaseKind())('an action whose answer comes too late (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let server: TestServer;
  /** The Idempotency-Key of every action that reached the platform. */
  const posted: string[] = [];
  /** How many of the next actions are answered late, and how late. */
  let lagging = 0;
  const lagMs = 800;
  let declares = false;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await loopedSimulator(database, 100);
    const routes = routesListener(platformRoutes(sim, {}));
    server = await serve((req: IncomingMessage, res: ServerResponse) => {
      // A platform that predates GET /platform/capabilities declares nothing (docs/platform-api.md).
      if (req.url === '/platform/capabilities' && !declares) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end('{"error":{"code":"not_found","message":"no such route"}}');
      }
      if (req.method === 'POST') {
        posted.push(String(req.headers['idempotency-key']));
        const late = lagging-- > 0 ? lagMs : 0;
        const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
        res.end = ((...args: unknown[]) => {
          setTimeout(() => end(...args), late);
          return res;
        }) as typeof res.end;
      }
      routes(req, res);
    });
  });
  afterAll(async () => {
    sim?.close();
    await server?.close();
    await database?.drop();
  });

  const platform = () =>
    guardPlatform(createHttpPlatform({ baseUrl: server.url, timeoutMs: 10_000, readAttempts: 1 }), {
      timeoutMs: 300,
      attempts: 3,
      baseMs: 10,
      capMs: 20,
      breaker: { failureThreshold: 10, openMs: 1_000 },
    });
  const lastCard = (cards: ReturnType<typeof recordingSink>, id: number): Card => cards.of(`action:${id}`).at(-1)!;

  it('is not sent again, the card reads the runtime back before offering Retry, and Retry sends the same key', async () => {
    posted.length = 0;
    declares = false;
    lagging = 1;
    const cards = recordingSink();
    const runner = runnerFor(database, platform(), cards.sink);
    await runner.click({ action: 'restart_runtime', target: { kind: 'runtime', id: 'bash-runtime-mike' }, subject: 'insight:42', actor: mike, message });
    await runner.idle();

    expect(posted).toHaveLength(1);
    const [first] = await requestRows(database, 'bash-runtime-mike');
    expect(first).toMatchObject({ status: 'failed', failureCode: 'timeout', retryable: true, platformKey: posted[0] });
    const failed = lastCard(cards, first!.id);
    expect(failed.text).toMatch(/did not answer restartRuntime within 300 ms; it may still take effect.*; read back: runtime bash-runtime-mike is (restarting|connected)/);
    const retry = parseActionId(failed.actions.find((a) => a.label === 'Retry')!.id);
    expect(retry.ok && retry.value.subject).toEqual({ kind: 'request', id: String(first!.id) });

    const ref = retry.ok ? retry.value : undefined;
    await runner.click({ action: ref!.action, target: ref!.target!, subject: `${ref!.subject!.kind}:${ref!.subject!.id}`, actor: mike, message });
    await runner.idle();

    const [, second] = await requestRows(database, 'bash-runtime-mike');
    expect(second).toMatchObject({ status: 'succeeded', platformKey: first!.platformKey, subject: 'insight:42' });
    // The platform saw the same key twice and restarted once: its answer to the second was its record of the first.
    expect(posted).toEqual([first!.platformKey, first!.platformKey]);
    expect(lastCard(cards, second!.id).text).toMatch(/^✅ heartbeat detected/);
  });

  it('is repeated with the same key, and done once, when the platform declares that it honours keys', async () => {
    posted.length = 0;
    declares = true;
    lagging = 1;
    await sim.applyEvents([stored('loop.started', { loopId: 'loop-55', ticket: '#55', employee: 'Elena' })]);
    const cards = recordingSink();
    const runner = runnerFor(database, platform(), cards.sink);
    await runner.click({ action: 'cancel_loop', target: { kind: 'loop', id: 'loop-55' }, actor: mike, message });
    await runner.idle();

    const [row] = await requestRows(database, 'loop-55');
    // The repeat was answered from the platform's record of the first: cancelled once, and the card says so.
    expect(posted).toEqual([row!.platformKey, row!.platformKey]);
    expect(row).toMatchObject({ status: 'succeeded', outcome: expect.stringMatching(/^loop loop-55 \(ticket #55\) cancelled ✅/) });
  });

  it('a Retry after a failure that is known (no such runtime) sends a new key', async () => {
    declares = false;
    lagging = 0;
    const cards = recordingSink();
    const runner = runnerFor(database, platform(), cards.sink);
    await runner.click({ action: 'restart_runtime', target: { kind: 'runtime', id: 'bash-runtime-ghost' }, subject: 'insight:7', actor: mike, message });
    await runner.idle();
    const [first] = await requestRows(database, 'bash-runtime-ghost');
    expect(first).toMatchObject({ status: 'failed', failureCode: 'not_found' });
    await runner.click({ action: 'restart_runtime', target: { kind: 'runtime', id: 'bash-runtime-ghost' }, subject: `request:${first!.id}`, actor: mike, message });
    await runner.idle();
    const [, second] = await requestRows(database, 'bash-runtime-ghost');
    expect(second!.platformKey).not.toBe(first!.platformKey);
    expect(second!.subject).toBe('insight:7');
  });
});
