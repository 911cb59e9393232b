import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

/** The secrets that can be rotated with an old and a new value valid at once, by metric label. */
export const ROTATED_SECRETS = {
  ingest_token: 'INGEST_TOKEN_PREVIOUS',
  slack_signing_secret: 'SLACK_SIGNING_SECRET_PREVIOUS',
} as const;
export type RotatedSecret = keyof typeof ROTATED_SECRETS;

/** Counts a request let in by a secret's previous value. */
export type PreviousSecretUsed = (secret: RotatedSecret) => void;

/** A line at most this often per secret: the counter has every use, the log only says it goes on. */
const LOG_EVERY_MS = 10 * 60_000;

/**
 * Every use of a previous value counts in triage_auth_previous_secret_used_total{secret}; the
 * first use, and then one line per ten minutes with the count since, go to the log. Names of
 * variables only, never a value (docs/architecture.md, invariants §8). `configured` starts those
 * series at 0, so "no growth" can be read off the metric from the start.
 */
export function createPreviousSecretRecorder(deps: { metrics: Metrics; logger: Logger; configured: RotatedSecret[]; now?: () => number }): PreviousSecretUsed {
  const now = deps.now ?? Date.now;
  for (const secret of deps.configured) deps.metrics.previousSecretUsed.inc({ secret }, 0);
  const seen = new Map<RotatedSecret, { loggedAt: number; since: number }>();
  return (secret) => {
    deps.metrics.previousSecretUsed.inc({ secret });
    const at = now();
    const last = seen.get(secret);
    if (last && at - last.loggedAt < LOG_EVERY_MS) {
      last.since += 1;
      return;
    }
    const uses = last ? last.since + 1 : 1;
    seen.set(secret, { loggedAt: at, since: 0 });
    deps.logger.info(
      { rotating: secret, variable: ROTATED_SECRETS[secret], uses },
      `requests still authenticate with ${ROTATED_SECRETS[secret]}; remove it once triage_auth_previous_secret_used_total{secret="${secret}"} stops growing`,
    );
  };
}
