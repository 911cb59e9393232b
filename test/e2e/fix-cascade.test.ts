import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

/**
 * The seed incident's MCP and runtime cards and the forced worker shutdown, pressed from their
 * cards (the Restart on an unreachable runtime, Cancel and the budget override are in
 * test/e2e/actions-seed.test.ts): wrong role refused and audited, the platform changed as the
 * seed says, the card ending in ✅.
 */
describe.each(oneDatabaseKind())('the seed incident and a stuck worker, fixed from the cards on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'cascading-failure');
    await fx.play('worker-unresponsive');
  }, 120_000);
  afterAll(async () => fx?.close());

  it('MCP server failing: a viewer may not restart it; a responder does and the server is healthy again', async () => {
    const card = await fx.card(/^MCP server database-query failing$/);
    const refused = await fx.press(PEOPLE.viewer, card, 'restart_mcp_server', 'database-query');
    expect(refused.reply.text).toMatch(/^Restarting an MCP server needs the responder role/);
    await fx.press(PEOPLE.responder, card, 'restart_mcp_server', 'database-query');
    await fx.cardSays(card, /✅ Restart MCP server database-query by James at \d\d:\d\d UTC/);
    const servers = await fx.triage.platform.listMcpServers();
    expect(servers.ok && servers.value.find((s) => s.id === 'database-query')?.status).toBe('healthy');
    expect((await fx.audit('restart_mcp_server')).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:nina', 'refused'],
      ['console:james', 'started'],
      ['console:james', 'succeeded'],
    ]);
  });

  it("runtime memory high: a responder restarts the runtime from that card and it heartbeats again", async () => {
    const card = await fx.card(/^Runtime bash-runtime-mike memory 97%$/);
    await fx.press(PEOPLE.otherResponder, card, 'restart_runtime', 'bash-runtime-mike');
    await fx.cardSays(card, /✅ Restart runtime bash-runtime-mike by Mike at \d\d:\d\d UTC: heartbeat detected after/);
    const runtimes = await fx.triage.platform.listRuntimes();
    expect(runtimes.ok && runtimes.value.find((r) => r.id === 'bash-runtime-mike')?.status).toBe('connected');
  });

  it('the other cards of the cascade restart from their own card: the stale session (priya) and the execution failures (mike); the MCP restart cleared the pool card too', async () => {
    const stale = await fx.card(/^Stale runtime session: bash-runtime-priya/);
    await fx.press(PEOPLE.responder, stale, 'restart_runtime', 'bash-runtime-priya');
    await fx.cardSays(stale, /✅ Restart runtime bash-runtime-priya by James at \d\d:\d\d UTC: heartbeat detected after/);
    const failures = await fx.card(/^3 runtime execution failures$/);
    await fx.press(PEOPLE.otherResponder, failures, 'restart_runtime', 'bash-runtime-mike');
    await fx.cardSays(failures, /✅ Restart runtime bash-runtime-mike by Mike at \d\d:\d\d UTC: heartbeat detected after/);
    // The pool ran dry because the server was failing: the restart pressed on the failing card
    // (the first test) cleared the pool card too, whose own button is that same restart.
    const pool = await fx.api.find((m) => m.threadOf === null && /^MCP pool exhausted: database-query$/.test(m.card.title), { as: PEOPLE.responder });
    expect(pool!.card.state).toBe('resolved');
    expect(pool!.card.text).toMatch(/✅ Resolved automatically at/);
  });

  it('stuck worker: Force shutdown asks an approver on its card; a responder cannot approve it, an approver does, and its tasks move', async () => {
    const card = await fx.card(/^Worker worker-001 unresponsive$/);
    expect(card.card.actions.find((a) => a.label === 'Force shutdown and reassign')?.confirm?.text).toMatch(/Force worker-001 down/);
    const asked = await fx.press(PEOPLE.responder, card, 'force_restart_worker', 'worker-001');
    expect(asked.reply.text).toMatch(/needs an approver: approval #\d+/);
    const pending = await fx.cardSays(card, /🕒 A forced shutdown of worker worker-001 \(its tasks reassigned\), asked for by James/);
    expect((await fx.press(PEOPLE.otherResponder, pending, 'approve_force_restart_worker', 'worker-001')).reply.text).toMatch(/needs the approver role/);
    await fx.press(PEOPLE.approver, pending, 'approve_force_restart_worker', 'worker-001');
    await fx.cardSays(card, /✅ Elena approved a forced shutdown of worker worker-001 \(its tasks reassigned\) at \d\d:\d\d UTC: worker restarted · 2 tasks reassigned/);
    const tasks = await fx.triage.platform.listTasks();
    for (const id of ['task-101', 'task-102']) expect(tasks.ok && tasks.value.find((t) => t.id === id)?.workerId).not.toBe('worker-001');
    expect((await fx.audit('approve_force_restart_worker')).map((r) => [r.actor, r.outcome])).toEqual([
      ['console:mike', 'refused'],
      ['console:elena', 'approved'],
    ]);
  });
});
