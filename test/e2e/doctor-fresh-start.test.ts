import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import type { Card } from '../../src/chat/card.js';
import { oneDatabaseKind } from '../support/databases.js';
import { startTestTriage, type TestTriage } from '../support/triage.js';

type Answer = { reply: { visibility: string; text: string; card?: Card } };

/**
 * Issue 15 point 4: the very first /doctor on the embedded default, before anything went wrong.
 * The simulated workspace starts with the seed's backup from an hour ago, and a section with
 * nothing configured is a WARNING that names the line to add, never a FAIL.
 */
describe.each(oneDatabaseKind())('the first /doctor of a fresh embedded Triage on %s', (kind) => {
  let triage: TestTriage;
  let report: Answer;
  beforeAll(async () => {
    triage = await startTestTriage(kind, {}, { adapters: [createConsoleAdapter] });
    const res = await fetch(`${triage.url}/console/api/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '/doctor', personId: 'james', channel: 'ops' }),
    });
    expect(res.status).toBe(200);
    report = (await res.json()) as Answer;
  });
  afterAll(async () => triage?.close());

  const lineOf = (name: string) => report.reply.card!.text.split('\n').find((l) => l.includes(name)) ?? '';

  it('is not CRITICAL: nothing fails on a healthy start', () => {
    const text = report.reply.card!.text;
    expect(text).not.toMatch(/OVERALL: CRITICAL/);
    expect(text).not.toMatch(/— FAIL/);
    expect(text).toMatch(/OVERALL: (WARNING|HEALTHY)/);
  });

  it("finds the seed's backup from an hour ago", () => {
    expect(lineOf('Recovery readiness')).toMatch(/PASS \(backup: (1 hour|59 minutes) ago\)/);
    expect(report.reply.card!.text).toContain('backup.completed for workspace-db');
  });

  it('names what is not configured as a WARNING with the line to add to triage.config.yml', () => {
    const text = report.reply.card!.text;
    expect(lineOf('Secrets')).toMatch(/WARNING \(no required secrets configured\)/);
    expect(text).toContain('add to triage.config.yml under doctor: requiredSecrets: [OPENAI_API_KEY, ANTHROPIC_API_KEY]');
    expect(text).toMatch(/\d+\. Configure required secrets: doctor\.requiredSecrets: \[OPENAI_API_KEY, ANTHROPIC_API_KEY\] in triage\.config\.yml/);
  });
});
