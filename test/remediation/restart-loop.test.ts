import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTriage } from '../../src/app.js';
import { eventually } from '../chat/support/drive.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { api, liveCard, MIKE, oomKill, restartAudit, restarts, runtimeStatus, settle, startOn, untilCleared, RUNTIME_CARD } from './support.js';

const LOOP_CARD = `🔁 Restart loop: runtime ${MIKE.runtime}`;

/**
 * Issue 16, point 3, with no policy configured: the default restart bound (3 in 30 minutes)
 * watches people's restarts too. A fourth restart of one runtime in the window still runs,
 * because a person chose it, but it is not silent: the presser is told, and an escalation card
 * in the channel lists every restart in the window.
 */
describe.each(oneDatabaseKind())('a restart loop pressed by hand is made visible on %s', (kind) => {
  let database: TestDatabase;
  let triage: RunningTriage;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    triage = await startOn(database);
  });
  afterAll(async () => {
    await triage?.stop();
    await database?.drop();
  });

  /** Mike's runtime dies of OOM; James restarts it from its card; the answer he gets. */
  const dieAndRestart = async (): Promise<string> => {
    await oomKill(triage);
    // No policy: nothing restarts it by itself.
    expect(await runtimeStatus(triage)).toBe('unreachable');
    const card = await liveCard(triage, RUNTIME_CARD);
    expect(card, 'the runtime card').toBeDefined();
    const answer = await api(triage).click('james', card!, 'restart_runtime', MIKE.runtime);
    await untilCleared(triage);
    return answer.reply.text;
  };

  it('three restarts in the window are within the default bound: no flag, no card', async () => {
    for (let press = 1; press <= 3; press++) expect(await dieAndRestart()).not.toMatch(/Restart loop/);
    expect((await restarts(triage)).map((r) => [r.actorKey, r.status])).toEqual(Array.from({ length: 3 }, () => ['console:james', 'succeeded']));
    expect(await liveCard(triage, LOOP_CARD)).toBeUndefined();
  });

  it('the fourth still runs, and James is told; the channel gets an escalation card listing the four', async () => {
    const answer = await dieAndRestart();
    expect(answer).toMatch(
      /⚠️ Restart loop: runtime bash-runtime-mike was restarted 4 times in the last 30 minutes \(the bound is 3\)\. This restart runs because you chose it; Triage posted an escalation card\. Look for the cause before restarting again\.$/,
    );
    expect((await restarts(triage)).map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(await runtimeStatus(triage)).toBe('connected');

    let loop: Awaited<ReturnType<typeof liveCard>>;
    await eventually(async () => {
      await settle(triage);
      loop = await liveCard(triage, LOOP_CARD);
      // Redrawn when the fourth restart ended: every run with its outcome.
      return (loop?.card.text.match(/James: ✅ heartbeat detected/g) ?? []).length === 4;
    }, 10_000);
    const lines = loop!.card.text.split('\n');
    expect(lines[0]).toBe(
      'runtime bash-runtime-mike was restarted 4 times in 30 minutes, more than the restart bound of 3: restarting is not fixing it. James pressed Restart runtime again, and it runs, because a person chose it.',
    );
    expect(lines[1]).toBe('What was tried:');
    expect(lines.slice(2, 6)).toEqual(Array.from({ length: 4 }, () => expect.stringMatching(/^• \d\d:\d\d UTC James: ✅ heartbeat detected after \d+(\.\d)? s$/)));
    expect(loop!.card.text).toMatch(/from the runbook:\n• Fix upstream dependencies first/);
    expect(loop!.card.fields).toContainEqual({ label: 'Bound', value: '3 per 30 minutes (the restart bound)' });
    expect(loop!.card.context).toBe(`Look for the cause before restarting ${MIKE.runtime} again`);

    // The press is on the record with what James was told.
    const started = (await restartAudit(triage)).filter((a) => a.outcome === 'started');
    expect(started.map((a) => a.actor)).toEqual(['console:james', 'console:james', 'console:james', 'console:james']);
    expect(started.slice(0, 3).map((a) => a.detail)).toEqual([null, null, null]);
    expect(started[3]!.detail).toMatch(/^Restart loop: runtime bash-runtime-mike was restarted 4 times/);
  });
});
