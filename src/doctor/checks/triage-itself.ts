import type { Database } from '../../db/client.js';
import { clock, percent, plural } from '../../insights/catalog/helpers.js';
import type { CircuitBreaker, Platform, PlatformResult, Worker } from '../../platform/port.js';
import type { GuardedPlatform } from '../../platform/guarded.js';
import { pass, type DoctorCheck, type Finding } from '../check.js';
import type { EvaluatorStatus } from '../../insights/evaluator.js';
import { reasonOf } from '../../db/error-reason.js';
import { evaluatorPart } from './triage-itself-evaluator.js';
import { deadLetterPart } from './triage-itself-dead-letters.js';
import { downtimePart } from './triage-itself-downtime.js';
import { undeliveredPart, waitingPart } from './triage-itself-outbox.js';
import { healthy, unreadable, type Part } from './triage-itself-parts.js';

export type TriageItselfCheckDeps = {
  database: Database;
  platform: Platform;
  outboxStuckAfterMinutes: number;
  /** Who evaluates insights and how far behind (src/insights/evaluator.ts). */
  evaluator?: () => Promise<EvaluatorStatus>;
  /** This replica's own breaker in front of the platform (src/platform/guarded.ts): per replica, like the answer. */
  platformBreaker?: GuardedPlatform['breaker'];
};

/**
 * Triage's own breaker, not one of the platform's: while it is open every button that acts on the
 * platform is refused at once, which the person pressing sees, and /doctor must say too.
 */
function platformBreakerPart(breaker: ReturnType<GuardedPlatform['breaker']>, now: number): Part {
  if (breaker.state === 'closed') return healthy;
  if (breaker.state === 'open' && breaker.probeAt !== null && breaker.probeAt > now) {
    return {
      status: 'fail',
      headline: "Triage's circuit breaker to the platform is open",
      details: [`• platform calls kept failing, so actions are refused at once without reaching the platform for ${Math.ceil((breaker.probeAt - now) / 1000)} s more; then one call tests whether it is back`],
      actions: [],
    };
  }
  return {
    status: 'warning',
    headline: "Triage's circuit breaker to the platform is half-open",
    details: ['• platform calls kept failing; the next one tests whether the platform is back, and only its success closes the breaker'],
    actions: [],
  };
}

function breakerPart(breakers: CircuitBreaker[]): Part {
  const open = breakers.filter((b) => b.state === 'open');
  if (!open.length) return healthy;
  const about = (b: CircuitBreaker) =>
    [b.partner ? `partner ${b.partner}` : undefined, b.failureRate !== null ? `failure rate ${percent(b.failureRate)}` : undefined]
      .filter(Boolean)
      .join(', ');
  return {
    status: 'warning',
    headline: `${plural(open.length, 'circuit breaker')} open`,
    details: open.map((b) => `• breaker ${b.id} open${about(b) ? ` (${about(b)})` : ''}`),
    actions: [
      {
        kind: 'breaker_open',
        text: `Reset circuit breakers (${open.map((b) => b.id).join(', ')}) once the partner confirms the fix`,
        buttons: open.map((b) => ({ action: 'reset_breaker', label: `Reset ${b.id}`, target: { kind: 'breaker', id: b.id } })),
      },
    ],
  };
}

function workerPart(workers: Worker[]): Part {
  const stuck = workers.filter((w) => w.status === 'unresponsive');
  if (!stuck.length) return healthy;
  const since = (w: Worker) => (w.lastHeartbeatAt ? ` (last heartbeat ${clock(Date.parse(w.lastHeartbeatAt))})` : ' (no heartbeat yet)');
  return {
    status: 'warning',
    headline: `${plural(stuck.length, 'worker')} unresponsive`,
    details: stuck.map((w) => `• worker ${w.id} unresponsive${since(w)}`),
    actions: [
      {
        kind: 'worker_unresponsive',
        text: `Restart unresponsive workers (${stuck.map((w) => w.id).join(', ')})`,
        buttons: stuck.map((w) => ({ action: 'restart_worker', label: `Restart ${w.id}`, target: { kind: 'worker', id: w.id } })),
      },
    ],
  };
}

/** Each concern on its own: one that cannot be read does not hide what the others found. */
async function guarded(what: string, read: () => Promise<Part>): Promise<Part> {
  try {
    return await read();
  } catch (error) {
    return unreadable(what, reasonOf(error));
  }
}

async function fromPlatform<T>(what: string, list: () => PlatformResult<T>, part: (items: T) => Part): Promise<Part> {
  return guarded(what, async () => {
    const listed = await list();
    return listed.ok ? part(listed.value) : unreadable(what, listed.error.message);
  });
}

const RANK = { pass: 0, warning: 1, fail: 2 } as const;

function fold(parts: Part[]): Finding {
  const status = parts.reduce<Part['status']>((worst, p) => (RANK[p.status] > RANK[worst] ? p.status : worst), 'pass');
  const notes = parts.flatMap((p) => (p.note && p.status === 'pass' ? [p.note] : []));
  if (status === 'pass') return pass(['cards delivered, no breaker open, workers responsive', ...notes].join('; '));
  // Deduplicated: with the database down, both outbox concerns say the same "could not read".
  const headlines = [...new Set(parts.flatMap((p) => (p.headline ? [p.headline] : [])))];
  const details = [...new Set(parts.flatMap((p) => p.details))];
  return { status, summary: `${headlines.join(', ')}:`, details, actions: parts.flatMap((p) => p.actions) };
}

/**
 * Triage itself: is the bot delivering what it finds? Cards the outbox gave up on (Slack's
 * channel_not_found, not_in_channel, invalid_auth end up here), cards stuck waiting, and the
 * machinery it watches over on the platform that stops work silently: open circuit breakers,
 * unresponsive workers, dead letters.
 */
export function triageItselfCheck(deps: TriageItselfCheckDeps): DoctorCheck {
  const { database, platform, outboxStuckAfterMinutes, evaluator, platformBreaker } = deps;
  return {
    section: 'triage',
    name: 'Triage itself',
    async run(ctx): Promise<Finding> {
      const parts = await Promise.all([
        guarded('the chat outbox', () => undeliveredPart(database)),
        guarded('the chat outbox', () => waitingPart(database, ctx.now, outboxStuckAfterMinutes)),
        fromPlatform('circuit breakers', () => platform.listBreakers(), breakerPart),
        fromPlatform('workers', () => platform.listWorkers(), workerPart),
        guarded('dead-letter queue depths', () => deadLetterPart(database, ctx.now)),
        guarded("Triage's own downtime", () => downtimePart(database, ctx.now)),
        ...(evaluator ? [guarded('the evaluator lease', async () => evaluatorPart(await evaluator(), ctx.now.getTime()))] : []),
        ...(platformBreaker ? [guarded("Triage's circuit breaker to the platform", async () => platformBreakerPart(platformBreaker(), ctx.now.getTime()))] : []),
      ]);
      ctx.signal.throwIfAborted();
      return fold(parts);
    },
  };
}
