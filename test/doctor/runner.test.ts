import { describe, expect, it } from 'vitest';
import type { DoctorCheck, Finding, Section } from '../../src/doctor/check.js';
import { countsOf, overallOf, planOf } from '../../src/doctor/plan.js';
import { runChecks, type CheckResult } from '../../src/doctor/runner.js';

const finding = (status: Finding['status'], extra: Partial<Finding> = {}): Finding => ({ status, details: [], actions: [], ...extra });
const check = (section: Section, run: DoctorCheck['run']): DoctorCheck => ({ section, name: section, run });
const after = <T>(ms: number, value: T, signal?: AbortSignal) =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => resolve(value), ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    });
  });

describe('Doctor runner', () => {
  it('runs checks in parallel: three 200 ms checks take about 200 ms, not 600', async () => {
    const checks = (['db', 'mcp', 'budget'] as const).map((s) => check(s, () => after(200, finding('pass'))));
    const started = Date.now();
    const results = await runChecks(checks, { timeoutMs: 2_000 });
    expect(Date.now() - started).toBeLessThan(450);
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('reports a hung check as TIMEOUT at its deadline, aborts its signal, and keeps the others', async () => {
    let abortedSeen = false;
    const hung = check('mcp', ({ signal }) => {
      signal.addEventListener('abort', () => (abortedSeen = true));
      return new Promise<Finding>(() => {});
    });
    const started = Date.now();
    const results = await runChecks([check('db', async () => finding('pass')), hung], { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(800);
    expect(results[0]!.status).toBe('pass');
    expect(results[1]).toMatchObject({ status: 'timeout', summary: 'no answer within 0.3 s' });
    expect(abortedSeen).toBe(true);
  });

  it('turns a throwing check into FAIL with its reason, synchronous throws included', async () => {
    const results = await runChecks(
      [
        check('db', async () => {
          throw new Error('relation "x" does not exist');
        }),
        check('budget', () => {
          throw new TypeError('boom');
        }),
      ],
      { timeoutMs: 1_000 },
    );
    expect(results[0]).toMatchObject({ status: 'fail', summary: 'the check itself failed: relation "x" does not exist' });
    expect(results[1]).toMatchObject({ status: 'fail', summary: 'the check itself failed: boom' });
  });
});

describe('Doctor overall status and plan', () => {
  const result = (status: Finding['status'] | 'timeout', actions: Finding['actions'] = []): CheckResult => ({
    section: 'db',
    name: 'x',
    status,
    details: [],
    actions,
    durationMs: 1,
  });

  it('is CRITICAL with any FAIL, WARNING with warnings, timeouts or partials, else HEALTHY', () => {
    expect(overallOf([result('pass'), result('fail'), result('warning')])).toBe('CRITICAL');
    expect(overallOf([result('pass'), result('timeout')])).toBe('WARNING');
    expect(overallOf([result('pass'), result('partial')])).toBe('WARNING');
    expect(overallOf([result('pass'), result('pass')])).toBe('HEALTHY');
    expect(countsOf([result('fail'), result('warning'), result('warning'), result('pass')])).toBe('1 fail, 2 warnings');
    expect(countsOf([result('pass'), result('pass')])).toBe('2 passed');
  });

  it('orders actions by the catalog rank, not by the order the checks listed them', () => {
    const ranks: Record<string, number> = { loops_stuck: 50, mcp_pool_exhausted: 10, runtime_unreachable: 20, routine_budget_exhausted: 40 };
    const plan = planOf(
      [
        result('partial', [{ kind: 'loops_stuck', text: 'Monitor stuck loops', buttons: [] }]),
        result('warning', [{ kind: 'routine_budget_exhausted', text: 'Resolve budget', buttons: [] }]),
        result('warning', [{ kind: 'runtime_unreachable', text: 'Restart runtimes', buttons: [] }]),
        result('fail', [{ kind: 'mcp_pool_exhausted', text: 'Fix MCP', buttons: [] }]),
        result('warning', [{ kind: 'not_in_catalog', text: 'Something else', buttons: [] }]),
      ],
      (k) => ranks[k],
    );
    expect(plan.map((s) => s.text)).toEqual(['Fix MCP', 'Restart runtimes', 'Resolve budget', 'Monitor stuck loops', 'Something else']);
  });
});
