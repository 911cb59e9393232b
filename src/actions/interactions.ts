import { parseActionId, type ActionRef } from '../chat/action-id.js';
import { privately, type ClickInput, type InteractionReply, type Interactions } from '../chat/interactions.js';
import type { Commands } from '../commands/index.js';
import { COPY_ACTION, DOCTOR_SUBJECT, RERUN_ACTION } from '../doctor/card.js';
import type { Doctor } from '../doctor/service.js';
import { APPROVAL_SUBJECT, approvalDecisionOf, VIEW_LOGS_ACTION } from '../approvals/card.js';
import { INCIDENT_SUBJECT, RESOLVE_INCIDENT_ACTION } from '../incidents/card.js';
import type { IncidentDesk } from '../incidents/desk.js';
import type { InsightLifecycle } from '../insights/lifecycle.js';
import type { ApprovalDesk } from './approval-desk.js';
import { copyDoctorReport, rerunDoctor, runDoctorFromCard } from './doctor-buttons.js';
import { acknowledgeInsight, dismissInsight } from './insight-decisions.js';
import { findRecoveryAction } from './recovery/index.js';
import { actionWords } from './action-card.js';
import { gateOf } from '../auth/requirements.js';
import type { RecoveryRunner } from './run-recovery.js';


export type InteractionDeps = {
  commands: Commands;
  lifecycle: InsightLifecycle;
  suppressMinutes: number;
  doctor?: Doctor;
  recovery?: RecoveryRunner;
  approvals?: ApprovalDesk;
  incidents?: IncidentDesk;
  now?: () => Date;
};

/**
 * The core behind every adapter's buttons and commands. Clicks are untrusted: the action id is
 * parsed and validated here, and anything unknown gets a clear private answer, never a crash.
 */
export function createInteractions(deps: InteractionDeps): Interactions {
  const now = deps.now ?? (() => new Date());

  const click = async (input: ClickInput): Promise<InteractionReply> => {
    const parsed = parseActionId(input.actionId);
    if (!parsed.ok) return privately('Triage does not recognise that button (it may come from an older version of the card). Nothing was done.');
    const { action, subject } = parsed.value;
    const numericId = (kind: string) => (subject?.kind === kind ? Number(subject.id) : NaN);
    if (action === 'dismiss' || action === 'acknowledge') {
      const insightId = numericId('insight');
      if (!Number.isSafeInteger(insightId)) return privately('That button does not name an insight. Nothing was done.');
      if (action === 'dismiss') return dismissInsight(deps.lifecycle, { insightId, actor: input.actor, suppressMinutes: deps.suppressMinutes, now: now() });
      return acknowledgeInsight(deps.lifecycle, { insightId, actor: input.actor, now: now() });
    }
    if ((action === RERUN_ACTION || action === COPY_ACTION) && deps.doctor) {
      const runId = numericId(DOCTOR_SUBJECT);
      if (!Number.isSafeInteger(runId)) return privately('That button does not name a Doctor run. Nothing was done.');
      return action === RERUN_ACTION ? rerunDoctor(deps.doctor, { runId, actor: input.actor }) : copyDoctorReport(deps.doctor, { runId });
    }
    if (action === 'run_doctor' && deps.doctor) return runDoctorFromCard(deps.doctor, { actor: input.actor });
    if (action === RESOLVE_INCIDENT_ACTION && deps.incidents) {
      const incidentId = numericId(INCIDENT_SUBJECT);
      if (!Number.isSafeInteger(incidentId)) return privately('That button does not name an incident. Nothing was done.');
      return resolveFromCard(deps.incidents, incidentId, input);
    }
    if (deps.approvals) {
      const routed = await approvalClick(deps.approvals, parsed.value, input);
      if (routed) return routed;
    }
    if (deps.recovery && findRecoveryAction(action)) return recoveryClick(deps.recovery, parsed.value, input);
    return privately(`"${action.replace(/_/g, ' ')}" is not available from chat in this version of Triage. Nothing was done.`);
  };

  return {
    click,
    command: (input) => deps.commands.run(input.command, input.text, { actor: input.actor, channel: input.channel, platform: input.platform }),
  };
}

