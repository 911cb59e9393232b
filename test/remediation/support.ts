import { and, asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import type { RunningTriage } from '../../src/app.js';
import { actionRequests, auditLog } from '../../src/db/schema/actions.js';
import { insights } from '../../src/db/schema/insights.js';
import { eventually, triageSettled } from '../chat/support/drive.js';
import { consoleApi, type ConsoleMessage } from '../support/console-api.js';
import type { TestDatabase } from '../support/databases.js';
import { startTriageOn, TEST_TOKEN } from '../support/triage.js';

/** Mike's runtime, the seed incident's OOM victim (src/platform/scenarios/cascading-failure.ts). */
export const MIKE = { runtime: 'bash-runtime-mike', employee: 'Mike' } as const;
export const RUNTIME_CARD = `Runtime ${MIKE.runtime} unreachable`;

/** Console people: James and Mike respond, Elena approves, Nina is a viewer (as in test/e2e/support/fix-from-card.ts). */
const ROLES = { responders: ['console:james', 'console:mike'], approvers: ['console:elena'], twoPersonRule: true };

/** The real Triage with the console on a database the test keeps (a second start is a restart). */
export function startOn(database: TestDatabase, overrides: Record<string, unknown> = {}): Promise<RunningTriage> {
  return startTriageOn(
    database,
    { simulator: { restartHeartbeatDelayMs: 300 }, outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0 }, roles: ROLES, ...overrides } as never,
    { adapters: [createConsoleAdapter] },
  );
}

let sent = 0;
/** What the platform reports when a runtime is OOM-killed: the failure, then the refused socket caused by it. */
export async function oomKill(triage: RunningTriage): Promise<void> {
  const at = new Date().toISOString();
  const n = ++sent;
  const events = [
    { id: `oom-${n}-failed`, type: 'runtime.execution_failed', source: 'team-x', occurredAt: at, attributes: { ...MIKE, reason: 'oom', error: 'process killed: out of memory (2048 MB limit)' } },
    { id: `oom-${n}-down`, type: 'runtime.disconnected', source: 'team-x', occurredAt: at, attributes: { ...MIKE, reason: 'connection_refused', cause: 'oom' } },
  ];
  // The first time, the runtime was alive just before: a heartbeat the rule measures from.
  if (n === 1) events.unshift({ id: 'oom-alive', type: 'runtime.heartbeat', source: 'team-x', occurredAt: new Date(Date.now() - 1_000).toISOString(), attributes: { ...MIKE, intervalSeconds: 30 } as never });
  const res = await fetch(`${triage.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` }, body: JSON.stringify({ events }) });
  expect(res.status).toBe(202);
  await triageSettled(triage);
}

export const settle = (triage: RunningTriage): Promise<void> => triageSettled(triage);

/** The restarts of Mike's runtime on record, oldest first, whoever asked. */
export async function restarts(triage: RunningTriage) {
  return triage.database.db
    .select()
    .from(actionRequests)
    .where(and(eq(actionRequests.action, 'restart_runtime'), eq(actionRequests.targetId, MIKE.runtime)))
    .orderBy(asc(actionRequests.id));
}

/** The audit rows of Mike's runtime's restarts, oldest first. */
export async function restartAudit(triage: RunningTriage) {
  const rows = await triage.database.db.select().from(auditLog).where(eq(auditLog.target, `runtime:${MIKE.runtime}`)).orderBy(asc(auditLog.id));
  return rows.map((r) => ({ actor: r.actorKey, name: (r.actor as { name?: string }).name, outcome: r.outcome, detail: r.detail }));
}

/** The runtime's insight as stored: its status and episode. */
export async function runtimeInsight(triage: RunningTriage) {
  const [row] = await triage.database.db.select().from(insights).where(eq(insights.fingerprint, `runtime_unreachable:${MIKE.runtime}`));
  return row;
}

/** Waits until the runtime's insight has cleared (its heartbeat came back after the restart). */
export async function untilCleared(triage: RunningTriage): Promise<void> {
  await eventually(async () => {
    await settle(triage);
    return (await runtimeInsight(triage))?.status === 'resolved';
  }, 20_000);
}

/** The simulator's view of the runtime. */
export async function runtimeStatus(triage: RunningTriage): Promise<string | undefined> {
  const listed = await triage.platform.listRuntimes();
  return listed.ok ? listed.value.find((r) => r.id === MIKE.runtime)?.status : undefined;
}

/** The live top-level card titled `title` (open), read as James. */
export async function liveCard(triage: RunningTriage, title: string | RegExp): Promise<ConsoleMessage | undefined> {
  const test = (t: string) => (typeof title === 'string' ? t === title : title.test(t));
  return consoleApi(() => triage.url).find((m) => m.threadOf === null && test(m.card.title) && m.card.state === 'open', { as: 'james', required: false });
}

export const api = (triage: RunningTriage) => consoleApi(() => triage.url);
