import { actionWords } from '../actions/action-card.js';
import type { ActionRequest } from '../actions/request-store.js';
import { actorLabel } from '../actor.js';
import { targetWords } from '../audit/words.js';
import type { ChatPlatform } from '../chat/port.js';
import type { RemediationConfig } from '../config-sections.js';
import type { Db } from '../db/client.js';
import { findEntry } from '../insights/catalog/index.js';
import { insightIdOfSubject } from '../insights/insight.js';
import { findById } from '../insights/store.js';
import { boundExceeded, lookback, minutes, RESTART_ACTIONS, restartBound, runsWithin, times, type Bound } from './bound.js';
import { escalationCard } from './escalation-card.js';
import { drawCard } from './escalate.js';
import { runsSince } from './runs.js';

export type RestartLoopDeps = {
  db: Db;
  config: RemediationConfig;
  /** Where the card goes when the press came from no channel. */
  defaultChannel: string;
  platforms: () => ChatPlatform[];
  kick: () => void;
};

/**
 * A person's restart past the restart bound (docs/architecture.md, "Remediation policies"). It
 * still runs: a responder chose it, looking at the card, and refusing would block on-call in the
 * middle of an incident, while the bound exists to stop restarts nobody looks at. But it is not
 * silent: an escalation card in the channel lists the restarts in the window, and the presser is
 * told (the answer is also the detail of their press's audit row). Runs once per claimed request.
 */
export function createRestartLoopCheck(deps: RestartLoopDeps) {
  /** Draws the request's escalation card when it went past the bound, and answers how many restarts that made. */
  async function drawIfLoop(request: ActionRequest): Promise<{ count: number; bound: Bound } | undefined> {
    if (!RESTART_ACTIONS.has(request.action)) return undefined;
    const bound = restartBound(deps.config);
    const at = request.createdAt.getTime();
    const target = { kind: request.targetKind, id: request.targetId };
    const runs = await runsSince(deps.db, request.action, target, lookback([bound], at));
    // Judged as of the press: a later press does not make this one a loop.
    const before = runs.filter((r) => r.createdAt.getTime() <= at && r.id <= request.id).map((r) => r.createdAt);
    if (!boundExceeded([bound], before, at)) return undefined;
    const count = runsWithin(bound, before, at);
    const card = escalationCard({
      action: request.action,
      target,
      why: `${targetWords(`${target.kind}:${target.id}`)} was restarted ${times(count)} in ${minutes(bound.windowMinutes)}, more than ${bound.by} of ${bound.maxRuns}: restarting is not fixing it. ${actorLabel(request.actor)} pressed ${actionWords(request.action)} again, and it runs, because a person chose it.`,
      runs,
      bound,
      severity: 'warning',
      runbook: await runbookOf(deps.db, request.subject),
      buttons: [],
      context: `Look for the cause before restarting ${request.targetId} again`,
    });
    const place = { cardKey: `escalation:request:${request.id}`, channels: [request.sourceMessage?.channel ?? deps.defaultChannel], platforms: deps.platforms() };
    await drawCard(deps.db, place, card, Date.now());
    deps.kick();
    return { count, bound };
  }

  return {
    /** After the claim: the card, and what the presser is told (also their press's audit detail). */
    afterClaim: async (request: ActionRequest): Promise<string | undefined> => {
      const loop = await drawIfLoop(request);
      if (!loop) return undefined;
      const what = targetWords(`${request.targetKind}:${request.targetId}`);
      return `Restart loop: ${what} was restarted ${times(loop.count)} in the last ${minutes(loop.bound.windowMinutes)} (the bound is ${loop.bound.maxRuns}). This restart runs because you chose it; Triage posted an escalation card. Look for the cause before restarting again.`;
    },
    /** After it ends: the card shows how it ended. */
    afterFinish: async (request: ActionRequest): Promise<void> => {
      await drawIfLoop(request);
    },
  };
}

/** The runbook of the card the press came from, when it was an insight's. */
async function runbookOf(db: Db, subject: string | null): Promise<string[]> {
  const id = insightIdOfSubject(subject);
  const insight = id === undefined ? undefined : await findById(db, id);
  return (insight && findEntry(insight.kind)?.runbook) || [];
}
