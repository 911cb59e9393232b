import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { budgetCheck, type PendingOverride } from '../../../src/doctor/checks/budget.js';
import { checkEvent } from '../../../src/events/envelope.js';
import type { StoredEvent } from '../../../src/intake/event-writer.js';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { createSimulator, type Simulator } from '../../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';

const START = new Date('2026-05-03T15:19:00.000Z');
const ctx = () => ({ signal: new AbortController().signal, now: START });

/** A scenario's events as the intake stores them, so the simulator folds them in like production. */
function scenarioEvents(name: string, start: Date): StoredEvent[] {
  return findScenario(name)!.build(start).map(({ event }, index) => {
    const checked = checkEvent(event, index);
    if (!checked.ok) throw new Error(`invalid scenario event ${JSON.stringify(event)}`);
    return { ...checked.event, eventKey: checked.event.id! };
  });
}

let seq = 0;
const event = (type: string, attributes: Record<string, unknown>): StoredEvent => ({
  type,
  source: 'test',
  occurredAt: new Date(START.getTime() + ++seq * 1000).toISOString(),
  attributes,
  known: true,
  eventKey: `budget-${seq}`,
});
const spend = (routine: string, spentUsd: number, limitUsd: number) => event('routine.spend', { routine, spentUsd, limitUsd, period: 'month' });

describe.each(oneDatabaseKind())('budget blockers on the simulator (%s)', (kind) => {
  let database: TestDatabase | undefined;
  let sim: Simulator | undefined;
  afterEach(async () => {
    sim?.close();
    await database?.drop();
  });

  const start = async (): Promise<Simulator> => {
    database = await openTestDatabase(kind);
    sim = await createSimulator({ database, emit: async () => {}, now: () => START });
    return sim;
  };

  it('passes with every seeded routine within budget', async () => {
    const platform = await start();
    const check = budgetCheck({ platform });
    expect(check).toMatchObject({ section: 'budget', name: 'Budget blockers' });
    expect(await check.run(ctx())).toEqual({ status: 'pass', summary: '3 routines within budget', details: [], actions: [] });
  });

  it('warns about the seed incident\'s exhausted routine, with its spend and the override awaiting approval', async () => {
    const platform = await start();
    await platform.applyEvents(scenarioEvents('cascading-failure', START));
    const pendingOverrides = async (): Promise<PendingOverride[]> => [
      { routineId: 'daily-code-review', amountUsd: 5, requestedBy: 'Elena' },
    ];
    const finding = await budgetCheck({ platform, pendingOverrides }).run(ctx());
    expect(finding).toEqual({
      status: 'warning',
      summary: 'Routine "daily-code-review" exhausted budget',
      details: ['$12.47 of $10.00 (124%)', 'override of $5.00 for daily-code-review awaiting approval (requested by Elena)'],
      actions: [{ kind: 'routine_budget_exhausted', text: 'Resolve routine budget exhaustion (daily-code-review)', buttons: [] }],
    });
  });

  it('passes again once an override is granted, still listing the routine as near its new limit', async () => {
    const platform = await start();
    await platform.applyEvents(scenarioEvents('cascading-failure', START));
    expect((await platform.grantBudgetOverride('daily-code-review', 5)).ok).toBe(true);
    const finding = await budgetCheck({ platform }).run(ctx());
    expect(finding.status).toBe('pass');
    expect(finding.details).toEqual(['"daily-code-review" nearing its limit: $12.47 of $15.00 (83%)']);
    expect(finding.actions).toEqual([]);
  });

  it('counts a routine paused for budget as exhausted even under its limit, and names each of several', async () => {
    const platform = await start();
    await platform.applyEvents([
      spend('weekly-dependency-audit', 19, 20),
      event('routine.paused', { routine: 'weekly-dependency-audit', reason: 'budget_exhausted' }),
      spend('nightly-data-sync', 3.1, 3),
    ]);
    const finding = await budgetCheck({ platform }).run(ctx());
    expect(finding.status).toBe('warning');
    expect(finding.summary).toBe('2 routines exhausted budget');
    expect(finding.details).toEqual(['"nightly-data-sync": $3.10 of $3.00 (103%)', '"weekly-dependency-audit": $19.00 of $20.00 (95%)']);
    expect(finding.actions[0]!.text).toBe('Resolve routine budget exhaustion (nightly-data-sync, weekly-dependency-audit)');
  });

  it('does not count a routine paused for another reason', async () => {
    const platform = await start();
    await platform.applyEvents([event('routine.paused', { routine: 'nightly-data-sync', reason: 'maintenance window' })]);
    expect((await budgetCheck({ platform }).run(ctx())).status).toBe('pass');
  });

  it('lists routines at 80% or more of their budget but still passes', async () => {
    const platform = await start();
    await platform.applyEvents([spend('weekly-dependency-audit', 16, 20), spend('nightly-data-sync', 2.3, 3)]);
    const finding = await budgetCheck({ platform }).run(ctx());
    expect(finding.status).toBe('pass');
    expect(finding.details).toEqual(['"weekly-dependency-audit" nearing its limit: $16.00 of $20.00 (80%)']);
  });

  it('keeps reporting the routines when pending overrides cannot be read', async () => {
    const platform = await start();
    await platform.applyEvents(scenarioEvents('cascading-failure', START));
    const pendingOverrides = async (): Promise<PendingOverride[]> => {
      throw new Error('approvals table missing');
    };
    const finding = await budgetCheck({ platform, pendingOverrides }).run(ctx());
    expect(finding.status).toBe('warning');
    expect(finding.details).toContain('pending overrides unavailable: approvals table missing');
  });

  it('fails with the reason when the platform cannot list routines', async () => {
    const platform = await start();
    await database!.query(sql`drop table platform_routines`);
    const finding = await budgetCheck({ platform }).run(ctx());
    expect(finding.status).toBe('fail');
    expect(finding.summary).toMatch(/^could not list routines: /);
  });
});
