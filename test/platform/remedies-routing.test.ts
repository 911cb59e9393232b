import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repeatRoutingReports } from '../../src/platform/simulator/remedies/routing-reports.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { byId, emitted, errorOf, newKey, stored, value } from './support.js';

/**
 * The routing group's operations on the simulator (src/platform/simulator/remedies/routing*.ts):
 * each changes the platform as its seed says and reports it as a real platform would, refuses a
 * state it does not apply to (409, invalid_state) and an unknown id (404, not_found).
 */
describe.each(oneDatabaseKind())('routing remedies on the simulator (%s)', (kind) => {
  let database: TestDatabase;
  let sim: Simulator;
  let sink: ReturnType<typeof emitted>;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sink = emitted();
    sim = await createSimulator({ database, emit: sink.emit });
  });
  afterEach(() => void sink.events.splice(0));
  afterAll(async () => {
    sim?.close();
    await database?.drop();
  });

  describe('retry storm', () => {
    const storm = (endpoint: string, breaker: string, extra: Record<string, unknown> = {}) => [
      stored('breaker.state', { breaker, state: 'closed', failureRate: 0.41 }),
      stored('endpoint.calls', { endpoint, callsPerMinute: 910, baselinePerMinute: 60, routine: 'daily-code-review', routineCallsPerMinute: 700, breaker, ...extra }),
    ];

    it("pauses the storming routine with the reason, and the endpoint's next sample drops by its calls", async () => {
      await sim.applyEvents(storm('anthropic:/v1/messages', 'anthropic-messages'));
      const paused = value(await sim.perform('pauseRoutine', 'daily-code-review', { reason: 'pause routine from console by James' }, newKey()));
      expect(paused.routine).toMatchObject({ id: 'daily-code-review', status: 'paused', pausedReason: 'pause routine from console by James' });
      expect(paused.calmed).toEqual([{ endpoint: 'anthropic:/v1/messages', callsPerMinute: 210, baselinePerMinute: 60 }]);
      expect(byId(value(await sim.listRoutines()), 'daily-code-review')).toMatchObject({ status: 'paused' });
      expect(sink.events.map((e) => [e.type, e.attributes])).toEqual([
        ['routine.paused', { routine: 'daily-code-review', reason: 'pause routine from console by James' }],
        ['endpoint.calls', { endpoint: 'anthropic:/v1/messages', callsPerMinute: 210, baselinePerMinute: 60, breaker: 'anthropic-messages' }],
      ]);
    });

    it('refuses to pause a routine already paused (409) or unknown (404), and a reason too short (400)', async () => {
      expect(errorOf(await sim.perform('pauseRoutine', 'daily-code-review', { reason: 'again please' }, newKey()))).toMatchObject({
        code: 'invalid_state',
        message: 'routine daily-code-review is already paused (pause routine from console by James)',
      });
      expect(errorOf(await sim.perform('pauseRoutine', 'no-such-routine', { reason: 'storming' }, newKey())).code).toBe('not_found');
      expect(errorOf(await sim.perform('pauseRoutine', 'weekly-dependency-audit', { reason: 'x' }, newKey())).code).toBe('invalid_input');
      expect(byId(value(await sim.listRoutines()), 'weekly-dependency-audit')?.status).toBe('active');
      expect(sink.events).toEqual([]);
    });

    it('opens the breaker guarding the endpoint: its callers fail fast, so no call reaches the endpoint', async () => {
      await sim.applyEvents(storm('openai:/v1/chat', 'openai-chat', { routine: 'nightly-data-sync' }));
      const opened = value(await sim.perform('openBreaker', 'openai-chat', {}, newKey()));
      expect(opened.breaker).toEqual({ id: 'openai-chat', partner: null, state: 'open', failureRate: 0.41 });
      expect(opened.calmed).toEqual([{ endpoint: 'openai:/v1/chat', callsPerMinute: 0, baselinePerMinute: 60 }]);
      expect(byId(value(await sim.listBreakers()), 'openai-chat')?.state).toBe('open');
      expect(sink.events.map((e) => [e.type, e.attributes])).toEqual([
        ['breaker.state', { breaker: 'openai-chat', state: 'open', failureRate: 0.41 }],
        ['endpoint.calls', { endpoint: 'openai:/v1/chat', callsPerMinute: 0, baselinePerMinute: 60, routine: 'nightly-data-sync', routineCallsPerMinute: 0, breaker: 'openai-chat' }],
      ]);
    });

    it('refuses to open a breaker already open (409) or unknown (404)', async () => {
      expect(errorOf(await sim.perform('openBreaker', 'openai-chat', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: 'circuit breaker openai-chat is already open' });
      expect(errorOf(await sim.perform('openBreaker', 'no-such-breaker', {}, newKey())).code).toBe('not_found');
      expect(sink.events).toEqual([]);
    });
  });

  describe('provider degraded', () => {
    const health = (provider: string, latencyMs: number, errorRate: number, status: string) => stored('provider.health', { provider, latencyMs, errorRate, status });

    it("routes a degraded provider's new work to the seed's backup, Anthropic, and reports where it goes", async () => {
      await sim.applyEvents([health('openai', 12_000, 0.08, 'degraded')]);
      const routed = value(await sim.perform('failoverProvider', 'openai', {}, newKey()));
      expect(routed).toEqual({ provider: 'openai', routedTo: 'anthropic', since: expect.any(String), previouslyRoutedTo: null });
      expect(sink.events.map((e) => [e.type, e.attributes])).toEqual([
        ['provider.health', { provider: 'openai', latencyMs: 12_000, errorRate: 0.08, status: 'degraded', routedTo: 'anthropic', routedSince: routed.since }],
      ]);
    });

    it('refuses a second failover (409), a healthy provider (409) and an unknown one (404)', async () => {
      expect(errorOf(await sim.perform('failoverProvider', 'openai', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/^new work of openai already goes to anthropic/) });
      expect(errorOf(await sim.perform('failoverProvider', 'ollama', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/^provider ollama is healthy \(connected, 310 ms/) });
      expect(errorOf(await sim.perform('failoverProvider', 'mistral', {}, newKey())).code).toBe('not_found');
      expect(sink.events).toEqual([]);
    });

    it('switches back only once the provider is healthy, and says where work had gone', async () => {
      expect(errorOf(await sim.perform('restoreProvider', 'openai', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/^provider openai is not healthy yet \(degraded.*its work stays on anthropic$/) });
      await sim.applyEvents([health('OpenAI', 900, 0.004, 'connected')]);
      expect(value(await sim.perform('restoreProvider', 'openai', {}, newKey()))).toEqual({ provider: 'openai', routedTo: null, since: null, previouslyRoutedTo: 'anthropic' });
      expect(sink.events.map((e) => e.attributes)).toEqual([{ provider: 'openai', latencyMs: 900, errorRate: 0.004, status: 'connected', routedTo: null, routedSince: null }]);
      expect(errorOf(await sim.perform('restoreProvider', 'openai', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/was not failed over$/) });
      expect(errorOf(await sim.perform('restoreProvider', 'mistral', {}, newKey())).code).toBe('not_found');
    });

    it('picks the healthiest other provider when the backup is the one degraded, and refuses when none is connected', async () => {
      await sim.applyEvents([health('anthropic', 1600, 0.41, 'degraded')]);
      expect(value(await sim.perform('failoverProvider', 'anthropic', {}, newKey())).routedTo).toBe('ollama');
      await sim.applyEvents([health('openai', 12_000, 0.2, 'degraded'), health('ollama', 0, 1, 'down')]);
      expect(errorOf(await sim.perform('failoverProvider', 'openai', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: 'no other provider is connected to take the new work of openai' });
    });
  });

  describe('partner trust low', () => {
    const score = (partner: string, value: number, extra: Record<string, unknown> = {}) =>
      stored('partner.trust_score', { partner, score: value, previousScore: 0.92, missingField: 'pickup_time', missingFieldRate: 0.85, ...extra });

    it('lowers the ceiling by one and sends every signal to human review, reporting the profile with the last score', async () => {
      await sim.applyEvents([score('P45678', 0.75, { autonomyCeiling: 3, requireHumanReview: false })]);
      const lowered = value(await sim.perform('lowerPartnerAutonomy', 'P45678', {}, newKey()));
      expect(lowered).toEqual({ partner: 'P45678', autonomyCeiling: 2, previousCeiling: 3, requireHumanReview: true, loweredAt: expect.any(String) });
      expect(sink.events.map((e) => [e.type, e.attributes])).toEqual([
        [
          'partner.trust_score',
          { partner: 'P45678', score: 0.75, previousScore: 0.92, missingField: 'pickup_time', missingFieldRate: 0.85, autonomyCeiling: 2, requireHumanReview: true, autonomyLoweredAt: lowered.loweredAt },
        ],
      ]);
    });

    it('refuses to lower it twice (409) and a partner never scored (404); never goes below tier 1', async () => {
      expect(errorOf(await sim.perform('lowerPartnerAutonomy', 'P45678', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/^partner P45678 is already at autonomy tier 2 with its signals under human review/) });
      expect(errorOf(await sim.perform('lowerPartnerAutonomy', 'P00000', {}, newKey())).code).toBe('not_found');
      await sim.applyEvents([score('P1', 0.7, { autonomyCeiling: 1 })]);
      expect(value(await sim.perform('lowerPartnerAutonomy', 'P1', {}, newKey()))).toMatchObject({ autonomyCeiling: 1, previousCeiling: 1, requireHumanReview: true });
    });

    it('repeats the profile of every partner under review and every failed-over provider, for the window that forgets', async () => {
      await sim.applyEvents([stored('provider.health', { provider: 'openai', latencyMs: 12_000, errorRate: 0.08, status: 'degraded' })]);
      await sim.applyEvents([stored('provider.health', { provider: 'anthropic', latencyMs: 800, errorRate: 0.01, status: 'connected' })]);
      value(await sim.perform('failoverProvider', 'openai', {}, newKey()));
      sink.events.splice(0);
      // Anthropic's new work still goes to Ollama, from the provider tests above.
      expect(await repeatRoutingReports({ database, now: () => new Date(), publish: sink.emit })).toBe(4);
      const about = (e: (typeof sink.events)[number]) => {
        const a = e.attributes as Record<string, unknown>;
        return a.partner ?? a.provider;
      };
      expect(sink.events.map((e) => [e.type, about(e)])).toEqual(
        expect.arrayContaining([
          ['partner.trust_score', 'P45678'],
          ['partner.trust_score', 'P1'],
          ['provider.health', 'openai'],
          ['provider.health', 'anthropic'],
        ]),
      );
      expect(sink.ofType('provider.health').find((e) => about(e) === 'openai')?.attributes).toMatchObject({ routedTo: 'anthropic', status: 'degraded' });
      expect(sink.ofType('partner.trust_score').map((e) => (e.attributes as Record<string, unknown>).requireHumanReview)).toEqual([true, true]);
    });

    it('restores one tier and ends the review; refuses a partner not under review (409)', async () => {
      const restored = value(await sim.perform('restorePartnerAutonomy', 'P45678', {}, newKey()));
      expect(restored).toEqual({ partner: 'P45678', autonomyCeiling: 3, previousCeiling: 2, requireHumanReview: false, loweredAt: null });
      expect(sink.events.map((e) => e.attributes)).toEqual([expect.objectContaining({ partner: 'P45678', autonomyCeiling: 3, requireHumanReview: false, autonomyLoweredAt: null })]);
      expect(errorOf(await sim.perform('restorePartnerAutonomy', 'P45678', {}, newKey()))).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/is not under human review \(autonomy tier 3\)/) });
      expect(errorOf(await sim.perform('restorePartnerAutonomy', 'P00000', {}, newKey())).code).toBe('not_found');
      // A later score report without the profile keeps it.
      await sim.applyEvents([stored('partner.trust_score', { partner: 'P45678', score: 0.93 })]);
      sink.events.splice(0);
      expect(value(await sim.perform('lowerPartnerAutonomy', 'P45678', {}, newKey()))).toMatchObject({ autonomyCeiling: 2, previousCeiling: 3 });
      expect(sink.events[0]?.attributes).toMatchObject({ score: 0.93 });
    });
  });
});
