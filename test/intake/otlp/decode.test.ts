import { describe, expect, it } from 'vitest';
import { decodeTracesJson } from '../../../src/intake/otlp/decode-json.js';
import { decodeTracesProtobuf } from '../../../src/intake/otlp/decode-protobuf.js';
import type { TraceDecode } from '../../../src/intake/otlp/traces.js';
import { encodeTraces, type TracesJson } from './encode.js';
import { any, int, nanos, resource, span, str, T0_MS, typicalRequest } from './fixtures.js';

/** The same request through both decoders: the answers must be identical. */
function decodeBoth(request: TracesJson): TraceDecode {
  const json = decodeTracesJson(JSON.stringify(request));
  const protobuf = decodeTracesProtobuf(encodeTraces(request));
  expect(protobuf).toEqual(json);
  expect(decodeTracesProtobuf(encodeTraces(request, { reversed: true }))).toEqual(json);
  return json;
}

const mixed: TracesJson = {
  resourceSpans: [
    resource('support-agent', [
      span(
        [
          str('gen_ai.operation.name', 'chat'), str('gen_ai.provider.name', 'openai'), str('gen_ai.request.model', 'gpt-4o'),
          str('gen_ai.response.model', 'gpt-4o-2024-08-06'), int('gen_ai.usage.input_tokens', 1200), int('gen_ai.usage.output_tokens', 300),
          str('gen_ai.conversation.id', 'conv-1'), str('gen_ai.agent.name', 'helper'), str('server.address', 'api.openai.com'),
          str('gen_ai.input.messages', 'x'.repeat(5000)), any('gen_ai.response.finish_reasons', { arrayValue: { values: [{ stringValue: 'stop' }] } }),
        ],
        { extra: { startTimeUnixNano: '1767225600123456789', endTimeUnixNano: '1767225601358024680' } },
      ),
      span([str('gen_ai.operation.name', 'chat'), str('gen_ai.provider.name', 'anthropic'), str('error.type', 'timeout')], { status: { code: 2, message: 'deadline exceeded' } }),
      span([str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', 'query'), str('mcp.method.name', 'tools/call'), str('server.address', 'db-mcp.internal')], { status: { code: 2, message: 'pool exhausted' } }),
      span([str('http.request.method', 'GET'), str('server.address', 'example.com')]),
      span([str('gen_ai.system', 'openai'), int('gen_ai.usage.prompt_tokens', 10), int('gen_ai.usage.completion_tokens', 5)]),
      span([str('gen_ai.operation.name', 'invoke_agent'), str('gen_ai.agent.name', 'planner')], { status: { code: 2 } }),
    ]),
    resource('rag-service', [
      span([str('openinference.span.kind', 'LLM'), str('llm.provider', 'openai'), str('llm.model_name', 'gpt-4o-mini'), int('llm.token_count.prompt', 50), int('llm.token_count.completion', 7), str('session.id', 's-9')]),
      span([str('openinference.span.kind', 'TOOL'), str('tool.name', 'search'), str('mcp.server.name', 'web-search')]),
      span([str('openinference.span.kind', 'CHAIN'), str('input.value', 'hello')]),
      span([str('openinference.span.kind', 'RETRIEVER'), str('llm.model_name', 'text-embedding-3-small')]),
      span([str('openinference.span.kind', 'EMBEDDING'), str('llm.system', 'openai'), str('agent.name', 'indexer')]),
      span([str('gen_ai.operation.name', 'rerank'), str('gen_ai.provider.name', 'cohere')]),
    ]),
  ],
};

describe('OTLP trace decoding (protobuf and JSON alike)', () => {
  it('turns GenAI and OpenInference spans into calls and passes over the others', () => {
    const decoded = decodeBoth(mixed);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded).toMatchObject({ spans: 12, rejected: 0 });
    expect(decoded.rejectedReason).toBeUndefined();
    const end = (ms: number) => T0_MS + ms;
    expect(decoded.calls).toEqual([
      { operation: 'chat', provider: 'openai', model: 'gpt-4o', agent: 'helper', service: 'support-agent', conversation: 'conv-1', inputTokens: 1200, outputTokens: 300, durationMs: 1234.567891, endedAtMs: 1767225601358 },
      { operation: 'chat', provider: 'anthropic', service: 'support-agent', inputTokens: 0, outputTokens: 0, durationMs: 100, error: 'timeout', endedAtMs: end(100) },
      { operation: 'execute_tool', service: 'support-agent', tool: 'query', mcpServer: 'db-mcp.internal', inputTokens: 0, outputTokens: 0, durationMs: 100, error: 'pool exhausted', endedAtMs: end(100) },
      { operation: 'chat', provider: 'openai', service: 'support-agent', inputTokens: 10, outputTokens: 5, durationMs: 100, endedAtMs: end(100) },
      { operation: 'invoke_agent', agent: 'planner', service: 'support-agent', inputTokens: 0, outputTokens: 0, durationMs: 100, error: 'error', endedAtMs: end(100) },
      { operation: 'chat', provider: 'openai', model: 'gpt-4o-mini', service: 'rag-service', conversation: 's-9', inputTokens: 50, outputTokens: 7, durationMs: 100, endedAtMs: end(100) },
      { operation: 'execute_tool', tool: 'search', mcpServer: 'web-search', service: 'rag-service', inputTokens: 0, outputTokens: 0, durationMs: 100, endedAtMs: end(100) },
      { operation: 'other', model: 'text-embedding-3-small', service: 'rag-service', inputTokens: 0, outputTokens: 0, durationMs: 100, endedAtMs: end(100) },
      { operation: 'embeddings', provider: 'openai', agent: 'indexer', service: 'rag-service', inputTokens: 0, outputTokens: 0, durationMs: 100, endedAtMs: end(100) },
      { operation: 'other', provider: 'cohere', service: 'rag-service', inputTokens: 0, outputTokens: 0, durationMs: 100, endedAtMs: end(100) },
    ]);
  });

  it('rejects malformed spans one by one and accepts the rest, saying which and why', () => {
    const chat = (extra: ReturnType<typeof str>[], options = {}) => span([str('gen_ai.provider.name', 'openai'), ...extra], options);
    const decoded = decodeBoth({
      resourceSpans: [
        resource('svc', [
          chat([], { extra: { startTimeUnixNano: nanos(T0_MS + 10), endTimeUnixNano: nanos(T0_MS) } }),
          chat([int('gen_ai.usage.input_tokens', -5)]),
          chat([]),
          chat([str('gen_ai.usage.output_tokens', 'many')]),
          chat([str('gen_ai.request.model', 'gpt\u00004o')]),
          chat([], { extra: { endTimeUnixNano: undefined } }),
          span([str('http.route', '/x')], { extra: { startTimeUnixNano: nanos(T0_MS + 10), endTimeUnixNano: nanos(T0_MS) } }),
        ]),
      ],
    });
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded).toMatchObject({ spans: 7, rejected: 5 });
    expect(decoded.calls).toHaveLength(1);
    expect(decoded.rejectedReason).toBe('resourceSpans[0].scopeSpans[0].spans[0] ends before it starts (and 4 more spans); the other spans were accepted');
  });

  it('reads values in any scalar form and ignores list values under wanted keys', () => {
    const decoded = decodeBoth({
      resourceSpans: [
        resource('svc', [
          span([
            str('gen_ai.provider.name', 'openai'),
            any('gen_ai.usage.input_tokens', { intValue: 42 }),
            any('gen_ai.usage.output_tokens', { doubleValue: 7 }),
            any('gen_ai.conversation.id', { intValue: '9001' }),
            any('gen_ai.request.model', { arrayValue: { values: [{ stringValue: 'a' }] } }),
            any('gen_ai.agent.name', { kvlistValue: { values: [str('name', 'x')] } }),
            any('gen_ai.tool.name', { bytesValue: 'AAEC' }),
          ]),
        ]),
      ],
    });
    expect(decoded).toMatchObject({ ok: true, calls: [{ provider: 'openai', inputTokens: 42, outputTokens: 7, conversation: '9001' }] });
    if (decoded.ok) expect(Object.keys(decoded.calls[0]!)).not.toContain('model');
  });

  it('keeps long names to 256 characters without splitting a character', () => {
    const model = 'm'.repeat(255) + '😀' + 'tail';
    const decoded = decodeBoth({ resourceSpans: [resource('svc', [span([str('gen_ai.provider.name', 'p'), str('gen_ai.request.model', model)])])] });
    expect(decoded.ok && decoded.calls[0]!.model).toBe('m'.repeat(255));
  });

  it('answers an empty request with no spans, as the spec asks', () => {
    expect(decodeTracesProtobuf(Buffer.alloc(0))).toEqual({ ok: true, calls: [], spans: 0, rejected: 0 });
    expect(decodeTracesJson('{}')).toEqual({ ok: true, calls: [], spans: 0, rejected: 0 });
    expect(decodeTracesJson('{"resourceSpans":[{"scopeSpans":[{}]}]}')).toEqual({ ok: true, calls: [], spans: 0, rejected: 0 });
  });

  it('takes times written as JSON numbers, and ignores unknown JSON fields', () => {
    const decoded = decodeTracesJson(
      JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: T0_MS * 1e6, endTimeUnixNano: (T0_MS + 5) * 1e6, attributes: [str('gen_ai.system', 'x')], futureField: { a: 1 } }] }], futureField: 1 }],
      }),
    );
    // A nanosecond time as a JSON number is past 2^53, so it arrives rounded to some 100 ns.
    expect(decoded).toMatchObject({ ok: true, calls: [{ provider: 'x', endedAtMs: T0_MS + 5 }] });
    expect(decoded.ok && decoded.calls[0]!.durationMs).toBeCloseTo(5, 3);
  });

  it('refuses what is not an ExportTraceServiceRequest, with a reason', () => {
    const valid = encodeTraces(typicalRequest(3));
    const truncated = decodeTracesProtobuf(valid.subarray(0, valid.length - 7));
    expect(truncated).toEqual({ ok: false, reason: expect.stringContaining('truncated') });
    expect(decodeTracesProtobuf(Buffer.from([0x0b, 0x00]))).toEqual({ ok: false, reason: expect.stringContaining('wire type 3') });
    expect(decodeTracesProtobuf(Buffer.from('{"resourceSpans":[]}'))).toMatchObject({ ok: false });
    expect(decodeTracesJson('{"resourceSpans": [')).toEqual({ ok: false, reason: expect.stringContaining('not valid JSON') });
    expect(decodeTracesJson('[]')).toEqual({ ok: false, reason: expect.stringContaining('(body) is not an object') });
    expect(decodeTracesJson('{"resourceSpans":{}}')).toEqual({ ok: false, reason: expect.stringContaining('resourceSpans is not a list') });
    expect(decodeTracesJson('{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{}}]}]}]}]}')).toEqual({
      ok: false,
      reason: expect.stringContaining('resourceSpans[0].scopeSpans[0].spans[0].attributes[0] is not a KeyValue with a string key'),
    });
  });
});
