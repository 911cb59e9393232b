import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../paths.js';
import { parseRetryAfter, retry } from '../resilience/retry.js';
import { withTimeout } from '../resilience/timeout.js';
import { err, ok, type Result } from '../result.js';
import { heartbeatTarget, type HeartbeatConfig } from './heartbeat-config.js';
import { redactUrlPath, type Logger } from './logger.js';

/**
 * Triage's own dead-man's switch. Triage watches the agent platform, so nobody notices when Triage
 * itself is down unless something outside it expects to hear from it: the leader (the holder of
 * the `evaluator` lease, docs/architecture.md, "Several replicas behave as one") sends a heartbeat
 * to a checker (healthchecks.io, Better Stack, Cronitor, PagerDuty) every minute, and the checker
 * pages when heartbeats stop.
 *
 * Every replica runs the timer; only the leader sends, so the checker hears one heartbeat per
 * interval whatever the number of replicas, and it stops hearing them exactly when evaluation
 * stops: every replica dead, PostgreSQL unreachable (nobody can hold the lease), or a leader
 * frozen past its lease.
 */

/** `rejected`: the checker answered 4xx (a wrong URL or key; retrying cannot help). `failed`: unreachable, 5xx or timed out after the retries. */
export type HeartbeatOutcome = 'ok' | 'rejected' | 'failed';

export type HeartbeatSent = { status: number; attempts: number; at: Date };
export type HeartbeatError = { code: Exclude<HeartbeatOutcome, 'ok'>; message: string; attempts: number; status?: number };
export type HeartbeatResult = Result<HeartbeatSent, HeartbeatError>;

export type Heartbeat = {
  /** One heartbeat now, retries included, whether or not this replica leads (the timer asks). */
  beat(): Promise<HeartbeatResult>;
  start(): void;
  /** Clears the timer and abandons a heartbeat in flight. */
  stop(): Promise<void>;
};

export type HeartbeatDeps = {
  config: HeartbeatConfig;
  /** Sent as X-Triage-Replica, so whoever reads the checker's log can tell which replica led. */
  replicaId: string;
  /** Whether this replica holds the `evaluator` lease (src/insights/evaluator.ts). */
  leading(): boolean;
  logger: Pick<Logger, 'info' | 'warn'>;
  onOutcome?(outcome: HeartbeatOutcome): void;
  /** Tests shorten these; the defaults suit a checker on the internet. */
  timeoutMs?: number;
  attempts?: number;
  retryBaseMs?: number;
  now?: () => Date;
};

/** A heartbeat is worth at most a few seconds: the next one is due in a minute anyway. */
const TIMEOUT_MS = 5_000;
const ATTEMPTS = 3;
const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 5_000;
/** A checker asking us to wait longer than this is answered by the next heartbeat instead. */
const MAX_RETRY_AFTER_MS = 10_000;
/** Stable, so a PagerDuty service without a heartbeat rule shows one alert, not one per minute. */
export const PAGERDUTY_DEDUP_KEY = 'triage-heartbeat';

class CheckerAnswered extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
    detail: string,
  ) {
    super(`the checker answered ${status}${detail ? `: ${detail}` : ''}`);
  }
}

