import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { createConsoleAdapter } from '../../../adapters/console/index.js';
import { auditLog } from '../../../src/db/schema/actions.js';
import { platformObjects } from '../../../src/db/schema/index.js';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { playScenario } from '../../../src/platform/scenarios/player.js';
import { eventually, outboxSettled } from '../../chat/support/drive.js';
import { consoleApi, type ConsoleAnswer, type ConsoleMessage } from '../../support/console-api.js';
import type { DatabaseKind } from '../../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../../support/triage.js';
import { and } from 'drizzle-orm';

/**
 * Who presses what in the fix-from-card tests: James and Mike respond, Elena and Alex approve
 * (two of them, for the two-person rule), Nina has no role (a viewer).
 */
export const PEOPLE = { responder: 'james', otherResponder: 'mike', approver: 'elena', otherApprover: 'alex', viewer: 'nina' } as const;

export type FixFixture = {
  triage: TestTriage;
  api: ReturnType<typeof consoleApi>;
  /** The live top-level card whose title matches, as `as` reads it (required). */
  card(title: RegExp, as?: string): Promise<ConsoleMessage>;
  /** Presses `action` on the card (on `targetId` when given) and answers what the presser was told. */
  press(as: string, card: ConsoleMessage, action: string, targetId?: string): Promise<ConsoleAnswer>;
  /** Waits until the card (same message, updated in place) says `line`, and answers it. */
  cardSays(card: ConsoleMessage, line: RegExp, timeoutMs?: number): Promise<ConsoleMessage>;
  /** The audit rows of one action, oldest first. */
  audit(action: string): Promise<Array<{ actor: string; target: string; outcome: string; detail: string | null }>>;
  /** A simulator object's state (src/platform/simulator/objects.ts), or undefined. */
  object(kind: string, id: string): Promise<Record<string, unknown> | undefined>;
  /** Plays another scenario and waits for its cards. */
  play(scenario: string): Promise<void>;
  close(): Promise<void>;
};

/**
 * The real Triage with the console, one scenario played through the real intake and its cards
 * settled: what a person sees before pressing a fixing button. Roles are PEOPLE's.
 */
export async function startFixFixture(kind: DatabaseKind, scenario: string, overrides: Record<string, unknown> = {}): Promise<FixFixture> {
  const triage = await startTestTriage(
    kind,
    {
      simulator: { restartHeartbeatDelayMs: 300 },
      outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0 },
      roles: { responders: ['console:james', 'console:mike'], approvers: ['console:elena', 'console:alex'], twoPersonRule: true },
      ...overrides,
    } as never,
    { adapters: [createConsoleAdapter] },
  );
  const api = consoleApi(() => triage.url);
  const settle = async () => {
    await triage.writer.drain();
    await triage.evaluator.idle();
    await eventually(outboxSettled(triage.outbox), 15_000);
  };
  const play = async (name: string) => {
    const played = await playScenario({ scenario: findScenario(name)!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok, `scenario ${name} played`).toBe(true);
    await settle();
  };
  // No scenario: a quiet workspace, for tests that bring their own events.
  if (scenario) await play(scenario);
  const fixture: FixFixture = {
    triage,
    api,
    card: async (title, as = PEOPLE.responder) => {
      // A kind raised again after it cleared has a new card; the live one is the one to press.
      const live = (m: ConsoleMessage) => m.threadOf === null && title.test(m.card.title) && (m.card.state === 'open' || m.card.state === 'acknowledged');
      let found: ConsoleMessage | undefined;
      await eventually(async () => {
        found = await api.find(live, { as, required: false });
        return found !== undefined;
      }, 15_000).catch(() => undefined);
      return found ?? (await api.find((m) => m.threadOf === null && title.test(m.card.title), { as }))!;
    },
    press: (as, card, action, targetId) => api.click(as, card, action, targetId),
    cardSays: async (card, line, timeoutMs = 15_000) => {
      let found: ConsoleMessage | undefined;
      await eventually(async () => {
        found = await api.find((m) => m.id === card.id && line.test(m.card.text), { required: false });
        return found !== undefined;
      }, timeoutMs);
      return found!;
    },
    audit: async (action) =>
      (await triage.testDatabase.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(asc(auditLog.id))).map((r) => ({
        actor: r.actorKey,
        target: r.target,
        outcome: r.outcome,
        detail: r.detail,
      })),
    object: async (objectKind, id) => {
      const [row] = await triage.testDatabase.db.select().from(platformObjects).where(and(eq(platformObjects.kind, objectKind), eq(platformObjects.id, id)));
      return row?.state as Record<string, unknown> | undefined;
    },
    play,
    close: () => triage.close(),
  };
  return fixture;
}
