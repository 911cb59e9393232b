import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionCard } from '../../src/actions/action-card.js';
import type { ActionRequest } from '../../src/actions/request-store.js';
import { parseActionId } from '../../src/chat/action-id.js';
import type { Insight } from '../../src/insights/insight.js';
import { findByFingerprints, insertInsights } from '../../src/insights/store.js';
import type { Simulator } from '../../src/platform/simulator/simulator.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { auditRows, authoriserFor, countingPlatform, elena, loopedSimulator, message, mike, omar, priya, recordingSink, requestRows, runnerFor } from './support.js';

const RESTARTING = 'Restarting a runtime (%s): restarting… The card in the channel shows the result.';
const restartOf = (id: string) => RESTARTING.replace('%s', id);

describe.each(databaseKinds())('a recovery button through the runner (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    // A restart takes 200 ms before the heartbeat: long enough for every concurrent click to arrive while it runs.
    sim = await loopedSimulator(database, 200);
  });
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });

  /** A live "runtime unreachable" insight as the lifecycle stores it: the card Restart is pressed on. */
  const storedRuntimeInsight = async (runtime: string): Promise<Insight> => {
    const fingerprint = `runtime_unreachable:${runtime}`;
    const detection = { scope: runtime, summary: `External runtime ${runtime} unreachable (no heartbeat).`, entities: [{ kind: 'runtime', id: runtime }] };
    await insertInsights(database.db, [{ fingerprint, kind: 'runtime_unreachable', scope: runtime, severity: 'critical', category: 'operational', title: `Runtime ${runtime} unreachable`, detection, detectionHash: 'h', now: new Date() }]);
    return (await findByFingerprints(database.db, [fingerprint])).get(fingerprint)!;
  };

  function harness() {
    const counter = countingPlatform(sim);
    const cards = recordingSink();
    const runner = runnerFor(database, counter.platform, cards.sink);
    const press = (actor = mike, targetId = 'bash-runtime-mike', extra: { deliveryId?: string; subject?: string } = {}) =>
      runner.click({ action: 'restart_runtime', target: { kind: 'runtime', id: targetId }, actor, message, ...extra });
    return { ...counter, cards, runner, press };
  }

  it('the same click delivered five times at once restarts once and tells the four redeliveries it was already handled', async () => {
    const { press, runner, count } = harness();
    const replies = await Promise.all(Array.from({ length: 5 }, () => press(mike, 'bash-runtime-mike', { deliveryId: 'T0TEAMX:U0MIKE:1700000000.1:restart' })));
    await runner.idle();

    expect(count('restartRuntime')).toBe(1);
    const rows = await requestRows(database, 'bash-runtime-mike');
    expect(rows).toHaveLength(1);
    expect(replies.filter((r) => r.text === restartOf('bash-runtime-mike'))).toHaveLength(1);
    const already = replies.filter((r) => r.text.startsWith('That click was already handled'));
    expect(already).toHaveLength(4);
    for (const reply of already) {
      expect(reply.visibility).toBe('private');
      expect(reply.text).toMatch(new RegExp(`^That click was already handled \\(request #${rows[0]!.id}, running\\)\\. Nothing more was done\\.$`));
    }
    const outcomes = (await auditRows(database, rows[0]!.id)).map((a) => a.outcome).sort();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'started', 'succeeded']);
  });

  it('two people pressing Restart on one runtime at once start one restart; the other is told who pressed it', async () => {
    const { press, runner, count } = harness();
    const [a, b] = await Promise.all([press(mike, 'bash-runtime-priya'), press(priya, 'bash-runtime-priya')]);
    await runner.idle();

    expect(count('restartRuntime')).toBe(1);
    const [row] = await requestRows(database, 'bash-runtime-priya');
    const winner = row!.actorKey === 'slack:U0MIKE' ? 'Mike' : 'Priya';
    const loser = winner === 'Mike' ? b! : a!;
    expect((winner === 'Mike' ? a! : b!).text).toBe(restartOf('bash-runtime-priya'));
    expect(loser.visibility).toBe('private');
    expect(loser.text).toMatch(
      new RegExp(`^bash-runtime-priya is already being handled: restarting a runtime, pressed by ${winner} at \\d\\d:\\d\\d UTC\\. Nothing more was done; the card shows when it ends\\.$`),
    );
    expect(await requestRows(database, 'bash-runtime-priya')).toHaveLength(1);
    expect((await auditRows(database)).filter((r) => r.target === 'runtime:bash-runtime-priya' && r.outcome === 'busy')).toHaveLength(1);
  });

  it('refuses a viewer with the authoriser\'s words, audits the refusal, and calls nothing on the platform', async () => {
    const { press, runner, count, cards } = harness();
    const reply = await press(omar, 'bash-runtime-elena');
    await runner.idle();

    const refusal = await authoriserFor().authorise(omar, 'responder');
    expect(refusal.ok).toBe(false);
    const words = refusal.ok ? '' : refusal.error.message;
    expect(words).toContain('needs the responder role; you are a viewer.');
    expect(reply).toEqual({ visibility: 'private', text: `Restarting a runtime ${words}` });
    expect(count('restartRuntime')).toBe(0);
    expect(cards.shown).toEqual([]);
    expect(await requestRows(database, 'bash-runtime-elena')).toEqual([]);
    const refused = (await auditRows(database)).filter((r) => r.actorKey === 'slack:U0OMAR');
    expect(refused).toMatchObject([{ action: 'restart_runtime', target: 'runtime:bash-runtime-elena', outcome: 'refused', detail: `Restarting a runtime ${words}` }]);
  });

  it('lets a responder restart, and an approver too (roles include the ones below them)', async () => {
    const { press, runner, count } = harness();
    expect((await press(priya, 'bash-runtime-elena')).text).toBe(restartOf('bash-runtime-elena'));
    await runner.idle();
    expect((await press(elena, 'bash-runtime-elena')).text).toBe(restartOf('bash-runtime-elena'));
    await runner.idle();
    expect(count('restartRuntime')).toBe(2);
  });

  it('shows the restart on one card from "restarting…" to the heartbeat, and audits start and end with the time taken', async () => {
    const { press, runner, cards } = harness();
    await press(mike, 'bash-runtime-james', { subject: 'insight:42' });
    await runner.idle();

    const [row] = await requestRows(database, 'bash-runtime-james');
    expect(row).toMatchObject({ status: 'succeeded' });
    const shown = cards.of(`action:${row!.id}`);
    expect(shown.map((c) => c.state)).toEqual(['pending', 'resolved']);
    expect(shown[0]).toMatchObject({ title: 'Restart runtime bash-runtime-james', text: '⏳ restarting…', actions: [] });
    expect(shown[0]!.context).toMatch(/^pressed by Mike at \d\d:\d\d UTC$/);
    expect(shown[1]!.text).toMatch(/^✅ heartbeat detected after \d+(\.\d)? s$/);
    expect(shown[1]!.context).toMatch(/^pressed by Mike at \d\d:\d\d UTC · took \d+\.\d s$/);

    const audit = await auditRows(database, row!.id);
    expect(audit.map((a) => a.outcome)).toEqual(['started', 'succeeded']);
    expect(audit[0]!.durationMs).toBeNull();
    // The simulated restart takes 200 ms; the duration covers the wait for the heartbeat.
    expect(audit[1]!.durationMs).toBeGreaterThanOrEqual(200);
    expect(audit[1]!.detail).toMatch(/^heartbeat detected/);
  });

  it('the insight card it was pressed on shows the restart in place: who and when, its Restart gone while it runs, then the outcome', async () => {
    const { press, runner, cards } = harness();
    const insight = await storedRuntimeInsight('bash-runtime-sofia');
    const before = cards.shown.length;
    await press(elena, 'bash-runtime-sofia', { subject: `insight:${insight.id}` });
    const running = cards.of(`insight:${insight.id}`);
    expect(running.length).toBeGreaterThan(0);
    expect(running[0]!.text).toMatch(/⏳ Restart runtime bash-runtime-sofia, pressed by Elena at \d\d:\d\d UTC: restarting…/);
    expect(running[0]!.actions.map((a) => a.label)).not.toContain('Restart bash-runtime-sofia');
    await runner.idle();
    const done = cards.of(`insight:${insight.id}`).at(-1)!;
    expect(done.text).toMatch(/✅ Restart runtime bash-runtime-sofia by Elena at \d\d:\d\d UTC: heartbeat detected after \d+(\.\d)? s · took \d+\.\d s/);
    expect(done.actions.map((a) => a.label)).toContain('Restart bash-runtime-sofia');
    expect(cards.shown.length).toBeGreaterThan(before);
  });

  it('after a retryable failure Retry is on the insight card pressed, naming the request, and not a second time on its thread card', async () => {
    const { runner, cards } = harness();
    const insight = await storedRuntimeInsight('bash-runtime-omar');
    // A platform that never answers the restart with a heartbeat: the failure says so, and Retry can help.
    const silent = runnerFor(database, { ...countingPlatform(sim).platform, restartRuntime: async () => ({ ok: false, error: { code: 'timeout', message: 'no answer within 5 s' } }) } as never, cards.sink);
    await silent.click({ action: 'restart_runtime', target: { kind: 'runtime', id: 'bash-runtime-omar' }, subject: `insight:${insight.id}`, actor: priya, message });
    await silent.idle();
    await runner.idle();
    const [row] = await requestRows(database, 'bash-runtime-omar');
    expect(row).toMatchObject({ status: 'failed' });
    const card = cards.of(`insight:${insight.id}`).at(-1)!;
    expect(card.text).toMatch(/❌ Restart runtime bash-runtime-omar by Priya at \d\d:\d\d UTC failed: /);
    expect(card.actions.map((a) => a.label)).toEqual(expect.arrayContaining(['Retry']));
    expect(card.actions.map((a) => a.label)).not.toContain('Restart bash-runtime-omar');
    const retry = card.actions.find((a) => a.label === 'Retry')!;
    expect(parseActionId(retry.id)).toMatchObject({ ok: true, value: { action: 'restart_runtime', subject: { kind: 'request', id: String(row!.id) } } });
  });

  it('a runtime that does not exist ends on a failed card without Retry; a retryable failure offers Retry for the same action and target', async () => {
    const { press, runner, cards } = harness();
    await press(mike, 'bash-runtime-nobody', { subject: 'insight:42' });
    await runner.idle();

    const [row] = await requestRows(database, 'bash-runtime-nobody');
    expect(row).toMatchObject({ status: 'failed' });
    const shown = cards.of(`action:${row!.id}`);
    expect(shown.map((c) => c.state)).toEqual(['pending', 'open']);
    const failed = shown[1]!;
    expect(failed.text).toMatch(/^❌ .*no runtime named bash-runtime-nobody/);
    // "No such runtime" fails the same way every time: pressing again cannot help.
    expect(failed.actions).toEqual([]);
    const retryable = actionCard({ ...row!, status: 'failed', retryable: true, outcome: 'no heartbeat after 60 s ❌' } as ActionRequest, 'restarting…');
    expect(retryable.actions.map((a) => a.label)).toEqual(['Retry']);
    const retry = parseActionId(retryable.actions[0]!.id);
    expect(retry).toEqual({
      ok: true,
      value: { action: 'restart_runtime', subject: { kind: 'request', id: String(row!.id) }, target: { kind: 'runtime', id: 'bash-runtime-nobody' } },
    });
    expect((await auditRows(database, row!.id)).map((a) => a.outcome)).toEqual(['started', 'failed']);
  });
});
