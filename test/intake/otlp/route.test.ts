import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../../src/http/server.js';
import { createIngestAuth } from '../../../src/intake/ingest-token.js';
import type { GenAiCall } from '../../../src/intake/otlp/genai-call.js';
import { otlpRoutes } from '../../../src/intake/otlp/route.js';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.js';
import { encodeTraces, readFields, type TracesJson } from './encode.js';
import { nanos, resource, span, str, T0_MS, typicalRequest } from './fixtures.js';

const TOKEN = 'otlp-test-token-0123456789';
const LIMIT = 64 * 1024;

/** The route on a real node:http server, as an OTLP exporter meets it; `record` keeps what it is given. */
describe('POST /v1/traces (OTLP/HTTP)', () => {
  let server: HttpServer;
  let url: string;
  let metrics: Metrics;
  let recorded: GenAiCall[][];
  let storageDown: boolean;

  beforeAll(async () => {
    metrics = createMetrics();
    const deps = {
      auth: createIngestAuth({ current: TOKEN }, () => {}),
      metrics,
      logger: pino({ level: 'silent' }),
      maxBodyBytes: LIMIT,
      record: async (calls: GenAiCall[]) => {
        if (storageDown) throw new Error('database unavailable');
        recorded.push(calls);
      },
    };
    server = createHttpServer(otlpRoutes(deps), { metrics, logger: deps.logger });
    ({ url } = await server.listen(0, '127.0.0.1'));
  });
  afterAll(async () => {
    await server.close(1_000);
    metrics.stop();
  });
  beforeEach(() => {
    recorded = [];
    storageDown = false;
  });

  const post = (body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${url}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, ...headers }, body });
  const protobuf = (body: Buffer, headers: Record<string, string> = {}) => post(body, { 'content-type': 'application/x-protobuf', ...headers });
  const json = (body: Buffer | string, headers: Record<string, string> = {}) => post(body, { 'content-type': 'application/json', ...headers });
  /** google.rpc.Status in protobuf: code = 1, message = 2. */
  const status = async (res: Response) => {
    const fields = readFields(new Uint8Array(await res.arrayBuffer()));
    return { code: fields.find((f) => f.field === 1)?.value, message: String(fields.find((f) => f.field === 2)?.value ?? '') };
  };

  const withBadSpan: TracesJson = {
    resourceSpans: [
      resource('agent-svc', [
        span([str('gen_ai.provider.name', 'openai'), str('gen_ai.operation.name', 'chat')]),
        span([str('gen_ai.provider.name', 'openai')], { extra: { startTimeUnixNano: nanos(T0_MS + 9), endTimeUnixNano: nanos(T0_MS) } }),
      ]),
    ],
  };

  it('accepts protobuf and JSON, records the GenAI calls and answers an empty ExportTraceServiceResponse', async () => {
    const binary = await protobuf(encodeTraces(typicalRequest(3)));
    expect(binary.status).toBe(200);
    expect(binary.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await binary.arrayBuffer()).byteLength).toBe(0);
    const text = await json(JSON.stringify(typicalRequest(2)), { 'content-type': 'application/json; charset=utf-8' });
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toBe('application/json');
    expect(await text.json()).toEqual({});
    expect(recorded.map((calls) => calls.length)).toEqual([3, 2]);
    expect(recorded[0]![0]).toMatchObject({ operation: 'chat', provider: 'anthropic', service: 'support-agent', inputTokens: 1200 });
  });

  it('answers partial_success naming the rejected spans, and records the others', async () => {
    const spans = async (outcome: string) => Number(new RegExp(`outcome="${outcome}"} (\\d+)`).exec(await metrics.registry.getSingleMetricAsString('triage_otlp_spans_total'))?.[1] ?? 0);
    const before = { call: await spans('call'), rejected: await spans('rejected') };
    const text = await json(JSON.stringify(withBadSpan));
    expect(await text.json()).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: 'resourceSpans[0].scopeSpans[0].spans[1] ends before it starts; the other spans were accepted' },
    });
    const binary = await protobuf(encodeTraces(withBadSpan));
    expect(binary.status).toBe(200);
    const [partial] = readFields(new Uint8Array(await binary.arrayBuffer()));
    expect(partial!.field).toBe(1);
    expect(readFields(partial!.value as Buffer)).toEqual([
      { field: 1, value: 1 },
      { field: 2, value: Buffer.from('resourceSpans[0].scopeSpans[0].spans[1] ends before it starts; the other spans were accepted') },
    ]);
    expect(recorded.map((calls) => calls.length)).toEqual([1, 1]);
    // Both requests counted: what was folded and what was dropped, for the operator on /metrics.
    expect({ call: await spans('call'), rejected: await spans('rejected') }).toEqual({ call: before.call + 2, rejected: before.rejected + 2 });
  });

  it('takes gzip and deflate bodies', async () => {
    const body = encodeTraces(typicalRequest(4));
    expect((await protobuf(gzipSync(body), { 'content-encoding': 'gzip' })).status).toBe(200);
    expect((await json(JSON.stringify(typicalRequest(4)), {})).status).toBe(200);
    expect((await protobuf(deflateSync(body), { 'content-encoding': 'deflate' })).status).toBe(200);
    expect(recorded.map((calls) => calls.length)).toEqual([4, 4, 4]);
  });

  it('refuses an undecodable body with 400 and a Status in the request encoding, recording nothing', async () => {
    const good = encodeTraces(typicalRequest(3));
    const binary = await protobuf(good.subarray(0, good.length - 5));
    expect(binary.status).toBe(400);
    expect(binary.headers.get('content-type')).toBe('application/x-protobuf');
    expect(await status(binary)).toEqual({ code: 3, message: expect.stringMatching(/^not a valid ExportTraceServiceRequest: .*truncated.*nothing was recorded$/) });
    const text = await json('{"resourceSpans": {"oops": 1}}');
    expect(text.status).toBe(400);
    expect(await text.json()).toEqual({ code: 3, message: expect.stringContaining('resourceSpans is not a list') });
    const corrupt = await protobuf(Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    expect((await status(corrupt)).message).toContain('not valid gzip data');
    expect(recorded).toEqual([]);
  });

  it('refuses a missing or wrong bearer token with 401, recording nothing', async () => {
    const body = encodeTraces(typicalRequest(2));
    const none = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await status(none)).message).toContain('no Authorization header');
    const wrong = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: '{}' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ code: 16, message: expect.stringContaining('does not match the ingest token') });
    expect(recorded).toEqual([]);
  });

  it('refuses bodies over the limit, before and after decompression, with 413', async () => {
    const big = await json(JSON.stringify({ resourceSpans: [], padding: 'x'.repeat(LIMIT) }));
    expect(big.status).toBe(413);
    const bomb = await json(gzipSync(JSON.stringify({ resourceSpans: [], padding: ' '.repeat(LIMIT * 20) })), { 'content-encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    expect(await bomb.json()).toEqual({ code: 8, message: expect.stringContaining('once decompressed') });
    expect(recorded).toEqual([]);
  });

  it('refuses other media types and content encodings with 415, saying what it takes', async () => {
    const plain = await post('hello', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toEqual({ code: 3, message: 'expected Content-Type application/x-protobuf or application/json; found text/plain' });
    const brotli = await protobuf(encodeTraces(typicalRequest(1)), { 'content-encoding': 'br' });
    expect(brotli.status).toBe(415);
    expect((await status(brotli)).message).toContain('Content-Encoding br is not supported');
    expect(recorded).toEqual([]);
  });

  it('answers 503 with Retry-After when the calls cannot be recorded, so exporters retry', async () => {
    storageDown = true;
    const res = await protobuf(encodeTraces(typicalRequest(2)));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await status(res)).toEqual({ code: 14, message: expect.stringContaining('retry later') });
  });

  it('answers garbage with a 4xx and a reason, never a 5xx, and records only what it accepted', async () => {
    const sample = encodeTraces(typicalRequest(2));
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => ({ type: 'application/x-protobuf', bytes: Buffer.from(b) })),
      fc.tuple(fc.nat(), fc.nat({ max: 255 })).map(([at, byte]) => {
        const bytes = Buffer.from(sample);
        bytes[at % bytes.length] = byte;
        return { type: 'application/x-protobuf', bytes };
      }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify(v)) })),
      fc.string({ maxLength: 100 }).map((v) => ({ type: 'application/json', bytes: Buffer.from(v) })),
    );
    await fc.assert(
      fc.asyncProperty(body, async ({ type, bytes }) => {
        recorded = [];
        const res = await post(bytes, { 'content-type': type });
        expect([200, 400]).toContain(res.status);
        const answer = type === 'application/json' ? ((await res.json()) as { message?: string }) : await status(res);
        if (res.status === 400) {
          expect(answer.message).toMatch(/nothing was recorded$/);
          expect(recorded).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('counts refusals under the otlp path', async () => {
    const text = await metrics.registry.getSingleMetricAsString('triage_intake_rejected_total');
    for (const reason of ['unauthorized', 'invalid_traces', 'body_too_large', 'unsupported_media_type', 'storage_unavailable']) {
      expect(text).toContain(`triage_intake_rejected_total{path="otlp",reason="${reason}"}`);
    }
  });
});
