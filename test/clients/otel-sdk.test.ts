import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@opentelemetry/semantic-conventions/incubating';
import { count, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../src/db/schema/events.js';
import { genaiRollups } from '../../src/db/schema/signals.js';
import { GENAI_SIGNALS_JOB } from '../../src/genai/job.js';
import { oneDatabaseKind } from '../support/databases.js';
import { TEST_TOKEN } from '../support/triage.js';
import { eventually, outboxSettled } from '../chat/support/drive.js';
import { PEOPLE, startFixFixture, type FixFixture } from '../e2e/support/fix-from-card.js';

/**
 * Issue 17's acceptance, with the real client: the OpenTelemetry JS SDK exporting GenAI spans
 * (semantic conventions, gen_ai.*) to Triage's /v1/traces, over OTLP/HTTP in JSON and in
 * protobuf, as an instrumented agent does. One provider failing 30% of its calls raises one
 * provider_degraded card naming it and the healthy provider beside it; the healthy one raises
 * none; the spans are folded into rollups, never stored one event each.
 */
const EXPORTERS = [
  { encoding: 'http/json', exporter: (url: string, headers: Record<string, string>) => new OtlpJsonExporter({ url, headers }) },
  { encoding: 'http/protobuf', exporter: (url: string, headers: Record<string, string>) => new OtlpProtobufExporter({ url, headers }) },
] as const;

const CALLS = 40;
const FAILED_OPENAI_CALLS = 12; // 30%: over the seeds' 10% failover trigger (src/genai/config.ts).

/** The SDK's exporter, keeping each export's outcome: a refused export must fail the test, not just log. */
function recording(inner: SpanExporter): SpanExporter & { outcomes: Array<{ spans: number; error?: Error }> } {
  const outcomes: Array<{ spans: number; error?: Error }> = [];
  return {
    outcomes,
    export: (spans: ReadableSpan[], done) =>
      inner.export(spans, (result) => {
        outcomes.push({ spans: spans.length, ...(result.error ? { error: result.error } : {}) });
        done(result);
      }),
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

/**
 * One agent's chat calls, instrumented as the GenAI semantic conventions say, ended 90 s ago and
 * earlier: a minute the derivation (src/genai/window.ts, 10 s settle) already judges, so the
 * test need not wait for a minute to end.
 */
function recordChatCalls(provider: BasicTracerProvider, vendor: string, model: string, failed: number): void {
  const tracer = provider.getTracer('agent-llm-client', '1.0.0');
  const endedBy = Date.now() - 90_000;
  for (let i = 0; i < CALLS; i++) {
    const end = endedBy - i * 500;
    const span = tracer.startSpan(`chat ${model}`, {
      kind: SpanKind.CLIENT,
      startTime: new Date(end - 800),
      attributes: {
        [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
        [ATTR_GEN_AI_PROVIDER_NAME]: vendor,
        [ATTR_GEN_AI_REQUEST_MODEL]: model,
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 1_200,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 300,
      },
    });
    if (i < failed) {
      span.setAttribute(ATTR_ERROR_TYPE, '429');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'Rate limit reached for requests' });
    }
    span.end(new Date(end));
  }
}

describe.each(oneDatabaseKind())('the OpenTelemetry JS SDK exporting GenAI spans on %s', (kind) => {
  describe.each(EXPORTERS)('over OTLP $encoding', ({ exporter }) => {
    let fx: FixFixture;
    beforeAll(async () => {
      fx = await startFixFixture(kind, '');
    }, 60_000);
    afterAll(async () => fx?.close());

    const eventRows = async (): Promise<number> => (await fx.triage.testDatabase.db.select({ n: count() }).from(events))[0]!.n;

    it('a provider failing 30% of 40 calls is one card naming it, its error rate and the healthy provider; spans become rollups, not events', async () => {
      const eventsBefore = await eventRows();
      const sent = recording(exporter(`${fx.triage.url}/v1/traces`, { Authorization: `Bearer ${TEST_TOKEN}` }));
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'support-agent' }),
        spanProcessors: [new BatchSpanProcessor(sent)],
      });
      recordChatCalls(provider, 'openai', 'gpt-4o', FAILED_OPENAI_CALLS);
      recordChatCalls(provider, 'anthropic', 'claude-sonnet-4', 0);
      await provider.shutdown(); // flushes the batch: one export request, answered before it returns
      expect(sent.outcomes).toEqual([{ spans: 2 * CALLS }]);

      // Folded before the answer: one row per provider and minute, counts summed.
      const rollups = await fx.triage.testDatabase.db.select().from(genaiRollups).where(eq(genaiRollups.dimension, 'provider'));
      const byProvider = (name: string) => rollups.filter((r) => r.key === name).reduce((s, r) => ({ calls: s.calls + r.calls, errors: s.errors + r.errors }), { calls: 0, errors: 0 });
      expect(byProvider('openai')).toEqual({ calls: CALLS, errors: FAILED_OPENAI_CALLS });
      expect(byProvider('anthropic')).toEqual({ calls: CALLS, errors: 0 });

      // The leader's job, run now instead of at its next 15 s tick (src/genai/job.ts). Its own
      // timer may hold the job (busy) or have taken this second (taken): then the next try runs.
      let ran: Awaited<ReturnType<typeof fx.triage.scheduler.tick>> | undefined;
      await eventually(async () => (ran = await fx.triage.scheduler.tick(GENAI_SIGNALS_JOB)).outcome === 'ran', 5_000);
      expect(ran).toEqual({ outcome: 'ran', ok: true });
      await fx.triage.writer.drain();
      await fx.triage.evaluator.idle();
      await eventually(outboxSettled(fx.triage.outbox), 10_000);

      const card = await fx.card(/^Provider openai degraded$/);
      expect(card.card.severity).toBe('warning');
      expect(card.card.text).toMatch(/^Provider openai degraded \(error rate 30%\)\./);
      expect(card.card.fields).toEqual(
        expect.arrayContaining([
          { label: 'Error rate', value: '30%' },
          { label: 'Healthy in the same window', value: 'anthropic' },
        ]),
      );
      const cards = (await fx.api.messages(PEOPLE.responder)).filter((m) => m.threadOf === null);
      expect(cards.filter((m) => /openai/.test(m.card.title)), 'one card for openai').toHaveLength(1);
      expect(cards.filter((m) => /anthropic/i.test(m.card.title)), 'none for the healthy provider').toEqual([]);

      // The event log gained the derived signals only, no row per span: one provider.health per
      // provider and window judged (the job's own 15 s ticks may judge a second window meanwhile).
      const derived = await fx.triage.testDatabase.db.select({ type: events.type, key: events.eventKey }).from(events).where(like(events.eventKey, 'otlp:%'));
      expect(new Set(derived.map((e) => e.type))).toEqual(new Set(['provider.health']));
      expect(await eventRows()).toBe(eventsBefore + derived.length);
      expect(derived.length).toBeLessThanOrEqual(4);
    });
  });
});
