import { actionWords, plainOutcome } from '../actions/action-card.js';
import type { ActionRequest } from '../actions/request-store.js';
import { actorLabel } from '../actor.js';
import { targetWords } from '../audit/words.js';
import type { Card, CardAction, Severity } from '../chat/card.js';
import { utcClock } from '../clock.js';
import { minutes, RESTART_ACTIONS, type Bound } from './bound.js';
import type { Target } from './runs.js';

/** What an escalation card says: what was run, why Triage stopped (or flags it), and what a person can do. */
export type Escalation = {
  action: string;
  target: Target;
  /** The first line: who stopped, or why this press is flagged. */
  why: string;
  /** What was run on the target in the window, oldest first. */
  runs: readonly ActionRequest[];
  bound: Bound;
  severity: Severity;
  /** The failure kind's runbook (from its seed): what to look at instead of running it again. */
  runbook: readonly string[];
  /** The insight card's own buttons while it is live, so a person acts from here. */
  buttons: CardAction[];
  /** The condition cleared (or was dismissed) since: said instead of the buttons. */
  cleared?: string;
  /** One line under the card: who asks whom. */
  context: string;
};

const RESULT_MARK = { running: '⏳', succeeded: '✅', failed: '❌' } as const;

/** "• 10:02 UTC Triage (policy restart-oom-runtimes): ✅ heartbeat detected after 0.8 s" */
function runLine(run: ActionRequest): string {
  const outcome = run.status === 'running' ? 'running' : (plainOutcome(run.outcome) ?? run.status);
  return `• ${utcClock(run.createdAt)} ${actorLabel(run.actor)}: ${RESULT_MARK[run.status]} ${outcome}`;
}

/**
 * The card that asks a person to take over (docs/architecture.md, "Remediation policies"): a
 * card of its own in the channel, not a line in a thread, because a loop nobody sees is the
 * failure it exists to prevent.
 */
export function escalationCard(e: Escalation): Card {
  const loop = RESTART_ACTIONS.has(e.action) ? 'Restart loop' : `${actionWords(e.action)} keeps being needed`;
  const tried = e.runs.length ? ['What was tried:', ...e.runs.map(runLine)] : ['Nothing was run on it in the window.'];
  const next = e.cleared
    ? [e.cleared]
    : e.runbook.length
      ? [`Before ${actionWords(e.action).toLowerCase()} again, from the runbook:`, ...e.runbook.map((line) => `• ${line}`)]
      : [];
  return {
    title: `🔁 ${loop}: ${targetWords(`${e.target.kind}:${e.target.id}`)}`,
    severity: e.severity,
    state: e.cleared ? 'resolved' : 'open',
    text: [e.why, ...tried, ...next].join('\n'),
    fields: [
      { label: 'Bound', value: `${e.bound.maxRuns} per ${minutes(e.bound.windowMinutes)} (${e.bound.by})` },
      { label: 'Runs in the window', value: String(e.runs.length) },
    ],
    entities: [{ kind: e.target.kind, id: e.target.id }],
    actions: e.cleared ? [] : e.buttons,
    context: e.context,
  };
}
