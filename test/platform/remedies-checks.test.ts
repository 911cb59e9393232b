import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpPlatform } from '../../src/platform/http-client.js';
import { platformRoutes } from '../../src/platform/rest-routes.js';
import { PROBE_MIN_INTERVAL_MS } from '../../src/platform/simulator/remedies/checks.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { routesListener, serve, type TestServer } from './http-server.js';
import { emitted, errorOf, newKey, stored, value } from './support.js';

const TOKEN = 'checks-token-5e2a';
const START = Date.parse('2026-05-03T15:00:00.000Z');
const MINUTE = 60_000;

/**
 * The checks group's operations on the simulator (src/platform/simulator/remedies/checks.ts):
 * probes re-run against what they depend on, and the trace-replay suite's two fixes (playbook
 * scenario 6), each refusing what does not apply (409) and what it does not know (404).
 */
describe.each(oneDatabaseKind())('the checks operations on the simulator (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let server: TestServer;
  let clock = START;
  const events = emitted();
  const at = (msAgo: number) => new Date(clock - msAgo).toISOString();
  const later = (ms: number) => {
    clock += ms;
  };
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sim = await createSimulator({ database, emit: events.emit, now: () => new Date(clock) });
    server = await serve(routesListener(platformRoutes(sim, { token: TOKEN })));
    await sim.applyEvents([
      stored('provider.health', { provider: 'openai', latencyMs: 11_800, errorRate: 0.03, status: 'degraded' }, at(9 * MINUTE)),
      stored('probe.result', { probe: 'known-answer:agent', layer: 'L3', input: 'What is 2 + 2?', expected: '4', provider: 'openai', ok: true, status: 'ok', output: '4' }, at(20 * MINUTE)),
      stored('probe.result', { probe: 'known-answer:agent', ok: false, status: 'timeout', detail: 'no answer within 10 s' }, at(6 * MINUTE)),
      stored('credential.expiry', { credential: 'jira-api-token', expiresAt: at(5 * MINUTE), owner: 'omar' }, at(15 * MINUTE)),
      stored('probe.result', { probe: 'tickets:jira', credential: 'jira-api-token', ok: false, detail: '401 Unauthorized: token expired' }, at(2 * MINUTE)),
      stored('trace.replay', { suite: 'production-traces', passRate: 1, baselinePassRate: 1, commit: '9f8e7d6' }, at(60 * MINUTE)),
      stored('trace.replay', { suite: 'production-traces', passRate: 0.96, baselinePassRate: 1, commit: 'a1b2c3d', failingTraces: ['trace-12345'] }, at(5 * MINUTE)),
      stored('trace.replay', { suite: 'nightly-traces', passRate: 0.9, baselinePassRate: 1, commit: 'b2c3d4e', failingTraces: ['trace-777'] }, at(5 * MINUTE)),
      stored('trace.replay', { suite: 'no-commit-traces', passRate: 0.9, baselinePassRate: 1, failingTraces: ['trace-1'] }, at(5 * MINUTE)),
      stored('trace.replay', { suite: 'unnamed-traces', passRate: 0.9, baselinePassRate: 1, commit: 'c3d4e5f' }, at(5 * MINUTE)),
    ]);
  });
  afterAll(async () => {
    sim?.close();
    await server?.close();
    await database?.drop();
  });

  describe('rerunProbe', () => {
    it('runs the probe again: while its provider is slow it times out again, and the run is reported', async () => {
      const run = value(await sim.perform('rerunProbe', 'known-answer:agent', {}, newKey()));
      expect(run).toMatchObject({ probe: 'known-answer:agent', ok: false, status: 'timeout', layer: 'L3', input: 'What is 2 + 2?', expected: '4', output: null, detail: 'no answer within 10 s' });
      expect(events.ofType('probe.result').at(-1)).toMatchObject({ occurredAt: new Date(clock).toISOString(), attributes: { probe: 'known-answer:agent', ok: false, status: 'timeout', provider: 'openai' } });
    });

    it('refuses to run a probe again within its minimum interval (409), and runs it after', async () => {
      later(PROBE_MIN_INTERVAL_MS - 1_000);
      expect(errorOf(await sim.perform('rerunProbe', 'known-answer:agent', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/ran 9 s ago; it runs at most once every 10 s/) });
      later(1_000);
      expect(value(await sim.perform('rerunProbe', 'known-answer:agent', {}, newKey())).ok).toBe(false);
    });

    it('passes with the expected answer once the provider it depends on is connected again', async () => {
      await sim.applyEvents([stored('provider.health', { provider: 'openai', latencyMs: 900, errorRate: 0.004, status: 'connected' }, at(1_000))]);
      later(PROBE_MIN_INTERVAL_MS);
      const run = value(await sim.perform('rerunProbe', 'known-answer:agent', {}, newKey()));
      expect(run).toMatchObject({ ok: true, status: 'ok', output: '4', expected: '4', detail: 'provider openai is connected' });
      expect(events.ofType('probe.result').at(-1)!.attributes).toMatchObject({ probe: 'known-answer:agent', ok: true, output: '4' });
    });

    it('follows the credential a probe uses: 401 again while expired, a pass once it is rotated', async () => {
      expect(value(await sim.perform('rerunProbe', 'tickets:jira', {}, newKey()))).toMatchObject({ ok: false, detail: '401 Unauthorized: token expired' });
      await sim.applyEvents([stored('credential.expiry', { credential: 'jira-api-token', expiresAt: new Date(clock + 90 * 24 * 60 * MINUTE).toISOString() }, at(1_000))]);
      later(PROBE_MIN_INTERVAL_MS);
      expect(value(await sim.perform('rerunProbe', 'tickets:jira', {}, newKey()))).toMatchObject({ ok: true, status: 'ok', detail: expect.stringMatching(/^credential jira-api-token valid until/) });
    });

    it('answers 404 for a probe nobody reported', async () => {
      expect(errorOf(await sim.perform('rerunProbe', 'no-such-probe', {}, newKey()))).toMatchObject({ code: 'not_found', message: 'no probe no-such-probe is known' });
    });
  });

  describe('revertChange and refreshTraceFixture', () => {
    it('reverts the commit that regressed the suite: the next replay passes at the baseline', async () => {
      const reverted = value(await sim.perform('revertChange', 'production-traces', {}, newKey()));
      expect(reverted).toMatchObject({ suite: 'production-traces', revertedCommit: 'a1b2c3d', fixedTraces: ['trace-12345'], passRate: 1, baselinePassRate: 1 });
      expect(reverted.commit).toMatch(/^[0-9a-f]{7}$/);
      expect(events.ofType('trace.replay').at(-1)!.attributes).toEqual({
        suite: 'production-traces',
        passRate: 1,
        baselinePassRate: 1,
        commit: reverted.commit,
        failingTraces: [],
        detail: 'replayed after reverting a1b2c3d',
      });
    });

    it('refuses both fixes on a suite at its baseline (409): there is nothing to fix', async () => {
      for (const name of ['revertChange', 'refreshTraceFixture'] as const) {
        expect(errorOf(await sim.perform(name, 'production-traces', {}, newKey()))).toMatchObject({
          code: 'invalid_state',
          message: 'suite production-traces passes at its baseline (100%): there is no regression to fix',
        });
      }
    });

    it('refreshes the failing traces\' fixtures at the same commit when the change was intended', async () => {
      const refreshed = value(await sim.perform('refreshTraceFixture', 'nightly-traces', {}, newKey()));
      expect(refreshed).toEqual({ suite: 'nightly-traces', passRate: 1, baselinePassRate: 1, commit: 'b2c3d4e', refreshedTraces: ['trace-777'] });
      expect(events.ofType('trace.replay').at(-1)!.attributes).toMatchObject({ suite: 'nightly-traces', passRate: 1, commit: 'b2c3d4e', failingTraces: [], detail: 'fixtures refreshed: trace-777' });
    });

    it('refuses a revert without a commit and a refresh without a failing trace (409), and unknown suites (404)', async () => {
      expect(errorOf(await sim.perform('revertChange', 'no-commit-traces', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('names no commit') });
      expect(errorOf(await sim.perform('refreshTraceFixture', 'unnamed-traces', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('names no failing trace') });
      for (const name of ['revertChange', 'refreshTraceFixture'] as const) {
        expect(errorOf(await sim.perform(name, 'no-such-suite', {}, newKey()))).toMatchObject({ code: 'not_found', message: 'no trace replay is known for suite no-such-suite' });
      }
    });
  });

  describe('over HTTP', () => {
    it('answers a repeat of one Idempotency-Key from the record: the suite is reverted once', async () => {
      await sim.applyEvents([stored('trace.replay', { suite: 'http-traces', passRate: 0.5, baselinePassRate: 1, commit: 'd4e5f60', failingTraces: ['trace-9'] }, at(1_000))]);
      const platform = createHttpPlatform({ baseUrl: server.url, token: TOKEN });
      const call = { idempotencyKey: 'triage-action-revert-http-1' };
      const replays = events.ofType('trace.replay').length;
      const first = value(await platform.perform('revertChange', 'http-traces', {}, call));
      expect(first).toMatchObject({ suite: 'http-traces', revertedCommit: 'd4e5f60', passRate: 1 });
      expect(await platform.perform('revertChange', 'http-traces', {}, call)).toEqual({ ok: true, value: first });
      expect(events.ofType('trace.replay').length).toBe(replays + 1);
    });

    it('maps 404 and 409 to the port\'s codes, and refuses a body the operation does not take (400)', async () => {
      const platform = createHttpPlatform({ baseUrl: server.url, token: TOKEN });
      expect(errorOf(await platform.perform('rerunProbe', 'nobody', {}, { idempotencyKey: 'triage-action-probe-http-1' })).code).toBe('not_found');
      expect(errorOf(await platform.perform('refreshTraceFixture', 'http-traces', {}, { idempotencyKey: 'triage-action-fixture-http-1' })).code).toBe('invalid_state');
      const res = await fetch(`${server.url}/platform/suites/http-traces/revert`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': 'triage-action-revert-http-2' },
        body: JSON.stringify({ commit: 'd4e5f60' }),
      });
      expect(res.status).toBe(400);
    });
  });
});
