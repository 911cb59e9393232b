import type { AnyValueJson, KeyValueJson, ResourceSpansJson, SpanJson, TracesJson } from './encode.js';

/** 2026-01-01T00:00:00Z in nanoseconds, as OTLP/JSON writes a fixed64. */
export const T0_MS = Date.UTC(2026, 0, 1);
export const nanos = (ms: number, extraNs = 0): string => (BigInt(ms) * 1_000_000n + BigInt(extraNs)).toString();

export const str = (key: string, stringValue: string): KeyValueJson => ({ key, value: { stringValue } });
export const int = (key: string, value: number | string): KeyValueJson => ({ key, value: { intValue: String(value) } });
export const any = (key: string, value: AnyValueJson): KeyValueJson => ({ key, value });

let nextId = 1;
const id = (bytes: number) => (nextId++).toString(16).padStart(bytes * 2, '0');

/** A span as an SDK sends it, with ids, a name and kind around the attributes a test cares about. */
export function span(attributes: KeyValueJson[], options: { startMs?: number; durationMs?: number; status?: SpanJson['status']; extra?: Partial<SpanJson> } = {}): SpanJson {
  const startMs = options.startMs ?? T0_MS;
  return {
    traceId: id(16),
    spanId: id(8),
    name: 'span',
    kind: 3,
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(startMs + (options.durationMs ?? 100)),
    attributes,
    ...(options.status ? { status: options.status } : {}),
    ...options.extra,
  };
}

export const resource = (service: string, spans: SpanJson[]): ResourceSpansJson => ({
  resource: { attributes: [str('service.name', service), str('telemetry.sdk.language', 'nodejs'), str('telemetry.sdk.name', 'opentelemetry')] },
  scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-genai', version: '0.1.0' }, spans }],
});

/**
 * A chat call as current instrumentations emit it (GenAI semconv 1.37+): the attributes Triage
 * reads, plus the ones it skips, content included, so the decoder does realistic work.
 */
export function typicalChatSpan(i: number, startMs = T0_MS + i): SpanJson {
  return span(
    [
      str('gen_ai.operation.name', 'chat'),
      str('gen_ai.provider.name', i % 3 === 0 ? 'anthropic' : 'openai'),
      str('gen_ai.request.model', i % 3 === 0 ? 'claude-sonnet-4' : 'gpt-4o'),
      str('gen_ai.response.model', i % 3 === 0 ? 'claude-sonnet-4-20250514' : 'gpt-4o-2024-08-06'),
      str('gen_ai.response.id', `chatcmpl-${i.toString(36)}abcdefghijklmnop`),
      any('gen_ai.request.temperature', { doubleValue: 0.2 }),
      int('gen_ai.request.max_tokens', 1024),
      any('gen_ai.response.finish_reasons', { arrayValue: { values: [{ stringValue: 'stop' }] } }),
      int('gen_ai.usage.input_tokens', 1200 + (i % 50)),
      int('gen_ai.usage.output_tokens', 300 + (i % 20)),
      str('gen_ai.agent.name', 'support-agent'),
      str('gen_ai.conversation.id', `conv-${i % 100}`),
      str('server.address', 'api.openai.com'),
      int('server.port', 443),
      str('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Summarise the incident timeline for INC-42 please.' }] }])),
    ],
    { startMs, durationMs: 800 + (i % 400), extra: { name: 'chat gpt-4o', events: [{ timeUnixNano: nanos(startMs + 5), name: 'gen_ai.content.prompt' }] } },
  );
}

export const typicalRequest = (spans: number): TracesJson => ({
  resourceSpans: [resource('support-agent', Array.from({ length: spans }, (_, i) => typicalChatSpan(i)))],
});
