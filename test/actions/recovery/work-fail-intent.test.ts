import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecoveryDeps } from '../../../src/actions/recovery/action.js';
import { findRecoveryAction } from '../../../src/actions/recovery/index.js';
import type { StoredEvent } from '../../../src/intake/event-writer.js';
import { err } from '../../../src/result.js';
import { createSimulator, type Simulator } from '../../../src/platform/simulator/simulator.js';
import { builtinTickets, listTickets } from '../../../src/tickets/builtin.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';

const key = () => ({ idempotencyKey: `test-${randomUUID()}` });
const validation = (intent: string, attributes: Record<string, unknown>): StoredEvent => ({
  type: 'agent.validation',
  source: 'cortex',
  occurredAt: new Date().toISOString(),
  attributes: { agent: 'intent-resolver', confidence: 0.94, intent, ...attributes },
  known: true,
  eventKey: randomUUID(),
});
const OUTPUT = { type: 'TenderLoad', weight: -50, weightUnit: 'lbs' };

/**
 * Playbook scenario 2 from Triage's side: Fail intent tags the intent FAILED on the platform and
 * captures the case as a regression ticket, its input and the rejected output attached, in the
 * tracker the recovery actions are given; without one, the intent is still failed and the card
 * says no ticket was filed.
 */
describe.each(oneDatabaseKind())('fail intent and its regression ticket (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  const base = (): RecoveryDeps => ({ platform: sim, now: Date.now, heartbeatTimeoutMs: 5_000 });
  const run = (deps: RecoveryDeps, intent: string, call = key()) => findRecoveryAction('fail_intent')!.run(deps, { targetId: intent, params: { reason: 'fail intent from console by James' }, call });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await createSimulator({ database, emit: async () => {} });
    await sim.applyEvents([
      validation('#123', { result: 'hallucination', detail: 'TenderLoad.weight = -50 lbs: weight must be > 0', input: 'Tender request: 1 pallet, 50 lbs', output: OUTPUT }),
      validation('#124', { result: 'hallucination', detail: 'weight must be > 0' }),
      validation('#125', { result: 'hallucination', detail: 'weight must be > 0', input: 'x', output: 'y' }),
      validation('#121', { result: 'passed' }),
    ]);
  });
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });

  it('fails the intent with the playbook reason and files one regression ticket with the input and the rejected output', async () => {
    const tickets = builtinTickets(database.db);
    const deps: RecoveryDeps = { ...base(), tickets };
    const result = await run(deps, '#123');
    expect(result).toEqual({
      ok: true,
      value: { text: expect.stringMatching(/^intent #123 marked FAILED ✅ \("Hallucination: TenderLoad.weight = -50 lbs: weight must be > 0"\) · regression ticket #\d+ filed with its input and the rejected output$/) },
    });
    const [ticket, ...more] = await listTickets(database.db);
    expect(more).toEqual([]);
    expect(ticket).toMatchObject({
      fingerprint: 'regression-intent-resolver-123',
      title: 'Regression case: intent-resolver output rejected for intent #123',
      labels: ['regression', 'hallucination', 'agent-improvement'],
      owner: 'AI Engineering Lead',
      status: 'open',
    });
    expect(ticket!.description).toContain('at confidence 0.94: TenderLoad.weight = -50 lbs: weight must be > 0.');
    expect(ticket!.description).toContain('Input (the raw signal):\n```\nTender request: 1 pallet, 50 lbs\n```');
    expect(ticket!.description).toContain(`Rejected output:\n\`\`\`\n${JSON.stringify(OUTPUT)}\n\`\`\``);
    expect(ticket!.deliverables[0]).toBe('VCR test case from the attached input and rejected output');
  });

  it('a redelivered press (same key) is answered from the platform\'s record and files nothing new; a new press is refused', async () => {
    const deps: RecoveryDeps = { ...base(), tickets: builtinTickets(database.db) };
    await sim.applyEvents([validation('#127', { result: 'hallucination', detail: 'weight must be > 0', input: 'a', output: 'b' })]);
    const call = key();
    const first = await run(deps, '#127', call);
    expect(first.ok).toBe(true);
    expect(await run(deps, '#127', call)).toEqual(first);
    expect((await listTickets(database.db)).filter((t) => t.fingerprint === 'regression-intent-resolver-127')).toHaveLength(1);
    const again = await run(deps, '#123');
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid_state', text: expect.stringContaining('intent #123 is already FAILED'), retryable: false } });
  });

  it('says what the platform did not keep, and files nothing for an intent validation passed', async () => {
    const deps: RecoveryDeps = { ...base(), tickets: builtinTickets(database.db) };
    expect(await run(deps, '#124')).toMatchObject({ ok: true });
    const filed = (await listTickets(database.db)).find((t) => t.fingerprint === 'regression-intent-resolver-124');
    expect(filed?.description).toContain('Input (the raw signal):\n```\n(the platform did not keep it)\n```');
    const passed = await run(deps, '#121');
    expect(passed).toMatchObject({ ok: true, value: { text: 'intent #121 marked FAILED ✅ ("Failed by an operator") · validation rejected nothing of it, so there is no regression case to file' } });
  });

  it('still fails the intent when no tracker is given or the tracker is down, and the card says the ticket is missing', async () => {
    const unwired = await run(base(), '#125');
    expect(unwired).toMatchObject({ ok: true, value: { text: expect.stringContaining('no ticket tracker is connected to recovery actions, so the regression case was not filed') } });
    await sim.applyEvents([validation('#126', { result: 'hallucination', detail: 'weight must be > 0' })]);
    const down: RecoveryDeps = { ...base(), tickets: { create: async () => err({ code: 'unavailable' as const, message: 'the tracker did not answer' }) } };
    expect(await run(down, '#126')).toMatchObject({ ok: true, value: { text: expect.stringContaining('⚠️ the regression ticket could not be filed: the tracker did not answer') } });
  });
});
