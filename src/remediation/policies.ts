import type { Logger } from 'pino';
import { actionWords } from '../actions/action-card.js';
import type { RecoveryRunner } from '../actions/run-recovery.js';
import { actorLabel } from '../actor.js';
import { targetWords } from '../audit/words.js';
import type { ChatPlatform } from '../chat/port.js';
import type { RemediationConfig, RemediationPolicy } from '../config-sections.js';
import type { Db } from '../db/client.js';
import { insightCard } from '../insights/card.js';
import { findEntry } from '../insights/catalog/index.js';
import { insightIdOfSubject, type Insight } from '../insights/insight.js';
import { findById } from '../insights/store.js';
import type { ActionRequest } from '../actions/request-store.js';
import { insightActionId } from '../insights/publish.js';
import { routeInsight, type Routing } from '../insights/routing.js';
import { utcClock } from '../clock.js';
import { boundReached, boundsOf, factsMatch, lookback, minutes, policyActor, runsWithin, times, type Bound } from './bound.js';
import { escalationCard } from './escalation-card.js';
import { drawCard, stopOnce, stoppedAt, type CardPlace } from './escalate.js';
import { requestByKey, runsSince, type Target } from './runs.js';

export type PolicyDeps = {
  db: Db;
  config: RemediationConfig;
  routing: Routing;
  platforms: () => ChatPlatform[];
  kick: () => void;
  runner: Pick<RecoveryRunner, 'runForPolicy'>;
  /** True while this replica leads evaluation (src/remediation/leader.ts). */
  leading: () => Promise<boolean>;
  logger: Pick<Logger, 'warn' | 'error'>;
  now?: () => number;
};

type Case = { policy: RemediationPolicy; insight: Insight; target: Target };

/** One run per policy, insight episode and target: the key the claim makes exactly once. */
const runKey = ({ policy, insight, target }: Case): string => `policy:${policy.name}:insight:${insight.id}:${insight.episode}:${target.kind}:${target.id}`;
const cardKey = ({ insight, target }: Case): string => `escalation:insight:${insight.id}:${insight.episode}:${target.kind}:${target.id}`;

/** The targets the insight's card offers the policy's action on (a card may name several runtimes). */
function targetsOf(policy: RemediationPolicy, insight: Insight): Target[] {
  const entry = findEntry(insight.kind);
  if (!entry) return [];
  const specs = entry.actions(insight.detection as never).filter((s) => s.action === policy.action && s.target);
  return [...new Map(specs.map((s) => [`${s.target!.kind}:${s.target!.id}`, { kind: s.target!.kind, id: s.target!.id }])).values()];
}

/**
 * Remediation policies (docs/architecture.md, "Remediation policies"): after the leader publishes
 * an insight, a kind with a policy runs its one action on each target the card offers it on, once
 * per insight episode, while the runs on record stay under the bound; past it, Triage stops,
 * records why, and posts a card that asks a person, with the card's own buttons.
 */
