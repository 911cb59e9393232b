import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';
import { playStory, seedPoolFillingUp } from './support/fix-infra.js';

const QUEUE = 'agent-tasks';
const TITLE = /^Task queue growing: agent-tasks$/;

/**
 * The capacity remedies, on one Triage (each start costs seconds of CI). Self-healing research,
 * "Growing queue = either slow processing or blocked agents": in the task-queue-growing scenario
 * every worker is healthy and busy while the queue grows from 60 to 205. Add worker adds cost, so
 * a responder asks and an approver decides; the platform starts worker-004, which takes its first
 * tasks, the queue starts draining and the insight clears. Then the seed story's MCP pool at 4 of
 * 5: Increase pool size, after its confirmation, raises it to 20 as James did in the story.
 */
describe.each(oneDatabaseKind())('capacity added from the card on %s: a worker for a growing queue, a bigger MCP pool', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, 'task-queue-growing');
  });
  afterAll(async () => fx?.close());

  const pool = async () => {
    const listed = await fx.triage.platform.listMcpServers();
    const server = listed.ok ? listed.value.find((m) => m.id === 'database-query') : undefined;
    return server && { poolSize: server.poolSize, poolInUse: server.poolInUse };
  };
  const workers = async () => {
    const listed = await fx.triage.platform.listWorkers();
    return listed.ok ? listed.value.map((w) => [w.id, w.status]) : [];
  };

  it('offers Add worker; a viewer may not even ask for it, audited, and no worker is added', async () => {
    const card = await fx.card(TITLE);
    expect(card.card.text).toMatch(/^Task queue "agent-tasks" growing: \d+ → 205 in \d+ minutes\./);
    expect(card.card.actions.map((a) => a.label)).toEqual(['Add worker', 'Acknowledge', 'Dismiss']);
    const refused = await fx.press(PEOPLE.viewer, card, 'add_worker', QUEUE);
    expect(refused.reply.text).toMatch(/^Asking for this needs the responder role/);
    expect((await fx.audit('add_worker')).map((r) => [r.actor, r.target, r.outcome])).toEqual([['console:nina', 'queue:agent-tasks', 'refused']]);
    expect(await workers()).toHaveLength(3);
  });

  it('a responder asks, an approver approves: worker-004 is healthy, takes its first tasks, the queue drains and the insight clears', async () => {
    const card = await fx.card(TITLE);
    const asked = await fx.press(PEOPLE.responder, card, 'add_worker', QUEUE);
    expect(asked.reply.text).toMatch(/needs an approver: approval #\d+; the card you pressed shows it/);
    const pending = await fx.cardSays(card, /🕒 A request to add a worker for queue agent-tasks, asked for by James at \d\d:\d\d UTC, is waiting for an approver/);
    expect(await workers()).toHaveLength(3);
    await fx.press(PEOPLE.approver, pending, 'approve_action', QUEUE);
    const done = await fx.cardSays(card, /✅ Elena approved a request to add a worker for queue agent-tasks at \d\d:\d\d UTC: worker worker-004 added for agent-tasks \(healthy\): it took 2 tasks, 203 still queued and draining \(approval #\d+\)/);
    expect(await workers()).toEqual([
      ['worker-001', 'healthy'],
      ['worker-002', 'healthy'],
      ['worker-003', 'healthy'],
      ['worker-004', 'healthy'],
    ]);
    expect(await fx.object('queue', QUEUE)).toMatchObject({ depth: 203 });
    await fx.cardSays(done, /✅ Resolved at/);
    expect((await fx.audit('add_worker')).slice(1).map((r) => [r.actor, r.outcome])).toEqual([['console:james', 'requested']]);
    expect((await fx.audit('approve_action')).map((r) => [r.actor, r.outcome])).toEqual([['console:elena', 'approved']]);
  });

  it("MCP pool filling up in the seed story: a viewer may not raise it; a responder does after the confirmation, 5 → 20, and the insight clears", async () => {
    await playStory(fx, seedPoolFillingUp);
    const card = await fx.card(/^MCP pool filling up: database-query$/);
    expect(card.card.text).toMatch(/^MCP server "database-query" connection pool at 80% \(4 of 5\)\./);
    const button = card.card.actions.find((a) => a.label === 'Increase pool size');
    expect(button?.confirm?.text).toMatch(/^Raise the connection pool of database-query from 5 to 20 connections \(the seed's fix: 5 → 20\)\?/);
    const refused = await fx.press(PEOPLE.viewer, card, 'raise_mcp_pool', 'database-query');
    expect(refused.reply.text).toMatch(/^Raising an MCP server's pool size needs the responder role/);
    expect(await pool()).toEqual({ poolSize: 5, poolInUse: 4 });

    await fx.press(PEOPLE.responder, card, 'raise_mcp_pool', 'database-query');
    const done = await fx.cardSays(card, /✅ Raise MCP pool database-query by James at \d\d:\d\d UTC: pool of database-query raised from 5 to 20 connections \(4 of 20 in use\)/);
    expect(await pool()).toEqual({ poolSize: 20, poolInUse: 4 });
    await fx.cardSays(done, /✅ Resolved at/);
    expect((await fx.audit('raise_mcp_pool')).map((r) => [r.actor, r.target, r.outcome])).toEqual([
      ['console:nina', 'mcp_server:database-query', 'refused'],
      ['console:james', 'mcp_server:database-query', 'started'],
      ['console:james', 'mcp_server:database-query', 'succeeded'],
    ]);
  });
});