/** Resolve on the header card: the same use case as /incident resolve, answered in the channel. */
async function resolveFromCard(desk: IncidentDesk, incidentId: number, input: ClickInput): Promise<InteractionReply> {
  const resolved = await desk.resolve({ incidentId, actor: input.actor });
  if (!resolved.ok) return privately(resolved.error.message);
  return { visibility: 'channel', text: `Incident #${incidentId} resolved by ${input.actor.name ?? input.actor.userId}. The minutes and the preventive tickets are in its thread.` };
}

/** Approve, Deny, View logs, and the gated actions' requests; undefined for any other button. */
async function approvalClick(desk: ApprovalDesk, ref: ActionRef, input: ClickInput): Promise<InteractionReply | undefined> {
  const approvalId = ref.subject?.kind === APPROVAL_SUBJECT ? Number(ref.subject.id) : NaN;
  const decision = approvalDecisionOf(ref.action);
  if (decision && ref.subject?.kind !== APPROVAL_SUBJECT && ref.target) {
    // Approve on the insight card itself: it decides the pending approval for that target.
    return desk.decideForTarget({ action: ref.action, target: ref.target, actor: input.actor, message: input.message });
  }
  if (decision || ref.action === VIEW_LOGS_ACTION) {
    if (!Number.isSafeInteger(approvalId)) return privately('That button does not name an approval. Nothing was done.');
    if (decision) return desk.decide({ action: ref.action, approvalId, actor: input.actor, message: input.message });
    return desk.viewLogs(approvalId);
  }
  // Known approval-gated actions only: gateOf fails closed to 'approval' for unknown ones, which
  // are answered as unknown below instead.
  if (gateOf(ref.action) === 'approval' && (ref.action === 'rollback_workstream' || findRecoveryAction(ref.action))) {
    if (!ref.target) return privately('That button does not say what it acts on. Nothing was done.');
    const insightId = ref.subject?.kind === 'insight' ? Number(ref.subject.id) : NaN;
    return desk.requestGated({
      action: ref.action,
      target: ref.target,
      ...(Number.isSafeInteger(insightId) ? { insightId } : {}),
      actor: input.actor,
      message: input.message,
    });
  }
  return undefined;
}

function recoveryClick(runner: RecoveryRunner, ref: ActionRef, input: ClickInput): Promise<InteractionReply> {
  if (!ref.target) return Promise.resolve(privately('That button does not say what it acts on. Nothing was done.'));
  return runner.click({
    action: ref.action,
    target: ref.target,
    ...(ref.subject ? { subject: `${ref.subject.kind}:${ref.subject.id}` } : {}),
    params: withDefaults(ref.action, parseValue(input.value), input),
    actor: input.actor,
    message: input.message,
    ...(input.deliveryId ? { deliveryId: input.deliveryId } : {}),
  });
}

/**
 * A button cannot ask for text, and several actions need a reason on record (skipping a task,
 * failing an intent, pausing a routine): from a card, the reason says who pressed it where, after
 * the confirmation its gate asks for. Actions that take no reason ignore it (their params schemas
 * drop unknown keys).
 */
function withDefaults(action: string, params: unknown, input: ClickInput): unknown {
  const given = params && typeof params === 'object' ? (params as Record<string, unknown>) : {};
  const how = gateOf(action) === 'none' ? '' : ' after the confirmation';
  return { reason: `${actionWords(action).toLowerCase()} from ${input.message.platform} by ${input.actor.name ?? input.actor.userId}${how}`, ...given };
}

/** A button's value is ours, but it came back through a chat platform: JSON or nothing. */
function parseValue(value: string | undefined): unknown {
  if (!value) return {};
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return {};
  }
}
