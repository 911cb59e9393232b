import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { actorLabel, type Actor } from '../actor.js';
import { recordAudit } from '../audit/log.js';
import type { Authoriser } from '../auth/authoriser.js';
import { actionInWords, requiredRole } from '../auth/requirements.js';
import { actorKey } from '../auth/roles.js';
import { privately, type InteractionReply, type MessageRef } from '../chat/interactions.js';
import type { Db } from '../db/client.js';
import { actionCard, RETRY_SUBJECT } from './action-card.js';
import type { CardSink } from './card-sink.js';
import { findRecoveryAction, type RecoveryAction, type RecoveryDeps } from './recovery/index.js';
import { insightIdOfSubject } from '../insights/insight.js';
import { readBack } from './read-back.js';
import { claimRequest, findRequest, finishRequest, outcomeUnknown, overdueNotResumed, takeForResume, type ActionRequest, type Claim } from './request-store.js';
import { err, ok, type Result } from '../result.js';
import { utcClock } from '../clock.js';

export type RecoveryClick = {
  action: string;
  target: { kind: string; id: string };
  /** What the card was about ('insight:42'): the action card goes in that card's thread. */
  subject?: string;
  params?: unknown;
  actor: Actor;
  message: MessageRef;
  /** The chat platform's id for this one click; redeliveries carry the same one. */
  deliveryId?: string;
};

export type RecoveryRunnerDeps = {
  db: Db;
  authoriser: Pick<Authoriser, 'authorise'>;
  recovery: RecoveryDeps;
  showCard: CardSink;
  /** Redraws the insight card an action was pressed on, with the action's progress and outcome. */
  showInsight: (insightId: number) => Promise<void>;
  /** The card key of the card a subject is shown on, to thread the action card under it. */
  threadOf: (subject: string | undefined) => Promise<string | undefined>;
  logger: Pick<Logger, 'error' | 'warn'>;
  /** Told when a request ends (the incident thread mirrors it). */
  onFinished?: (request: ActionRequest) => Promise<void>;
  now?: () => number;
};

/** A policy's run: what to do, on what, for which card, as whom, and the key that makes it once. */
export type PolicyRun = { action: string; target: { kind: string; id: string }; subject: string; actor: Actor; idempotencyKey: string; reason: string };

export type ClickOptions = {
  /** Told of a click's request once it is claimed; what it answers is audited and told to the presser. */
  afterClaim?: (request: ActionRequest) => Promise<string | undefined>;
  /** Told when that request ends, after the cards it was pressed on are redrawn. */
  afterFinish?: (request: ActionRequest) => Promise<void>;
};

const RETRY_SUBJECT_PREFIX = `${RETRY_SUBJECT}:`;

/**
 * A recovery button, exactly once: authorised, stored (the row is the lock), answered at once,
 * then run in the background with its progress on a card everyone sees, audited at each step.
 */