export function createPolicies(deps: PolicyDeps) {
  const now = deps.now ?? Date.now;
  const byKind = new Map(deps.config.policies.map((p) => [p.kind, p]));

  async function onInsights(insights: readonly Insight[]): Promise<void> {
    const governed = insights.filter((i) => byKind.has(i.kind));
    if (!governed.length || !(await deps.leading())) return;
    for (const insight of governed) {
      const policy = byKind.get(insight.kind)!;
      for (const target of targetsOf(policy, insight)) {
        await consider({ policy, insight, target }).catch((error: unknown) =>
          deps.logger.error({ err: error, policy: policy.name, insight: insight.id, target }, 'remediation policy could not act'),
        );
      }
    }
  }

  async function consider(c: Case): Promise<void> {
    // This episode's run is on record (running or done): nothing more to do for it, ever.
    if (await requestByKey(deps.db, runKey(c))) return;
    const actor = policyActor(c.policy);
    const stop = { actor, action: c.policy.action, target: c.target };
    const stopped = await stoppedAt(deps.db, stop, c.insight.firstSeenAt);
    if (stopped) return redraw(c, stopped.getTime());
    if (c.insight.status !== 'open' || !factsMatch(c.policy.when, c.insight.detection.facts)) return;
    const bounds = boundsOf(c.policy, deps.config);
    const at = now();
    const runs = await runsSince(deps.db, c.policy.action, c.target, lookback(bounds, at));
    const reached = boundReached(bounds, runs.map((r) => r.createdAt), at);
    if (reached) {
      const detail = stopDetail(c, reached, runsWithin(reached, runs.map((r) => r.createdAt), at));
      if (await stopOnce(deps.db, { ...stop, detail }, c.insight.firstSeenAt, place(c), card(c, reached, runs, at), at)) deps.kick();
      return;
    }
    const own = runsWithin(bounds[0]!, runs.map((r) => r.createdAt), at) + 1;
    const reason = `policy ${c.policy.name}, run ${own} of at most ${c.policy.maxRuns} in ${minutes(c.policy.windowMinutes)}: ${c.insight.title}`;
    const run = await deps.runner.runForPolicy({ action: c.policy.action, target: c.target, subject: `insight:${c.insight.id}`, actor, idempotencyKey: runKey(c), reason });
    if (!run.ok) deps.logger.warn({ policy: c.policy.name, insight: c.insight.id, problem: run.error }, 'remediation policy could not run its action');
  }

  /** After the stop, every publication redraws the card: new presses listed, buttons gone once it clears. */
  async function redraw(c: Case, stoppedAtMs: number): Promise<void> {
    const bounds = boundsOf(c.policy, deps.config);
    const runs = await runsSince(deps.db, c.policy.action, c.target, lookback(bounds, stoppedAtMs));
    const before = runs.filter((r) => r.createdAt.getTime() <= stoppedAtMs).map((r) => r.createdAt);
    const reached = boundReached(bounds, before, stoppedAtMs) ?? bounds[0]!;
    await drawCard(deps.db, place(c), card(c, reached, runs, stoppedAtMs), now());
    deps.kick();
  }

  /** A press from the card ended: the escalation card, if the policy stopped on it, shows how. */
  async function afterFinish(request: ActionRequest): Promise<void> {
    const id = insightIdOfSubject(request.subject);
    const insight = id === undefined ? undefined : await findById(deps.db, id);
    const policy = insight ? byKind.get(insight.kind) : undefined;
    if (!insight || !policy || policy.action !== request.action) return;
    const c = { policy, insight, target: { kind: request.targetKind, id: request.targetId } };
    const stopped = await stoppedAt(deps.db, { actor: policyActor(policy), action: policy.action, target: c.target }, insight.firstSeenAt);
    if (stopped) await redraw(c, stopped.getTime());
  }

  const place = (c: Case): CardPlace => ({ cardKey: cardKey(c), channels: routeInsight(deps.routing, c.insight), platforms: deps.platforms() });

  const stopDetail = (c: Case, bound: Bound, count: number): string =>
    `stopped by ${bound.by}: ${actionWords(c.policy.action)} already ran ${times(count)} on ${targetWords(`${c.target.kind}:${c.target.id}`)} in the last ${minutes(bound.windowMinutes)}, the most it allows; a person decides now`;

  function card(c: Case, bound: Bound, runs: readonly ActionRequest[], stoppedAtMs: number) {
    const entry = findEntry(c.insight.kind);
    const count = runsWithin(bound, runs.filter((r) => r.createdAt.getTime() <= stoppedAtMs).map((r) => r.createdAt), stoppedAtMs);
    const live = c.insight.status === 'open' || c.insight.status === 'acknowledged';
    const cleared = live ? undefined : c.insight.status === 'resolved' ? `✅ The condition cleared at ${utcClock(c.insight.resolvedAt ?? new Date(now()))}.` : `The insight was ${c.insight.status}.`;
    return escalationCard({
      action: c.policy.action,
      target: c.target,
      why: `${actorLabel(policyActor(c.policy))} stopped at ${utcClock(new Date(stoppedAtMs))}: it had run ${actionWords(c.policy.action).toLowerCase()} ${times(count)} in ${minutes(bound.windowMinutes)} (${bound.by} allows ${bound.maxRuns}), and it failed again: ${c.insight.detection.summary}`,
      runs: runs.filter((r) => r.createdAt.getTime() >= stoppedAtMs - bound.windowMinutes * 60_000),
      bound,
      severity: c.insight.severity,
      runbook: entry?.runbook ?? [],
      buttons: live ? insightCard(entry, c.insight, insightActionId).actions : [],
      ...(cleared ? { cleared } : {}),
      context: `Insight #${c.insight.id} · Triage asks a person: it will not run this again by itself while the bound holds`,
    });
  }

  return { onInsights, afterFinish };
}
