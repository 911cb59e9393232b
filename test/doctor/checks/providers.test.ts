import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { providersCheck } from '../../../src/doctor/checks/providers.js';
import type { ProviderProbe } from '../../../src/doctor/config.js';
import { checkEvent } from '../../../src/events/envelope.js';
import type { TypedEvent } from '../../../src/events/vocabulary.js';
import { createEventWriter, type StoredEvent } from '../../../src/intake/event-writer.js';
import { findScenario } from '../../../src/platform/scenarios/index.js';
import { createSimulator, type Simulator } from '../../../src/platform/simulator/simulator.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';

const START = new Date('2026-05-03T15:19:00.000Z');
const ctx = (signal = new AbortController().signal) => ({ signal, now: START });
const SLOW_MS = 300;

/** A provider API on loopback: fast (401 without a key still counts), slow, broken, or silent. */
let server: Server;
let base = '';
let refusedUrl = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/fast') res.writeHead(401).end('{"error":"no key"}');
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end('ok'), SLOW_MS + 150);
    else if (req.url === '/broken') res.writeHead(503).end('upstream down');
    // '/hang' never answers: only the check's deadline ends the wait.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/v1/models`;
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const probe = (id: string, name: string, url: string, degradedAfterMs = SLOW_MS): ProviderProbe => ({ id, name, url, degradedAfterMs });

/** Typed events as the intake stores them; written to the events table and folded into the simulator. */
function asStored(events: TypedEvent[]): StoredEvent[] {
  return events.map((event, index) => {
    const checked = checkEvent(event, index);
    if (!checked.ok) throw new Error(`invalid event ${JSON.stringify(event)}`);
    return { ...checked.event, eventKey: checked.event.id! };
  });
}