export function createRecoveryRunner(deps: RecoveryRunnerDeps) {
  const now = deps.now ?? Date.now;
  const inFlight = new Set<Promise<void>>();

  /**
   * The pressed card shows the action in place (src/actions/insight-acts.ts): who pressed it, the
   * progress, then the outcome, with Retry after a failure. Under it, in its thread, a card keeps
   * the record of this one request; Retry is offered there only when no insight card can offer it.
   */
  const show = async (request: ActionRequest, action: RecoveryAction): Promise<void> => {
    const insightId = insightIdOfSubject(request.subject);
    if (insightId !== undefined) await deps.showInsight(insightId);
    const threadCardKey = await deps.threadOf(request.subject ?? undefined);
    const placement = { cardKey: `action:${request.id}`, channel: request.sourceMessage?.channel ?? 'ops', ...(threadCardKey ? { threadCardKey } : {}) };
    await deps.showCard(placement, actionCard(request, action.progress, { retry: insightId === undefined || !threadCardKey }));
  };

  async function click(input: RecoveryClick, options: ClickOptions = {}): Promise<InteractionReply> {
    const target = `${input.target.kind}:${input.target.id}`;
    const audit = (outcome: Parameters<typeof recordAudit>[1]['outcome'], detail?: string, requestId?: number) =>
      recordAudit(deps.db, { actor: input.actor, action: input.action, target, outcome, sourceMessage: input.message, ...(detail ? { detail } : {}), ...(requestId ? { requestId } : {}) });
    // Every attempt is on the record, the ones refused before anything ran included.
    const refuse = async (text: string) => {
      await audit('refused', text);
      return privately(text);
    };
    const action = findRecoveryAction(input.action);
    if (!action) return refuse(`Triage has no "${input.action.replace(/_/g, ' ')}" action. Nothing was done.`);
    if (input.target.kind !== action.targetKind) return refuse(`That button names a ${input.target.kind}, but ${actionInWords(input.action).toLowerCase()} acts on a ${action.targetKind}. Nothing was done.`);
    const allowed = await deps.authoriser.authorise(input.actor, requiredRole(input.action));
    if (!allowed.ok) return refuse(`${actionInWords(input.action)} ${allowed.error.message}`);
    const params = action.params.safeParse(input.params ?? {});
    if (!params.success) return refuse(`${actionInWords(input.action)} needs different input: ${params.error.issues.map((i) => i.message).join('; ')}. Nothing was done.`);
    const created = new Date(now());
    const retried = await retriedRequest(input);
    const claim = await claimRequest(deps.db, {
      idempotencyKey: input.deliveryId ?? `once:${randomUUID()}`,
      platformKey: retried && outcomeUnknown(retried) && retried.platformKey ? retried.platformKey : `triage-action-${randomUUID()}`,
      action: input.action,
      targetKind: input.target.kind,
      targetId: input.target.id,
      subject: retried ? retried.subject : (input.subject ?? null),
      params: params.data ?? {},
      actor: input.actor,
      actorKey: actorKey(input.actor),
      sourceMessage: input.message,
      createdAt: created,
      deadlineAt: new Date(created.getTime() + action.deadlineMs(deps.recovery)),
    });
    if (claim.outcome === 'duplicate') {
      await audit('duplicate', `already handled as request #${claim.request.id}`, claim.request.id);
      return privately(`That click was already handled (request #${claim.request.id}, ${claim.request.status}). Nothing more was done.`);
    }
    if (claim.outcome === 'busy') {
      const r = claim.request;
      await audit('busy', `request #${r.id} by ${actorLabel(r.actor)} still running`, r.id);
      return privately(`${input.target.id} is already being handled: ${actionInWords(r.action).toLowerCase()}, pressed by ${actorLabel(r.actor)} at ${utcClock(r.createdAt)}. Nothing more was done; the card shows when it ends.`);
    }
    // A restart loop is told to the presser and the channel, and the press still runs (src/remediation/).
    const note = await options.afterClaim?.(claim.request).catch((error: unknown) => {
      deps.logger.warn({ err: error, request: claim.request.id }, 'could not check the run bound; running it anyway');
      return undefined;
    });
    await audit('started', note, claim.request.id);
    await start(claim.request, action, options.afterFinish);
    return privately(`${actionInWords(input.action)} (${input.target.id}): ${action.progress} The card in the channel shows the result.${note ? ` ⚠️ ${note}` : ''}`);
  }

  /** Shows a claimed request's card and runs it in the background. */
  async function start(request: ActionRequest, action: RecoveryAction, afterFinish?: ClickOptions['afterFinish']): Promise<void> {
    // The action is claimed: a chat hiccup while showing its card must not leave it unrun.
    await show(request, action).catch((error: unknown) => deps.logger.warn({ err: error, request: request.id }, 'could not show the action card; running it anyway'));
    const work = execute(request, action, afterFinish).catch((error: unknown) => deps.logger.error({ err: error, request: request.id }, 'recovery action failed outside its own handling'));
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  /**
   * A remediation policy's run (src/remediation/): no click, so no role to check (the config that
   * names the policy is the authorisation, checked when it was loaded) and no message; the same
   * claim as a click, so a key given twice (another tick, another leader) runs once.
   */
  async function runForPolicy(input: PolicyRun): Promise<Result<Claim, string>> {
    const action = findRecoveryAction(input.action);
    if (!action || action.targetKind !== input.target.kind) return err(`${actionInWords(input.action)} cannot act on a ${input.target.kind}`);
    const params = action.params.safeParse({ reason: input.reason });
    if (!params.success) return err(`${actionInWords(input.action)} needs input a policy cannot give: ${params.error.issues.map((i) => i.message).join('; ')}`);
    const created = new Date(now());
    const claim = await claimRequest(deps.db, {
      idempotencyKey: input.idempotencyKey,
      platformKey: `triage-action-${randomUUID()}`,
      action: input.action,
      targetKind: input.target.kind,
      targetId: input.target.id,
      subject: input.subject,
      params: params.data ?? {},
      actor: input.actor,
      actorKey: actorKey(input.actor),
      sourceMessage: null,
      createdAt: created,
      deadlineAt: new Date(created.getTime() + action.deadlineMs(deps.recovery)),
    });
    if (claim.outcome !== 'started') return ok(claim);
    const target = `${input.target.kind}:${input.target.id}`;
    await recordAudit(deps.db, { actor: input.actor, action: input.action, target, outcome: 'started', detail: input.reason, requestId: claim.request.id });
    await start(claim.request, action);
    return ok(claim);
  }

  /** The request a Retry button was pressed on (subject `request:<id>`), if it is one of this action and target. */
  async function retriedRequest(input: RecoveryClick): Promise<ActionRequest | undefined> {
    const id = input.subject?.startsWith(RETRY_SUBJECT_PREFIX) ? Number(input.subject.slice(RETRY_SUBJECT_PREFIX.length)) : NaN;
    if (!Number.isSafeInteger(id)) return undefined;
    const previous = await findRequest(deps.db, id);
    const same = previous && previous.action === input.action && previous.targetKind === input.target.kind && previous.targetId === input.target.id;
    return same ? previous : undefined;
  }

  async function execute(request: ActionRequest, action: RecoveryAction, afterFinish?: ClickOptions['afterFinish']): Promise<void> {
    const call = { idempotencyKey: request.platformKey ?? `triage-action-${request.id}-${request.createdAt.getTime()}` };
    const result = await action.run(deps.recovery, { targetId: request.targetId, params: request.params, call }).catch((error: unknown) => ({
      ok: false as const,
      error: { code: 'platform' as const, text: `failed unexpectedly: ${(error as Error).message}`, retryable: false },
    }));
    // Before anyone is offered Retry after a failure nobody can explain, the target's state now.
    const known = result.ok || !outcomeUnknown({ status: 'failed', failureCode: result.error.code });
    const state = known ? undefined : await readBack(deps.recovery.platform, { kind: request.targetKind, id: request.targetId });
    const finished = await finishRequest(deps.db, request.id, {
      status: result.ok ? 'succeeded' : 'failed',
      outcome: result.ok ? result.value.text : withState(result.error.text, state),
      ...(result.ok ? {} : { retryable: result.error.retryable, failureCode: result.error.code }),
      at: new Date(now()),
    });
    // The watchdog got there first: it has already reported this request as failed.
    if (!finished) return;
    await recordAudit(deps.db, {
      actor: request.actor,
      action: request.action,
      target: `${request.targetKind}:${request.targetId}`,
      outcome: result.ok ? 'succeeded' : 'failed',
      detail: finished.outcome ?? undefined,
      durationMs: (finished.finishedAt?.getTime() ?? now()) - request.createdAt.getTime(),
      requestId: request.id,
    });
    await show(finished, action);
    await deps.onFinished?.(finished).catch((error: unknown) => deps.logger.warn({ err: error, request: request.id }, 'could not mirror the action'));
    await afterFinish?.(finished).catch((error: unknown) => deps.logger.warn({ err: error, request: request.id }, 'could not tell the end of the action'));
  }

  /**
   * Overdue requests nobody is running (their replica stopped after the claim, or mid-call), run
   * again once with the same Idempotency-Key: only call this when the platform honours keys, so a
   * request it already carried out is answered from its record, not done twice.
   */
  async function resumeOverdue(): Promise<number> {
    const at = new Date(now());
    let resumed = 0;
    for (const overdue of await overdueNotResumed(deps.db, at)) {
      const action = findRecoveryAction(overdue.action);
      if (!action) continue;
      const taken = await takeForResume(deps.db, overdue.id, at, new Date(at.getTime() + action.deadlineMs(deps.recovery)));
      if (!taken) continue;
      resumed++;
      await recordAudit(deps.db, { actor: taken.actor, action: taken.action, target: `${taken.targetKind}:${taken.targetId}`, outcome: 'started', detail: 'resumed by the watchdog: its replica stopped before it finished', requestId: taken.id });
      await show(taken, action).catch((error: unknown) => deps.logger.warn({ err: error, request: taken.id }, 'could not show the resumed action card'));
      const work = execute(taken, action).catch((error: unknown) => deps.logger.error({ err: error, request: taken.id }, 'resumed recovery action failed outside its own handling'));
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    }
    return resumed;
  }

  return {
    click,
    runForPolicy,
    show,
    resumeOverdue,
    /** Waits for the actions running in this process (tests, and stop). */
    idle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
export type RecoveryRunner = ReturnType<typeof createRecoveryRunner>;

/** The failure's words with what was read back, the ❌ kept at the end: "… within 10 s; read back: … ❌". */
const withState = (text: string, state: string | undefined): string => (state ? `${text.replace(/ ❌$/, '')}; ${state} ❌` : text);
