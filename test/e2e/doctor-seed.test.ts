import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import type { Card } from '../../src/chat/card.js';
import { parseActionId } from '../../src/chat/action-id.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';

type Answer = { reply: { visibility: string; text: string; card?: Card }; message: { id: string } | null };

/**
 * The seed's "Doctor Report — Incident Detection", from real checks: the cascading-failure
 * scenario through the real intake, then /doctor typed in the console over its real HTTP API.
 */
describe.each(oneDatabaseKind())('/doctor on the seed incident on %s', (kind) => {
  let triage: TestTriage;
  let report: Answer;
  beforeAll(async () => {
    // The seed's workspace lists the secrets it needs and has them (its report: "Secrets PASS").
    const secrets = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'];
    triage = await startTestTriage(kind, { doctor: { requiredSecrets: secrets }, environmentNames: secrets } as never, { adapters: [createConsoleAdapter] });
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await triage.writer.drain();
    report = await post('/console/api/command', { text: '/doctor', personId: 'james', channel: 'ops' });
    if (process.env.SHOW_REPORT) console.log(report.reply.card!.text, report.reply.card!.actions.map((a) => a.label));
  });
  afterAll(async () => triage?.close());

  async function post(path: string, body: unknown): Promise<Answer> {
    const res = await fetch(`${triage.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as Answer;
  }

  const lineOf = (name: string) => report.reply.card!.text.split('\n').find((l) => l.includes(name)) ?? '';

  it('gives the seed report: MCP FAIL, runtimes and budget WARNING, providers PARTIAL, overall CRITICAL', () => {
    expect(report.reply.visibility).toBe('channel');
    const text = report.reply.card!.text;
    expect(lineOf('Database integrity')).toContain('PASS');
    expect(lineOf('Recovery readiness')).toMatch(/PASS \(backup: (1 hour|60 minutes) ago\)/);
    expect(lineOf('MCP health')).toContain('FAIL');
    expect(text).toMatch(/database-query \(connection pool exhausted\)/);
    expect(lineOf('Runtime posture')).toContain('WARNING');
    expect(text).toMatch(/bash-runtime-mike \(connection refused\)/);
    expect(text).toMatch(/bash-runtime-priya \(timeout\)/);
    expect(lineOf('Budget blockers')).toContain('WARNING');
    expect(text).toContain('daily-code-review');
    expect(lineOf('Provider health')).toContain('PARTIAL');
    expect(text).toMatch(/OpenAI: Degraded/);
    expect(text).toMatch(/Anthropic: Connected/);
    expect(lineOf('Secrets')).toContain('PASS');
    expect(text).toMatch(/OVERALL: CRITICAL \(1 fail, 2 warnings/);
  });

  it("lists the immediate actions in the seed's order: MCP, runtimes, budget, stuck loops", () => {
    const text = report.reply.card!.text;
    const plan = text.slice(text.indexOf('IMMEDIATE ACTIONS REQUIRED:')).split('\n').slice(1).filter((l) => /^\d+\. /.test(l));
    const order = ['MCP', 'runtimes', 'budget', 'stuck loops'].map((word) => plan.findIndex((l) => l.toLowerCase().includes(word.toLowerCase())));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(plan[order[1]!]).toMatch(/Mike.*Priya|Priya.*Mike/);
  });

  it('has a button for each fix, and Re-run and Copy report that work from the console', async () => {
    const card = report.reply.card!;
    const actions = card.actions.map((a) => ({ a, ref: parseActionId(a.id) }));
    const names = actions.map(({ ref }) => (ref.ok ? `${ref.value.action}:${ref.value.target?.id ?? ''}` : 'bad'));
    expect(names).toEqual(
      expect.arrayContaining(['restart_mcp_server:database-query', 'restart_runtime:bash-runtime-mike', 'restart_runtime:bash-runtime-priya', 'rerun_doctor:', 'copy_doctor_report:']),
    );
    const messageId = report.message!.id;
    const idOf = (action: string) => actions.find(({ ref }) => ref.ok && ref.value.action === action)!.a.id;
    const copy = await post('/console/api/click', { actionId: idOf('copy_doctor_report'), personId: 'james', channel: 'ops', messageId });
    expect(copy.reply.visibility).toBe('private');
    expect(copy.reply.text).toContain('OVERALL: CRITICAL');
    const rerun = await post('/console/api/click', { actionId: idOf('rerun_doctor'), personId: 'priya', channel: 'ops', messageId });
    expect(rerun.reply.visibility).toBe('channel');
    expect(rerun.reply.card!.title).toBe('Doctor Report');
    expect(rerun.reply.card!.context).toMatch(/asked by Priya/);
  });
});