describe.each(oneDatabaseKind())('provider health (%s)', (kind) => {
  let database: TestDatabase | undefined;
  let sim: Simulator | undefined;
  afterEach(async () => {
    sim?.close();
    await database?.drop();
  });

  const start = async (): Promise<{ platform: Simulator; db: TestDatabase }> => {
    database = await openTestDatabase(kind);
    sim = await createSimulator({ database, emit: async () => {}, now: () => START });
    return { platform: sim, db: database };
  };
  /** Stores events through the real intake writer; the simulator sees them only when asked to. */
  const store = async (db: TestDatabase, events: TypedEvent[], platform?: Simulator): Promise<void> => {
    const stored = asStored(events);
    await createEventWriter(db, { maxRowsPerFlush: 1000 }).write(stored);
    if (platform) await platform.applyEvents(stored);
  };

  it('passes with the seeded providers connected and configured probes answering fast', async () => {
    const { platform, db } = await start();
    const check = providersCheck({ platform, database: db, probes: [probe('anthropic', 'Anthropic', `${base}/fast`)] });
    expect(check).toMatchObject({ section: 'providers', name: 'Provider health' });
    expect(await check.run(ctx())).toEqual({ status: 'pass', summary: '3 providers connected', details: [], actions: [] });
  });

  it('with no probe configured and no provider on the platform, warns with the line to add, never fails', async () => {
    const { db } = await start();
    const none = { listProviders: async () => ({ ok: true as const, value: [] }), listLoops: async () => ({ ok: true as const, value: [] }) } as unknown as Simulator;
    const finding = await providersCheck({ platform: none, database: db, probes: [] }).run(ctx());
    expect(finding).toMatchObject({ status: 'warning', summary: 'no LLM providers configured' });
    expect(finding.details).toEqual(['add to triage.config.yml under doctor: providers: [{ id: openai, url: "https://api.openai.com/v1/models" }]']);
  });

  it('is PARTIAL when a probe is slow and another is refused, naming each with its reason', async () => {
    const { platform, db } = await start();
    const probes = [
      probe('anthropic', 'Anthropic', `${base}/fast`),
      probe('OPENAI', 'openai', `${base}/slow`),
      probe('ollama', 'Ollama', refusedUrl),
    ];
    const finding = await providersCheck({ platform, database: db, probes }).run(ctx());
    expect(finding.status).toBe('partial');
    expect(finding.summary).toBe('1 of 3 degraded, 1 down');
    expect(finding.details[0]).toBe('Anthropic: Connected ✅');
    expect(finding.details[1]).toMatch(/^OpenAI: Degraded \(slow response, 0\.\d s\) ⚠️$/);
    expect(finding.details[2]).toBe('Ollama: Down (connection refused) ❌');
    expect(finding.actions).toEqual([
      { kind: 'provider_degraded', text: 'Watch OpenAI; consider failing over', buttons: [] },
      { kind: 'provider_degraded', text: 'Watch Ollama; consider failing over', buttons: [] },
    ]);
  });

  it('fails when every provider is down, even though the platform still calls them connected', async () => {
    const { platform, db } = await start();
    const probes = [
      probe('anthropic', 'Anthropic', `${base}/broken`),
      probe('openai', 'OpenAI', refusedUrl),
      probe('ollama', 'Ollama', refusedUrl),
      probe('mistral', 'Mistral', refusedUrl),
    ];
    const finding = await providersCheck({ platform, database: db, probes }).run(ctx());
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('all 4 providers down');
    expect(finding.details).toEqual([
      'Anthropic: Down (HTTP 503) ❌',
      'OpenAI: Down (connection refused) ❌',
      'Ollama: Down (connection refused) ❌',
      'Mistral: Down (connection refused) ❌',
    ]);
  });

  it('stops waiting on a provider that never answers when the check\'s signal aborts', async () => {
    const { platform, db } = await start();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const began = Date.now();
    const probes = [probe('ollama', 'Ollama', `${base}/hang`, 10_000)];
    const finding = await providersCheck({ platform, database: db, probes }).run(ctx(controller.signal));
    // Well under the probe's own 10 s: the abort ended it, even on a loaded CI host.
    expect(Date.now() - began).toBeLessThan(8_000);
    expect(finding.details).toContain('Ollama: Down (timeout) ❌');
    expect(finding.status).toBe('partial');
  });

  it('reports the seed incident: OpenAI degraded with its error rate, and stuck loops to watch', async () => {
    const { platform, db } = await start();
    await store(db, findScenario('cascading-failure')!.build(START).map((s) => s.event), platform);
    const finding = await providersCheck({ platform, database: db, probes: [], now: () => START.getTime() }).run(ctx());
    expect(finding).toEqual({
      status: 'partial',
      summary: '1 of 3 degraded',
      details: ['Anthropic: Connected ✅', 'Ollama: Connected ✅', 'OpenAI: Degraded (slow response, 12.0 s, 8% errors) ⚠️'],
      actions: [{ kind: 'loops_stuck', text: 'Monitor for stuck loops (may auto-recover with provider fix)', buttons: [] }],
    });
  });

  it('takes the error rate from the last 15 minutes of provider.health events, not older ones', async () => {
    const { platform, db } = await start();
    const health = (minutesAgo: number, errorRate: number, id: string): TypedEvent => ({
      id,
      type: 'provider.health',
      source: 'test',
      occurredAt: new Date(START.getTime() - minutesAgo * 60_000).toISOString(),
      attributes: { provider: 'Anthropic', latencyMs: 800, errorRate },
    });
    // Not applied to the simulator: the platform still says 0.2% errors; only the events know.
    await store(db, [health(40, 0.9, 'old'), health(10, 0.2, 'a'), health(2, 0.1, 'b')]);
    const finding = await providersCheck({ platform, database: db, probes: [] }).run(ctx());
    expect(finding.status).toBe('pass');
    const withProbe = await providersCheck({ platform, database: db, probes: [probe('openai', 'OpenAI', refusedUrl)] }).run(ctx());
    expect(withProbe.details).toContain('Anthropic: Connected (15% errors) ✅');
  });
});
