import { parseActionId } from '../chat/action-id.js';
import type { ClickInput, InteractionReply, Interactions } from '../chat/interactions.js';
import type { Commands } from '../commands/index.js';
import { COPY_ACTION, DOCTOR_SUBJECT, RERUN_ACTION } from '../doctor/card.js';
import type { Doctor } from '../doctor/service.js';
import type { InsightLifecycle } from '../insights/lifecycle.js';
import { copyDoctorReport, rerunDoctor } from './doctor-buttons.js';
import { acknowledgeInsight, dismissInsight } from './insight-decisions.js';

const privately = (text: string): InteractionReply => ({ visibility: 'private', text });

/**
 * The core behind every adapter's buttons and commands. Clicks are untrusted: the action id is
 * parsed and validated here, and anything unknown gets a clear private answer, never a crash.
 */
export function createInteractions(deps: {
  commands: Commands;
  lifecycle: InsightLifecycle;
  suppressMinutes: number;
  doctor?: Doctor;
  now?: () => Date;
}): Interactions {
  const now = deps.now ?? (() => new Date());

  const click = async (input: ClickInput): Promise<InteractionReply> => {
    const parsed = parseActionId(input.actionId);
    if (!parsed.ok) return privately('Triage does not recognise that button (it may come from an older version of the card). Nothing was done.');
    const { action, subject } = parsed.value;
    const insightId = subject?.kind === 'insight' ? Number(subject.id) : NaN;
    if ((action === 'dismiss' || action === 'acknowledge') && !Number.isSafeInteger(insightId)) {
      return privately('That button does not name an insight. Nothing was done.');
    }
    if ((action === RERUN_ACTION || action === COPY_ACTION) && deps.doctor) {
      const runId = subject?.kind === DOCTOR_SUBJECT ? Number(subject.id) : NaN;
      if (!Number.isSafeInteger(runId)) return privately('That button does not name a Doctor run. Nothing was done.');
      return action === RERUN_ACTION ? rerunDoctor(deps.doctor, { runId, actor: input.actor }) : copyDoctorReport(deps.doctor, { runId });
    }
    if (action === 'dismiss') return dismissInsight(deps.lifecycle, { insightId, actor: input.actor, suppressMinutes: deps.suppressMinutes, now: now() });
    if (action === 'acknowledge') return acknowledgeInsight(deps.lifecycle, { insightId, actor: input.actor, now: now() });
    // Recovery actions and approvals run against the platform with authorisation, idempotency
    // keys and audit; until that lands, say so plainly rather than pretend.
    return privately(`"${action.replace(/_/g, ' ')}" is not available from chat in this version of Triage yet. Nothing was done.`);
  };

  return {
    click,
    command: (input) => deps.commands.run(input.command, input.text, { actor: input.actor, channel: input.channel, platform: input.platform }),
  };
}
