export type LoadOptions = { batchSize: number; concurrency: number; requestTimeoutMs: number };
export type LoadResult = { ms: number; requests: number; failures: number; firstFailures: string[] };

/**
 * Posts `events` to /v1/events in batches from a small pool of workers pulling from one queue,
 * the way a fleet of senders would. Bodies are serialised before the clock starts so the figure
 * is Triage's cost, not the generator's. A request counts as failed unless it is a 202 that
 * accepted the whole batch: a benchmark that drops events is not measuring intake.
 */
export async function postBatches(url: string, token: string, events: readonly unknown[], options: LoadOptions): Promise<LoadResult> {
  const bodies: Array<{ text: string; size: number }> = [];
  for (let i = 0; i < events.length; i += options.batchSize) {
    const batch = events.slice(i, i + options.batchSize);
    bodies.push({ text: JSON.stringify({ events: batch }), size: batch.length });
  }
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let next = 0;
  let failures = 0;
  const firstFailures: string[] = [];
  const fail = (index: number, why: string) => {
    failures++;
    if (firstFailures.length < 5) firstFailures.push(`batch ${index}: ${why}`);
  };

  const worker = async () => {
    while (next < bodies.length) {
      const index = next++;
      const body = bodies[index]!;
      try {
        const res = await fetch(`${url}/v1/events`, {
          method: 'POST',
          headers,
          body: body.text,
          signal: AbortSignal.timeout(options.requestTimeoutMs),
        });
        const text = await res.text();
        if (res.status !== 202) {
          fail(index, `HTTP ${res.status} ${text.slice(0, 300)}`);
          continue;
        }
        const answer = JSON.parse(text) as { accepted?: number; duplicates?: number };
        if (answer.accepted !== body.size) fail(index, `accepted ${answer.accepted} of ${body.size} (duplicates ${answer.duplicates})`);
      } catch (error) {
        fail(index, (error as Error).message);
      }
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { ms: performance.now() - started, requests: bodies.length, failures, firstFailures };
}
