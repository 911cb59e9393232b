import { Agent, request } from 'node:http';
import { encodeTraces } from '../../test/intake/otlp/encode.js';
import { typicalRequest } from '../../test/intake/otlp/fixtures.js';
import { connect } from './postgres.js';
import type { TriageProcess } from './triage-process.js';

export type OtlpFigures = { spans: number; ms: number; triageCpuMs: number; failures: number; firstFailures: string[] };

/**
 * OTLP/HTTP protobuf trace exports to POST /v1/traces, as an SDK's batch exporter sends them:
 * `requests` bodies of `spansPerRequest` typical chat spans (test/intake/otlp/fixtures.ts, with the
 * attributes Triage skips too), `concurrency` at once. Bodies are encoded before the clock starts;
 * Triage's CPU is read from /proc around the load, so the figure is spans per second of Triage CPU.
 */
export async function postOtlp(triage: TriageProcess, requests: number, spansPerRequest: number, concurrency: number): Promise<OtlpFigures> {
  const body = encodeTraces(typicalRequest(spansPerRequest));
  const target = new URL('/v1/traces', triage.url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const headers = { authorization: `Bearer ${triage.token}`, 'content-type': 'application/x-protobuf', 'content-length': body.length };
  let next = 0;
  let failures = 0;
  const firstFailures: string[] = [];
  const post = () =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(target, { method: 'POST', agent, timeout: 30_000, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('latin1') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
      req.on('error', reject);
      req.end(body);
    });
  const worker = async () => {
    while (next < requests) {
      const index = next++;
      try {
        const res = await post();
        // A full success is an empty ExportTraceServiceResponse; anything else rejected spans.
        if (res.status !== 200 || res.text.length) {
          failures++;
          if (firstFailures.length < 5) firstFailures.push(`request ${index}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
        }
      } catch (error) {
        failures++;
        if (firstFailures.length < 5) firstFailures.push(`request ${index}: ${(error as Error).message}`);
      }
    }
  };
  try {
    const cpuBefore = triage.cpuMs();
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const ms = performance.now() - started;
    return { spans: requests * spansPerRequest, ms, triageCpuMs: triage.cpuMs() - cpuBefore, failures, firstFailures };
  } finally {
    agent.destroy();
  }
}

/** Every span counted once: the calls on the `provider` dimension add up to the spans sent. */
export async function countRolledUpCalls(url: string): Promise<number> {
  const sql = connect(url);
  try {
    const [row] = await sql<{ n: number }[]>`select coalesce(sum(calls), 0)::int as n from genai_rollups where dimension = 'provider'`;
    return row?.n ?? 0;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
