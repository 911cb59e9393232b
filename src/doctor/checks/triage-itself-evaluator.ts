import type { EvaluatorStatus } from '../../insights/evaluator.js';
import type { Part } from './triage-itself-parts.js';

const BEHIND_WARN_SECONDS = 30;

const seconds = (s: number) => (s < 10 ? s.toFixed(1) : Math.round(s).toString());

/**
 * The one evaluation of the deployment (src/insights/evaluator.ts): is some replica holding the
 * lease, and how far behind the event log is it? No leader means no card for anything new.
 */
export function evaluatorPart(status: EvaluatorStatus, now: number): Part {
  const leader = status.leader;
  if (!leader || leader.expiresAt.getTime() <= now) {
    const since = leader ? ` since ${leader.expiresAt.toISOString()}` : '';
    return {
      status: 'fail',
      headline: 'no replica is evaluating insights',
      details: [`• the evaluator lease is free${since}: new events raise no cards until a replica takes it (every running replica asks every 2 s)`],
      actions: [],
      note: 'no evaluator',
    };
  }
  const lag = status.lagSeconds ?? 0;
  const note = `insights evaluated by ${leader.holder} (epoch ${leader.epoch}), ${seconds(lag)} s behind the event log`;
  if (lag <= BEHIND_WARN_SECONDS) return { status: 'pass', details: [], actions: [], note };
  return {
    status: 'warning',
    headline: `insight evaluation ${seconds(lag)} s behind`,
    details: [`• ${note}: the leader is not keeping up (look at its CPU and its database round trips)`],
    actions: [],
    note,
  };
}
