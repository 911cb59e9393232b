import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { runtimesCheck } from '../../../src/doctor/checks/runtimes.js';
import { checkEvent } from '../../../src/events/envelope.js';
import type { StoredEvent } from '../../../src/intake/event-writer.js';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { SEED_EMPLOYEES } from '../../../src/platform/simulator/seed-data.js';
import { createSimulator, type Simulator } from '../../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';

const START = new Date('2026-05-03T15:19:00.000Z');
const MINUTE = 60_000;
const ctx = (at: Date = START) => ({ signal: new AbortController().signal, now: at });

/** A scenario's events as the intake stores them, so the simulator folds them in like production. */
function scenarioEvents(name: string, start: Date): StoredEvent[] {
  return findScenario(name)!.build(start).map(({ event }, index) => {
    const checked = checkEvent(event, index);
    if (!checked.ok) throw new Error(`invalid scenario event ${JSON.stringify(event)}`);
    return { ...checked.event, eventKey: checked.event.id! };
  });
}

const heartbeat = (runtime: string, at: Date): StoredEvent => ({
  type: 'runtime.heartbeat',
  source: 'test',
  occurredAt: at.toISOString(),
  attributes: { runtime, intervalSeconds: 30 },
  known: true,
  eventKey: `${runtime}-${at.getTime()}`,
});

describe.each(oneDatabaseKind())('runtime posture on the simulator (%s)', (kind) => {
  let database: TestDatabase | undefined;
  let sim: Simulator | undefined;
  afterEach(async () => {
    sim?.close();
    await database?.drop();
  });

  const start = async (options: { at?: Date; restartHeartbeatDelayMs?: number } = {}): Promise<Simulator> => {
    database = await openTestDatabase(kind);
    const at = options.at ?? START;
    sim = await createSimulator({ database, emit: async () => {}, now: () => at, ...options });
    return sim;
  };

  it('passes with every seeded runtime heartbeating', async () => {
    const platform = await start();
    const finding = await runtimesCheck({ platform }).run(ctx());
    expect(finding).toEqual({ status: 'pass', summary: '12 runtimes connected', details: [], actions: [] });
  });

  it('reports the seed incident: Mike refused, Priya timed out, one restart button each', async () => {
    const platform = await start();
    await platform.applyEvents(scenarioEvents('cascading-failure', START));
    const check = runtimesCheck({ platform });
    expect(check).toMatchObject({ section: 'runtimes', name: 'Runtime posture' });
    const finding = await check.run(ctx());
    expect(finding.status).toBe('warning');
    expect(finding.summary).toBe('2 external runtimes unreachable:');
    expect(finding.details).toEqual(['• bash-runtime-mike (connection refused)', '• bash-runtime-priya (timeout)']);
    expect(finding.actions).toEqual([
      {
        kind: 'runtime_unreachable',
        text: 'Restart external runtimes (Mike, Priya)',
        buttons: [
          { action: 'restart_runtime', label: 'Restart bash-runtime-mike', target: { kind: 'runtime', id: 'bash-runtime-mike' } },
          { action: 'restart_runtime', label: 'Restart bash-runtime-priya', target: { kind: 'runtime', id: 'bash-runtime-priya' } },
        ],
      },
    ]);
  });

  it('shows a runtime being restarted without a button, and keeps the others to restart', async () => {
    const platform = await start({ restartHeartbeatDelayMs: 60 * MINUTE });
    await platform.applyEvents(scenarioEvents('cascading-failure', START));
    expect((await platform.restartRuntime('bash-runtime-mike')).ok).toBe(true);
    const finding = await runtimesCheck({ platform }).run(ctx());
    expect(finding.status).toBe('warning');
    expect(finding.summary).toBe('1 external runtime unreachable, 1 restarting:');
    expect(finding.details).toEqual(['• bash-runtime-priya (timeout)', '• bash-runtime-mike (restarting)']);
    expect(finding.actions).toHaveLength(1);
    expect(finding.actions[0]!.text).toBe('Restart external runtime (Priya)');
    expect(finding.actions[0]!.buttons.map((b) => b.target?.id)).toEqual(['bash-runtime-priya']);
  });

  it('calls a runtime silent for more than 3 intervals unreachable, though the platform still says connected', async () => {
    const platform = await start();
    const later = new Date(START.getTime() + 12 * MINUTE);
    const others = SEED_EMPLOYEES.filter((e) => e.id !== 'grace').map((e) => heartbeat(`bash-runtime-${e.id}`, later));
    await platform.applyEvents(others);

    const finding = await runtimesCheck({ platform, now: () => later.getTime() }).run(ctx());
    expect(finding.status).toBe('warning');
    expect(finding.summary).toBe('1 external runtime unreachable:');
    expect(finding.details).toEqual(['• bash-runtime-grace (no heartbeat for 12 min)']);
    expect(finding.actions[0]!.text).toBe('Restart external runtime (Grace)');

    // Within 3 intervals (90 s) is still connected.
    const soon = await runtimesCheck({ platform, now: () => START.getTime() + 89_000 }).run(ctx());
    expect(soon.status).toBe('pass');
  });

  it('fails when no runtime is connected, naming an unknown owner by its runtime id', async () => {
    const platform = await start();
    await platform.applyEvents([heartbeat('build-box-7', START)]);
    const finding = await runtimesCheck({ platform, now: () => START.getTime() + 30 * MINUTE }).run(ctx());
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('13 external runtimes unreachable:');
    expect(finding.details).toContain('• build-box-7 (no heartbeat for 30 min)');
    expect(finding.actions[0]!.text).toContain('Sofia, build-box-7');
    expect(finding.actions[0]!.buttons).toHaveLength(13);
  });

  it('passes with "no runtimes registered" when the platform has none', async () => {
    const platform = await start();
    await database!.query(sql`delete from platform_runtimes`);
    expect(await runtimesCheck({ platform }).run(ctx())).toMatchObject({ status: 'pass', summary: 'no runtimes registered' });
  });

  it('fails with the reason when the platform cannot list runtimes', async () => {
    const platform = await start();
    await database!.query(sql`drop table platform_runtimes`);
    const finding = await runtimesCheck({ platform }).run(ctx());
    expect(finding.status).toBe('fail');
    expect(finding.summary).toMatch(/^could not list runtimes: the simulated platform could not list runtimes: /);
  });
});
