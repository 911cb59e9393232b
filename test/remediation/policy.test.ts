import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTriage } from '../../src/app.js';
import { incidents } from '../../src/db/schema/incidents.js';
import { incidentTimeline } from '../../src/postmortem/timeline.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { api, liveCard, MIKE, oomKill, restartAudit, restarts, runtimeInsight, runtimeStatus, settle, startOn, untilCleared, RUNTIME_CARD } from './support.js';

const POLICY = 'restart-oom-runtimes';
const TRIAGE_UNDER_POLICY = `Triage (policy ${POLICY})`;
const remediation = { policies: [{ name: POLICY, kind: 'runtime_unreachable', when: { oom: true }, action: 'restart_runtime', maxRuns: 2, windowMinutes: 30 }] };

/**
 * Issue 16, point 2: a policy lets the OOM-killed runtime be restarted by Triage itself, at most
 * twice in 30 minutes, counted from the requests on record; the third OOM is escalated to a person
 * with a card of its own, and nothing more is restarted, across a restart of Triage.
 */
describe.each(oneDatabaseKind())('a remediation policy restarts an OOM-killed runtime within its bound on %s', (kind) => {
  let database: TestDatabase;
  let triage: RunningTriage;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    triage = await startOn(database, { remediation });
  });
  afterAll(async () => {
    await triage?.stop();
    await database?.drop();
  });

  it('restarts the runtime by itself, twice, each run audited as done by Triage under the policy', async () => {
    // An incident is open first, so the minutes can be read at the end.
    expect((await api(triage).command('james', '/incident declare Mike keeps losing his runtime')).reply.text).toMatch(/#\d+/);
    for (const run of [1, 2]) {
      await oomKill(triage);
      await untilCleared(triage);
      const done = await restarts(triage);
      expect(done.map((r) => [r.actorKey, r.status])).toEqual(Array.from({ length: run }, () => [`system:policy:${POLICY}`, 'succeeded']));
      expect((await runtimeInsight(triage))!.episode).toBe(run);
    }
    expect(await runtimeStatus(triage)).toBe('connected');
    const audit = await restartAudit(triage);
    expect(audit.map((a) => [a.actor, a.name, a.outcome])).toEqual([
      [`system:policy:${POLICY}`, TRIAGE_UNDER_POLICY, 'started'],
      [`system:policy:${POLICY}`, TRIAGE_UNDER_POLICY, 'succeeded'],
      [`system:policy:${POLICY}`, TRIAGE_UNDER_POLICY, 'started'],
      [`system:policy:${POLICY}`, TRIAGE_UNDER_POLICY, 'succeeded'],
    ]);
    expect(audit[0]!.detail).toMatch(/^policy restart-oom-runtimes, run 1 of at most 2 in 30 minutes: Runtime bash-runtime-mike unreachable$/);
    expect(audit[2]!.detail).toMatch(/run 2 of at most 2/);
  });

  it('after a restart of Triage on the same database, the third OOM is escalated to a person: no third restart', async () => {
    await triage.stop();
    triage = await startOn(database, { remediation });
    await oomKill(triage);
    const card = await liveCard(triage, `🔁 Restart loop: runtime ${MIKE.runtime}`);
    expect(card, 'the escalation card').toBeDefined();
    expect(card!.card.severity).toBe('critical');
    const lines = card!.card.text.split('\n');
    expect(lines[0]).toMatch(/^Triage \(policy restart-oom-runtimes\) stopped at \d\d:\d\d UTC: it had run restart runtime twice in 30 minutes \(policy restart-oom-runtimes allows 2\), and it failed again: External runtime bash-runtime-mike unreachable/);
    expect(lines.slice(1, 4)).toEqual([
      'What was tried:',
      expect.stringMatching(/^• \d\d:\d\d UTC Triage \(policy restart-oom-runtimes\): ✅ heartbeat detected after \d+(\.\d)? s$/),
      expect.stringMatching(/^• \d\d:\d\d UTC Triage \(policy restart-oom-runtimes\): ✅ heartbeat detected after \d+(\.\d)? s$/),
    ]);
    expect(card!.card.text).toMatch(/Before restart runtime again, from the runbook:\n• Fix upstream dependencies first/);
    expect(card!.card.fields).toContainEqual({ label: 'Bound', value: '2 per 30 minutes (policy restart-oom-runtimes)' });
    // The manual buttons of the runtime's card, so a person acts from here.
    expect(card!.card.actions.map((a) => a.label)).toEqual([`Restart ${MIKE.runtime}`, 'Acknowledge', 'Dismiss']);

    // More evidence re-publishes the insight: still no third run, still one stop on record.
    await oomKill(triage);
    await settle(triage);
    expect(await restarts(triage)).toHaveLength(2);
    expect(await runtimeStatus(triage)).toBe('unreachable');
    const stops = (await restartAudit(triage)).filter((a) => a.outcome === 'escalated');
    expect(stops).toEqual([
      {
        actor: `system:policy:${POLICY}`,
        name: TRIAGE_UNDER_POLICY,
        outcome: 'escalated',
        detail: 'stopped by policy restart-oom-runtimes: Restart runtime already ran twice on runtime bash-runtime-mike in the last 30 minutes, the most it allows; a person decides now',
      },
    ]);
    // The runtime's own card still offers Restart to a person.
    expect((await liveCard(triage, RUNTIME_CARD))!.card.actions.map((a) => a.label)).toContain(`Restart ${MIKE.runtime}`);
  });

  it('a person restarts it from the escalation card, as themselves; once it clears, the card offers nothing more', async () => {
    const card = (await liveCard(triage, `🔁 Restart loop: runtime ${MIKE.runtime}`))!;
    const pressed = await api(triage).click('james', card, 'restart_runtime', MIKE.runtime);
    // The third restart in the window is within the restart bound (3): no loop to flag yet.
    expect(pressed.reply.text).not.toMatch(/Restart loop/);
    await untilCleared(triage);
    expect((await restarts(triage)).map((r) => [r.actorKey, r.status])).toEqual([
      [`system:policy:${POLICY}`, 'succeeded'],
      [`system:policy:${POLICY}`, 'succeeded'],
      ['console:james', 'succeeded'],
    ]);
    const escalation = await api(triage).find((m) => m.id === card.id, { as: 'james' });
    expect(escalation!.card.state).toBe('resolved');
    expect(escalation!.card.actions).toEqual([]);
    expect(escalation!.card.text).toMatch(/• \d\d:\d\d UTC James: ✅ heartbeat detected/);
    expect(escalation!.card.text).toMatch(/✅ The condition cleared at \d\d:\d\d UTC\./);
  });

  it("the minutes' timeline names Triage under the policy for what it did and where it stopped", async () => {
    const [incident] = await triage.database.db.select().from(incidents);
    const timeline = await incidentTimeline(triage.database.db, incident!.id);
    const byPolicy = timeline.filter((e) => e.actor === TRIAGE_UNDER_POLICY).map((e) => e.text);
    expect(byPolicy).toEqual([
      expect.stringMatching(/^started to restart runtime bash-runtime-mike \(policy restart-oom-runtimes, run 1 of at most 2/),
      expect.stringMatching(/^restarted runtime bash-runtime-mike \(heartbeat back after \d+(\.\d)? s\), took/),
      expect.stringMatching(/^started to restart runtime bash-runtime-mike \(policy restart-oom-runtimes, run 2 of at most 2/),
      expect.stringMatching(/^restarted runtime bash-runtime-mike \(heartbeat back after \d+(\.\d)? s\), took/),
      'stopped trying to restart runtime bash-runtime-mike and handed it to a person (stopped by policy restart-oom-runtimes: Restart runtime already ran twice on runtime bash-runtime-mike in the last 30 minutes, the most it allows; a person decides now)',
    ]);
  });
});
