import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTracesJson } from '../../../src/intake/otlp/decode-json.js';
import { decodeTracesProtobuf } from '../../../src/intake/otlp/decode-protobuf.js';
import { SPAN_KEYS } from '../../../src/intake/otlp/span-draft.js';
import type { TraceDecode } from '../../../src/intake/otlp/traces.js';
import { encodeTraces, type AnyValueJson, type KeyValueJson, type SpanJson, type TracesJson } from './encode.js';
import { typicalRequest } from './fixtures.js';

/**
 * Hostile and random input for both decoders: whatever arrives, the answer is a typed ok or a
 * typed refusal with a reason, never a throw or a hang, and what is accepted is a sane GenAI call.
 */
const RUNS = 10_000;
const OPERATIONS = ['chat', 'text_completion', 'generate_content', 'embeddings', 'execute_tool', 'invoke_agent', 'create_agent', 'other'];

function expectTyped(result: TraceDecode): void {
  if (!result.ok) {
    expect(result.reason.length).toBeGreaterThan(0);
    return;
  }
  expect(result.calls.length + result.rejected).toBeLessThanOrEqual(result.spans);
  expect(result.rejectedReason === undefined).toBe(result.rejected === 0);
  for (const call of result.calls) {
    expect(OPERATIONS).toContain(call.operation);
    for (const n of [call.inputTokens, call.outputTokens]) expect(Number.isInteger(n) && n >= 0).toBe(true);
    expect(Number.isFinite(call.durationMs) && call.durationMs >= 0).toBe(true);
    expect(Number.isFinite(call.endedAtMs)).toBe(true);
    for (const text of [call.provider, call.model, call.agent, call.service, call.tool, call.mcpServer, call.conversation, call.error]) {
      if (text !== undefined) expect(/\u0000|\p{Cs}/u.test(text) || text.length === 0).toBe(false);
    }
  }
}

// Valid requests built from the keys the decoders read and others, with values of every scalar kind.
const text = fc.oneof(fc.constantFrom('openai', 'chat', 'execute_tool', 'LLM', 'TOOL', 'CHAIN', '', 'a\u0000b'), fc.string({ unit: 'binary', maxLength: 300 }));
const value: fc.Arbitrary<AnyValueJson> = fc.oneof(
  text.map((stringValue) => ({ stringValue })),
  fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map((v) => ({ intValue: v.toString() })),
  fc.integer({ min: 0, max: 5000 }).map((v) => ({ intValue: String(v) })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((doubleValue) => ({ doubleValue })),
  fc.boolean().map((boolValue) => ({ boolValue })),
  fc.constant<AnyValueJson>({ arrayValue: { values: [{ stringValue: 'x' }] } }),
  fc.constant<AnyValueJson>({}),
);
const attribute: fc.Arbitrary<KeyValueJson> = fc.record({ key: fc.oneof(fc.constantFrom(...SPAN_KEYS), fc.string({ maxLength: 30 })), value });
const nanos = fc.bigInt(0n, 2n ** 64n - 1n).map(String);
const nearTimes = fc.tuple(fc.bigInt(1n, 2n ** 62n), fc.bigInt(-(10n ** 9n), 10n ** 12n)).map(([start, d]) => [String(start), String(start + d < 0n ? 0n : start + d)] as const);
const span: fc.Arbitrary<SpanJson> = fc.record(
  {
    name: fc.string({ maxLength: 10 }),
    times: fc.oneof(nearTimes, fc.tuple(nanos, nanos)),
    attributes: fc.array(attribute, { maxLength: 12 }),
    status: fc.record({ code: fc.integer({ min: 0, max: 5 }), message: text }, { requiredKeys: [] }),
  },
  { requiredKeys: ['attributes'] },
).map(({ times, ...rest }) => ({ ...rest, ...(times ? { startTimeUnixNano: times[0], endTimeUnixNano: times[1] } : {}) }));
const request: fc.Arbitrary<TracesJson> = fc.record({
  resourceSpans: fc.array(
    fc.record({
      resource: fc.record({ attributes: fc.array(fc.oneof(attribute, value.map((v) => ({ key: 'service.name', value: v }))), { maxLength: 3 }) }),
      scopeSpans: fc.array(fc.record({ spans: fc.array(span, { maxLength: 5 }) }), { maxLength: 2 }),
    }),
    { maxLength: 3 },
  ),
});

/** Bytes changed, inserted, deleted or cut off, at positions the generator picks. */
const mutations = fc.array(fc.tuple(fc.constantFrom('flip', 'insert', 'delete', 'cut'), fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 });
function mutate(bytes: Buffer, steps: Array<[string, number, number]>): Buffer {
  let out = Buffer.from(bytes);
  for (const [kind, at, byte] of steps) {
    const i = out.length === 0 ? 0 : at % out.length;
    if (kind === 'flip' && out.length > 0) out[i] = byte;
    else if (kind === 'insert') out = Buffer.concat([out.subarray(0, i), Buffer.from([byte]), out.subarray(i)]);
    else if (kind === 'delete') out = Buffer.concat([out.subarray(0, i), out.subarray(i + 1)]);
    else if (kind === 'cut') out = out.subarray(0, i);
  }
  return out;
}

/** Replaces the value at a path the generator picks with arbitrary JSON: right shape, wrong types. */
function replaceSomewhere(doc: unknown, picks: number[], replacement: unknown): unknown {
  if (picks.length === 0 || doc === null || typeof doc !== 'object') return replacement;
  const keys = Object.keys(doc);
  if (keys.length === 0) return replacement;
  const key = keys[picks[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(doc) ? ([...doc] as unknown as Record<string, unknown>) : { ...(doc as Record<string, unknown>) };
  copy[key] = replaceSomewhere((doc as Record<string, unknown>)[key], picks.slice(1), replacement);
  return copy;
}

const samples = [encodeTraces(typicalRequest(2)), encodeTraces(typicalRequest(1), { reversed: true })];

describe('OTLP decoders under random input', () => {
  it(`protobuf: random bytes, mutated and truncated requests (${RUNS} cases)`, () => {
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
      fc.tuple(fc.constantFrom(...samples), mutations).map(([bytes, steps]) => mutate(bytes, steps)),
      fc.tuple(fc.constantFrom(...samples), fc.nat()).map(([bytes, at]) => bytes.subarray(0, at % bytes.length)),
      request.map((r) => encodeTraces(r)),
    );
    fc.assert(fc.property(input, (bytes) => expectTyped(decodeTracesProtobuf(bytes))), { numRuns: RUNS });
  });

  it(`JSON: random documents, wrong types in the right places, cut-off text (${RUNS} cases)`, () => {
    const input = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.tuple(request, fc.array(fc.nat(), { maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })).map(([r, picks, v]) => JSON.stringify(replaceSomewhere(r, picks, v))),
      fc.tuple(request, fc.nat()).map(([r, at]) => JSON.stringify(r).slice(0, at)),
      fc.string({ maxLength: 200 }),
    );
    fc.assert(fc.property(input, (text) => expectTyped(decodeTracesJson(text))), { numRuns: RUNS });
  });

  it('both encodings of any valid request decode to the same calls, rejections and reasons', () => {
    fc.assert(
      fc.property(request, (r) => {
        const json = decodeTracesJson(JSON.stringify(r));
        expect(json.ok).toBe(true);
        expect(decodeTracesProtobuf(encodeTraces(r))).toEqual(json);
      }),
      { numRuns: 2_000 },
    );
  });
});
