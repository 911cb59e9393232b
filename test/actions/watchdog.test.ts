import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimRequest, finishRequest } from '../../src/actions/request-store.js';
import { sweepOverdueActions } from '../../src/actions/watchdog.js';
import { parseActionId } from '../../src/chat/action-id.js';
import { guardPlatform } from '../../src/platform/guarded.js';
import type { Simulator } from '../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { auditRows, countingPlatform, loopedSimulator, message, mike, quiet, recordingSink, requestRows, runnerFor } from './support.js';

const MINUTE = 60_000;

describe.each(oneDatabaseKind())('the watchdog for actions that never finish (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await loopedSimulator(database, 200);
  });
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });

  /** A restart claimed five minutes ago by a replica that died: nobody will ever finish it. */
  const claimedByALostReplica = async (targetId: string, key: string, subject: string) => {
    const created = new Date(Date.now() - 5 * MINUTE);
    const claim = await claimRequest(database.db, {
      idempotencyKey: key,
      platformKey: `triage-action-${key}`,
      action: 'restart_runtime',
      targetKind: 'runtime',
      targetId,
      subject,
      params: {},
      actor: mike,
      actorKey: 'slack:U0MIKE',
      sourceMessage: message,
      createdAt: created,
      deadlineAt: new Date(created.getTime() + 130_000),
    });
    return claim.request;
  };

  it('fails an overdue request once even when two sweeps run at once, audits it, and shows the failure with Retry', async () => {
    const now = Date.now();
    const request = await claimedByALostReplica('bash-runtime-sofia', 'lost-replica', 'insight:7');
    const cards = recordingSink();
    const runner = runnerFor(database, countingPlatform(sim).platform, cards.sink);
    const sweep = () => sweepOverdueActions({ db: database.db, runner, platform: sim, now: () => now, logger: quiet });

    const swept = await Promise.all([sweep(), sweep()]);
    expect(swept.sort()).toEqual([0, 1]);

    const [row] = await requestRows(database, 'bash-runtime-sofia');
    expect(row).toMatchObject({ status: 'failed', failureCode: 'deadline', outcome: expect.stringMatching(/^no result before the deadline \(130 s\); marked failed by the watchdog; read back: /) });
    const audit = await auditRows(database, request.id);
    expect(audit).toMatchObject([{ outcome: 'failed', actorKey: 'slack:U0MIKE', target: 'runtime:bash-runtime-sofia', durationMs: 5 * MINUTE }]);

    const shown = cards.of(`action:${request.id}`);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ state: 'open' });
    // Nobody knows whether the lost restart happened: the card says what the runtime looks like now.
    expect(shown[0]!.text).toMatch(/^❌ no result before the deadline \(130 s\); marked failed by the watchdog; read back: runtime bash-runtime-sofia is connected/);
    expect(shown[0]!.actions.map((a) => a.label)).toEqual(['Retry']);
    expect(parseActionId(shown[0]!.actions[0]!.id)).toEqual({
      ok: true,
      // The Retry names the request it retries, so it can send the same Idempotency-Key.
      value: { action: 'restart_runtime', subject: { kind: 'request', id: String(request.id) }, target: { kind: 'runtime', id: 'bash-runtime-sofia' } },
    });

    // The lost replica comes back and reports late: it is told the request is already settled.
    expect(await finishRequest(database.db, request.id, { status: 'succeeded', outcome: 'heartbeat detected', at: new Date() })).toBeUndefined();
    expect(await sweep()).toBe(0);
    expect(await auditRows(database, request.id)).toHaveLength(1);
  });

  it('a restart that ends after the watchdog failed it is not reported a second time', async () => {
    const cards = recordingSink();
    // The click's clock is an hour behind: its deadline has passed by the time the sweep runs.
    const runner = runnerFor(database, countingPlatform(sim).platform, cards.sink, { now: () => Date.now() - 60 * MINUTE });
    await runner.click({ action: 'restart_runtime', target: { kind: 'runtime', id: 'bash-runtime-alex' }, actor: mike, message });
    expect(await sweepOverdueActions({ db: database.db, runner, now: Date.now, logger: quiet })).toBe(1);
    await runner.idle();

    const [row] = await requestRows(database, 'bash-runtime-alex');
    expect(row).toMatchObject({ status: 'failed' });
    expect(row!.outcome).toMatch(/marked failed by the watchdog$/);
    expect((await auditRows(database, row!.id)).map((a) => a.outcome)).toEqual(['started', 'failed']);
    expect(cards.of(`action:${row!.id}`).map((c) => c.state)).toEqual(['pending', 'open']);
  });

  it('runs a request whose replica stopped after claiming it once more, with the same key, when the platform honours keys; two sweeps resume it once', async () => {
    const counter = countingPlatform(sim);
    const platform = guardPlatform(counter.platform, { timeoutMs: 5_000, attempts: 3, breaker: { failureThreshold: 5, openMs: 1_000 } });
    const cards = recordingSink();
    const runner = runnerFor(database, platform, cards.sink);
    const request = await claimedByALostReplica('bash-runtime-lucas', 'claimed-then-killed', 'insight:9');
    const sweep = () => sweepOverdueActions({ db: database.db, runner, platform, now: Date.now, logger: quiet });
    expect(await Promise.all([sweep(), sweep()])).toEqual([0, 0]);
    await runner.idle();

    const [row] = await requestRows(database, 'bash-runtime-lucas');
    expect(row).toMatchObject({ id: request.id, status: 'succeeded', resumes: 1 });
    expect(row!.outcome).toMatch(/^heartbeat detected/);
    expect(counter.count('restartRuntime')).toBe(1);
    expect(counter.calls.find((c) => c.call === 'restartRuntime')!.args.at(-1)).toEqual({ idempotencyKey: 'triage-action-claimed-then-killed' });
    expect((await auditRows(database, request.id)).map((a) => [a.outcome, a.detail])).toEqual([
      ['started', 'resumed by the watchdog: its replica stopped before it finished'],
      ['succeeded', expect.stringMatching(/^heartbeat detected/)],
    ]);
    expect(cards.of(`action:${request.id}`).map((c) => c.state)).toEqual(['pending', 'resolved']);
  });
});
