import { Agent, request } from 'node:http';

export type LoadOptions = { batchSize: number; concurrency: number; requestTimeoutMs: number };
export type LoadResult = { ms: number; requests: number; failures: number; firstFailures: string[] };

/**
 * Posts `events` to /v1/events in batches from a small pool of workers pulling from one queue,
 * the way a fleet of senders would. Bodies are serialised before the clock starts so the figure
 * is Triage's cost, not the generator's. A request counts as failed unless it is a 202 that
 * accepted the whole batch: a benchmark that drops events is not measuring intake.
 *
 * node:http with a keep-alive agent (one socket per worker), not fetch: the generator shares the
 * host's CPUs with Triage and PostgreSQL, and undici's per-request machinery cost about twice the
 * CPU for the same requests (bench/intake.ts prints what the generator used).
 */
export async function postBatches(url: string, token: string, events: readonly unknown[], options: LoadOptions): Promise<LoadResult> {
  const bodies: Array<{ data: Buffer; size: number }> = [];
  for (let i = 0; i < events.length; i += options.batchSize) {
    const batch = events.slice(i, i + options.batchSize);
    bodies.push({ data: Buffer.from(JSON.stringify({ events: batch })), size: batch.length });
  }
  const target = new URL('/v1/events', url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const authorization = `Bearer ${token}`;
  let next = 0;
  let failures = 0;
  const firstFailures: string[] = [];
  const fail = (index: number, why: string) => {
    failures++;
    if (firstFailures.length < 5) firstFailures.push(`batch ${index}: ${why}`);
  };

  const post = (body: Buffer) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          timeout: options.requestTimeoutMs,
          headers: { authorization, 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${options.requestTimeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });

  const worker = async () => {
    while (next < bodies.length) {
      const index = next++;
      const body = bodies[index]!;
      try {
        const res = await post(body.data);
        if (res.status !== 202) {
          fail(index, `HTTP ${res.status} ${res.text.slice(0, 300)}`);
          continue;
        }
        const answer = JSON.parse(res.text) as { accepted?: number; duplicates?: number };
        if (answer.accepted !== body.size) fail(index, `accepted ${answer.accepted} of ${body.size} (duplicates ${answer.duplicates})`);
      } catch (error) {
        fail(index, (error as Error).message);
      }
    }
  };

  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return { ms: performance.now() - started, requests: bodies.length, failures, firstFailures };
  } finally {
    agent.destroy();
  }
}