const PackageJson = z.object({ version: z.string() });
let version: string | undefined;
const triageVersion = (): string => (version ??= PackageJson.parse(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'))).version);

/** What Triage sends: no secret but the routing key PagerDuty needs in the body. */
export function heartbeatRequest(config: HeartbeatConfig, replicaId: string, at: Date): { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string } {
  const headers = { 'user-agent': `triage/${triageVersion()}`, 'x-triage-replica': replicaId };
  if (config.kind === 'ping') return { method: 'GET', headers };
  // PagerDuty's Events API v2 has no heartbeat event: a `trigger` with one stable dedup_key is
  // what its heartbeat recipe (an Event Orchestration rule that suspends these alerts for about
  // two intervals) turns into "page when they stop". README, "Knowing when Triage itself is down".
  const event = {
    routing_key: config.routingKey,
    event_action: 'trigger',
    dedup_key: PAGERDUTY_DEDUP_KEY,
    payload: {
      summary: `Triage heartbeat (${replicaId}, ${at.toISOString()}): if this alert is open, no newer heartbeat followed and Triage may be down`,
      source: replicaId,
      severity: 'critical',
      timestamp: at.toISOString(),
      component: 'triage',
      class: 'heartbeat',
      custom_details: { replica: replicaId, version: triageVersion(), everySeconds: config.everySeconds },
    },
  };
  return { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(event) };
}

export function createHeartbeat(deps: HeartbeatDeps): Heartbeat {
  const { config, logger } = deps;
  const target = heartbeatTarget(config);
  const now = deps.now ?? (() => new Date());
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let lastOutcome: HeartbeatOutcome | undefined;

  // Logs and errors name the checker's host, never its path or the routing key.
  const where = target ? redactUrlPath(target) : '(off)';
  const url = target ? new URL(target) : undefined;
  const secrets = [url?.pathname, url?.search, url?.username, url?.password, config.routingKey].filter((s): s is string => !!s && s.length > 1);
  const scrub = (text: string): string => secrets.reduce((t, s) => t.split(s).join('…'), text);
  const describe = (error: unknown): string => {
    const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
    return scrub(`${(error as Error)?.message ?? String(error)}${typeof cause === 'string' ? ` (${cause})` : ''}`);
  };

  // The wait between two tries ends early on stop(), so a shutdown never waits out a backoff.
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (stopping.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(wait);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const wait = setTimeout(done, ms);
      stopping.signal.addEventListener('abort', done, { once: true });
    });

  const send = async (signal: AbortSignal, at: Date): Promise<number> => {
    const request = heartbeatRequest(config, deps.replicaId, at);
    const res = await fetch(target!, { ...request, signal });
    // Read to the end, so the connection goes back to the pool; a reason helps with a 4xx.
    const text = (await res.text().catch(() => '')).slice(0, 200).trim();
    if (!res.ok) throw new CheckerAnswered(res.status, parseRetryAfter(res.headers.get('retry-after')), scrub(text));
    return res.status;
  };

  const beat = async (): Promise<HeartbeatResult> => {
    if (!target) return err({ code: 'rejected', message: 'no heartbeat URL is configured', attempts: 0 });
    const at = now();
    let attempts = 0;
    const attempt = (n: number): Promise<number> => {
      attempts = n;
      return withTimeout((signal) => send(signal, at), deps.timeoutMs ?? TIMEOUT_MS, { label: `heartbeat attempt ${n}`, signal: stopping.signal });
    };
    const sent = await retry(attempt, {
      attempts: deps.attempts ?? ATTEMPTS,
      baseMs: deps.retryBaseMs ?? RETRY_BASE_MS,
      capMs: RETRY_CAP_MS,
      maxRetryAfterMs: MAX_RETRY_AFTER_MS,
      sleep: pause,
      retryAfterMs: (error) => (error instanceof CheckerAnswered ? error.retryAfterMs : undefined),
      // A 4xx is a wrong URL or key; a replica that stopped leading leaves the next one to the new leader.
      shouldRetry: (error) =>
        !stopping.signal.aborted && deps.leading() && (!(error instanceof CheckerAnswered) || error.status === 408 || error.status === 429 || error.status >= 500),
    });
    if (sent.ok) return ok({ status: sent.value, attempts, at });
    const { error } = sent.error;
    const status = error instanceof CheckerAnswered ? error.status : undefined;
    const rejected = status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
    return err({ code: rejected ? 'rejected' : 'failed', message: describe(error), attempts, ...(status === undefined ? {} : { status }) });
  };

  const tick = async (): Promise<void> => {
    const result = await beat();
    // Abandoned by stop(): a shutdown is not the checker's failure.
    if (stopping.signal.aborted) return;
    const outcome: HeartbeatOutcome = result.ok ? 'ok' : result.error.code;
    deps.onOutcome?.(outcome);
    if (!result.ok) {
      logger.warn({ target: where, outcome, attempts: result.error.attempts, status: result.error.status, reason: result.error.message }, 'could not send the heartbeat of Triage itself; its checker pages if this goes on');
    } else if (lastOutcome !== undefined && lastOutcome !== 'ok') {
      logger.info({ target: where }, 'the heartbeat of Triage itself is getting through again');
    }
    lastOutcome = outcome;
  };

  return {
    beat,
    start: () => {
      if (!target || timer) return;
      logger.info({ kind: config.kind, target: where, everySeconds: config.everySeconds }, 'the heartbeat of Triage itself is on; the leader sends it');
      timer = setInterval(() => {
        // One at a time: a checker slow to answer skips a beat rather than piling them up.
        if (inFlight || stopping.signal.aborted || !deps.leading()) return;
        inFlight = tick().finally(() => (inFlight = undefined));
      }, config.everySeconds * 1000);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      stopping.abort();
      await inFlight?.catch(() => {});
    },
  };
}
