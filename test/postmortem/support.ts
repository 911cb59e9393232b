import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import { doctorRuns } from '../../src/db/schema/doctor.js';
import { incidentInsights, incidents } from '../../src/db/schema/incidents.js';
import { insights } from '../../src/db/schema/insights.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { eventually, outboxSettled } from '../chat/support/drive.js';
import { consoleApi, type ConsoleMessage } from '../support/console-api.js';
import type { DatabaseKind } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';

type Message = ConsoleMessage;

/**
 * The seed incident played into a real Triage, recovered through the console's buttons (James
 * restarts Mike's runtime, Elena approves the budget override, Sofia runs the Doctor), with an incident row linking its
 * insights written directly: the incident module is built separately and not depended on here.
 */
export type SeedIncident = { triage: TestTriage; incidentId: number };

export async function playSeedIncident(kind: DatabaseKind): Promise<SeedIncident> {
  const triage = await startTestTriage(kind, { simulator: { restartHeartbeatDelayMs: 300 }, outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0 } } as never, {
    adapters: [createConsoleAdapter],
  });
  const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
  expect(played.ok).toBe(true);
  await triage.writer.drain();
  await triage.evaluator.idle();
  await eventually(outboxSettled(triage.outbox), 15_000);
  const incidentId = await openIncident(triage);

  const restart = await find(triage, (m) => /unreachable/i.test(m.card.title) && m.card.entities.some((e) => e.id === 'bash-runtime-mike'));
  await click(triage, 'james', restart, 'restart_runtime');
  await eventually(async () => (await messages(triage)).some((m) => m.card.title === 'Restart runtime bash-runtime-mike' && m.card.state === 'resolved'), 15_000);
  const approval = await find(triage, (m) => m.card.title === 'Routine daily-code-review out of budget' && /waiting for an approver/.test(m.card.text));
  await click(triage, 'elena', approval, 'approve_budget_override');
  await eventually(async () => (await messages(triage)).some((m) => m.id === approval.id && /Elena approved a \+\$5\.00 budget override/.test(m.card.text)), 10_000);
  const doctor = await fetch(`${triage.url}/console/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: '/doctor', personId: 'sofia', channel: 'ops' }),
  });
  expect(doctor.status).toBe(200);
  await eventually(async () => (await triage.testDatabase.db.select().from(doctorRuns)).length > 0, 20_000);
  return { triage, incidentId };
}

/**
 * The cascade opens its incident by itself (the app correlates as insights arrive); every insight
 * of the played story is in it, the ones that started outside the window joining here.
 */
async function openIncident(triage: TestTriage): Promise<number> {
  const { db } = triage.testDatabase;
  let incidentId: number | undefined;
  await eventually(async () => {
    const [found] = await db.select({ id: incidents.id }).from(incidents).orderBy(incidents.id).limit(1);
    incidentId = found?.id;
    return incidentId !== undefined;
  }, 15_000);
  const rows = await db.select().from(insights).orderBy(insights.firstSeenAt, insights.id);
  await db.insert(incidentInsights).values(rows.map((r) => ({ incidentId: incidentId!, insightId: r.id, joinedAt: r.firstSeenAt }))).onConflictDoNothing();
  return incidentId!;
}

export async function resolveIncident(triage: TestTriage, incidentId: number): Promise<void> {
  const now = new Date();
  const resolvedBy = { platform: 'console', userId: 'elena', name: 'Elena' };
  await triage.testDatabase.db.update(incidents).set({ status: 'resolved', resolvedAt: now, resolvedBy, updatedAt: now }).where(eq(incidents.id, incidentId));
}

const messages = (triage: TestTriage): Promise<Message[]> => consoleApi(() => triage.url).messages();
const find = async (triage: TestTriage, test: (m: Message) => boolean): Promise<Message> => (await consoleApi(() => triage.url).find(test))!;
const click = async (triage: TestTriage, personId: string, message: Message, action: string): Promise<void> => void (await consoleApi(() => triage.url).click(personId, message, action));
