import { REPLICA_TOKEN, sleep } from '../../support/replicas.js';

/** One HTTP exchange of the load: what was sent, what came back, when. */
export type Exchange = {
  sender: number;
  batch: number;
  /** 0 for a batch's first send, 1… for its resends after a 503 or a failed request. */
  resend: number;
  ids: string[];
  sentAt: number;
  answeredAt: number;
  /** The HTTP status, or 0 when no answer came (connection refused or reset, timeout). */
  status: number;
  retryAfter: string | null;
  /** For a 202: how many of the batch the intake counted as duplicates. */
  duplicates?: number;
  error?: string;
};

export type IntakeLoad = {
  exchanges: Exchange[];
  /** Stops starting new batches; resolves when every batch begun has been answered 202 (or the deadline passed). */
  stop(deadlineMs: number): Promise<{ unfinished: string[][] }>;
};

export const LOAD_SOURCE = 'faults-intake-load';

/**
 * What a platform sending events does: `senders` loops, each POSTing batches of `batchSize` new
 * events with ids of their own, one request at a time. A 503 is waited out for its Retry-After
 * (a missing or unreadable one counts as 1 s and is recorded) and the same batch, same ids, is sent
 * again until it is answered 202, so a batch is never dropped by the sender; anything else is
 * recorded and resent after 1 s.
 */
export function startIntakeLoad(url: string, options: { senders: number; batchSize: number; requestTimeoutMs?: number }): IntakeLoad {
  const exchanges: Exchange[] = [];
  const timeoutMs = options.requestTimeoutMs ?? 15_000;
  let stopping = false;
  let deadline = Infinity;
  const unfinished = new Set<string[]>();

  const send = async (sender: number, batch: number, resend: number, ids: string[]): Promise<Exchange> => {
    const sentAt = Date.now();
    const events = ids.map((id) => ({
      id,
      type: 'runtime.heartbeat',
      source: LOAD_SOURCE,
      occurredAt: new Date(sentAt).toISOString(),
      // An hour between heartbeats: nothing in this load raises an insight.
      attributes: { runtime: `faults-runtime-${sender}`, intervalSeconds: 3600 },
    }));
    try {
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${REPLICA_TOKEN}` },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await res.json().catch(() => ({}))) as { duplicates?: number };
      return {
        sender, batch, resend, ids, sentAt, answeredAt: Date.now(), status: res.status, retryAfter: res.headers.get('retry-after'),
        ...(res.status === 202 ? { duplicates: body.duplicates ?? 0 } : {}),
      };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { sender, batch, resend, ids, sentAt, answeredAt: Date.now(), status: 0, retryAfter: null, error: cause ?? (error as Error).name };
    }
  };

  const loop = async (sender: number): Promise<void> => {
    for (let batch = 0; !stopping; batch++) {
      const ids = Array.from({ length: options.batchSize }, (_, i) => `s${sender}-b${batch}-e${i}`);
      unfinished.add(ids);
      for (let resend = 0; ; resend++) {
        const exchange = await send(sender, batch, resend, ids);
        exchanges.push(exchange);
        if (exchange.status === 202) break;
        if (Date.now() > deadline) return;
        const wait = exchange.status === 503 ? retryAfterMs(exchange.retryAfter) : 1_000;
        await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
      }
      unfinished.delete(ids);
    }
  };

  const loops = Array.from({ length: options.senders }, (_, sender) => loop(sender));
  return {
    exchanges,
    async stop(deadlineMs) {
      stopping = true;
      deadline = Date.now() + deadlineMs;
      await Promise.all(loops);
      return { unfinished: [...unfinished] };
    },
  };
}

/** Seconds as RFC 9110 allows them here (delta-seconds); anything else waits 1 s. */
function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return header !== null && /^\d+$/.test(header.trim()) ? seconds * 1000 : 1_000;
}
