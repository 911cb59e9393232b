import type { Actor } from '../actor.js';
import type { InteractionReply } from '../chat/interactions.js';
import { doctorCard, doctorPlainText } from '../doctor/card.js';
import type { Doctor } from '../doctor/service.js';

const gone = (runId: number): InteractionReply => ({
  visibility: 'private',
  text: `Doctor run #${runId} is not on record any more. Type /doctor for a fresh report.`,
});

/** Re-run: the same sections again, a new report in the channel; the old card stays as it was. */
export async function rerunDoctor(doctor: Doctor, input: { runId: number; actor: Actor }): Promise<InteractionReply> {
  const previous = await doctor.find(input.runId);
  if (!previous) return gone(input.runId);
  const report = await doctor.run({ requestedBy: input.actor, trigger: 'button', sections: previous.sections });
  return { visibility: 'channel', text: `Doctor (re-run of #${input.runId}): ${report.overall} (${report.counts})`, card: doctorCard(report) };
}

/** Copy report: plain text for a ticket, to the person who asked only. */
export async function copyDoctorReport(doctor: Doctor, input: { runId: number }): Promise<InteractionReply> {
  const report = await doctor.find(input.runId);
  if (!report) return gone(input.runId);
  return { visibility: 'private', text: '```\n' + doctorPlainText(report) + '\n```' };
}

/**
 * Run Doctor on an insight's card (database unreachable, a failing probe, a degraded provider):
 * every section, the report in the channel as /doctor gives it. Doctor only reads, so anyone may.
 */
export async function runDoctorFromCard(doctor: Doctor, input: { actor: Actor }): Promise<InteractionReply> {
  const report = await doctor.run({ requestedBy: input.actor, trigger: 'button', sections: [] });
  return { visibility: 'channel', text: `Doctor: ${report.overall} (${report.counts})`, card: doctorCard(report) };
}
