import fc from 'fast-check';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY } from '../../src/platform/port.js';
import { BudgetOverrideBody, CancelLoopBody, RestartWorkerBody, RetryTaskBody, SkipTaskBody } from '../../src/platform/rest-routes.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';
import { anyText, bodyNear, headerText, mutated, ROUTE_RUNS } from './arbitraries.js';
import { answerOf, changed, expectRefusal, rowCounts, segment, type RowCounts } from './http.js';

/**
 * The simulator's REST face (docs/platform-api.md), served by a real Triage with the ingest token
 * as bearer: every action route gets garbage ids, bodies and Idempotency-Keys, and answers each
 * with a 4xx that says why. Bodies that would act on a real target are left out, so nothing may
 * be written; a valid body on a made-up target must be a 404, not an action.
 */
type ActionRoute = { path: string; list: string; valid: unknown; schema?: z.ZodType };
const ROUTES: ActionRoute[] = [
  { path: 'runtimes/:id/restart', list: 'runtimes', valid: {} },
  { path: 'loops/:id/cancel', list: 'loops', valid: { reason: 'stuck for an hour' }, schema: CancelLoopBody },
  { path: 'routines/:id/budget-override', list: 'routines', valid: { amountUsd: 5 }, schema: BudgetOverrideBody },
  { path: 'mcp-servers/:id/restart', list: 'mcp-servers', valid: {} },
  { path: 'breakers/:id/reset', list: 'breakers', valid: {} },
  { path: 'tasks/:id/retry', list: 'tasks', valid: { timeoutSeconds: 600 }, schema: RetryTaskBody },
  { path: 'tasks/:id/skip', list: 'tasks', valid: { reason: 'not needed' }, schema: SkipTaskBody },
  { path: 'workers/:id/restart', list: 'workers', valid: { force: true }, schema: RestartWorkerBody },
];

/** Whether the simulator would take this body for this route (an empty body is `{}`). */
function accepts(route: ActionRoute, raw: string, contentType: string | undefined): boolean {
  if (raw !== '' && contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/json') return false;
  let value: unknown = {};
  try {
    if (raw !== '') value = JSON.parse(raw);
  } catch {
    return false;
  }
  if (!route.schema) return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
  return route.schema.safeParse(value).success;
}

describe('platform routes under hostile requests', () => {
  let triage: TestTriage;
  let before: RowCounts;
  const ids = new Map<string, string[]>();
  beforeAll(async () => {
    triage = await startTestTriage('pglite');
    for (const list of new Set(ROUTES.map((r) => r.list))) {
      const res = await fetch(`${triage.url}/platform/${list}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      ids.set(list, ((await res.json()) as { items: Array<{ id: string }> }).items.map((i) => i.id));
    }
    before = await rowCounts(triage.database);
  });
  afterAll(() => triage?.close());

  const key = fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._:-]{8,40}$/) },
    { weight: 3, arbitrary: headerText },
  );
  const contentType = fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', undefined);
  const auth = fc.oneof({ weight: 9, arbitrary: fc.constant(`Bearer ${TEST_TOKEN}`) }, { weight: 1, arbitrary: fc.oneof(headerText, fc.constantFrom(`Bearer ${TEST_TOKEN}x`, TEST_TOKEN, `Basic ${TEST_TOKEN}`)) });

  it.each(ROUTES.map((r) => [r.path, r] as const))(`POST /platform/%s: ${ROUTE_RUNS} hostile requests each get a 4xx with a reason`, async (_path, route) => {
    const real = ids.get(route.list) ?? [];
    expect(real.length, `the seed workspace has ${route.list}`).toBeGreaterThan(0);
    const id = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...real) },
      { weight: 3, arbitrary: fc.constantFrom(...real).chain(mutated) },
      { weight: 2, arbitrary: anyText.filter((t) => t !== '') },
    );
    // Valid bodies too: on a made-up target they must reach the platform and come back 404.
    const body = fc.oneof({ weight: 4, arbitrary: bodyNear(route.valid) }, { weight: 2, arbitrary: fc.constant(JSON.stringify(route.valid)) }, { weight: 1, arbitrary: fc.constant('') });
    await fc.assert(
      fc.asyncProperty(id, body, key, contentType, auth, async (target, raw, idempotencyKey, type, authorization) => {
        const authorised = authorization === `Bearer ${TEST_TOKEN}`;
        const keyOk = idempotencyKey === undefined || IDEMPOTENCY_KEY.safeParse(idempotencyKey).success;
        // What would really act is left out: this test is about what must not.
        fc.pre(!(authorised && keyOk && real.includes(target) && accepts(route, raw, type)));
        const headers: Record<string, string> = { authorization };
        if (type) headers['content-type'] = type;
        if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
        const path = `/platform/${route.path.replace(':id', segment(target))}`;
        const answer = await answerOf(await fetch(triage.url + path, { method: 'POST', headers, body: raw }));
        expectRefusal(answer, `POST ${path} ${raw}`);
      }),
      { numRuns: ROUTE_RUNS },
    );
  }, 120_000);

  // Found by this suite (fast-check seed 436625168): a NUL reached the simulator's UPDATE and the
  // answer was a 503 quoting the failed SQL.
  it('a NUL in a body is refused with a 400 that says why', async () => {
    const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
    const answer = await answerOf(await fetch(`${triage.url}/platform/loops/loop-404/cancel`, { method: 'POST', headers, body: '{"reason":"\\u0000"}' }));
    expectRefusal(answer, 'a NUL in the reason');
  });

  it('wrote nothing for any of them', async () => {
    expect(changed(before, await rowCounts(triage.database))).toEqual({});
  });
});
