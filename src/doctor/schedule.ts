import type { Actor } from '../actor.js';
import type { ChatPlatform } from '../chat/port.js';
import type { Outbox } from '../chat/outbox/index.js';
import type { DoctorConfig } from './config.js';
import { doctorCard } from './card.js';
import type { DoctorReport } from './report.js';
import type { Doctor } from './service.js';

export const DOCTOR_JOB = 'doctor-daily';
const scheduleActor: Actor = { platform: 'cron', userId: DOCTOR_JOB, name: 'the Doctor schedule' };

/**
 * One scheduled run (the scheduler makes it once across replicas). The report goes through the
 * outbox so a chat outage delays it instead of losing it; a healthy report stays quiet unless the
 * config asks for it always.
 */
export async function scheduledDoctor(deps: {
  doctor: Doctor;
  outbox: Pick<Outbox, 'enqueuePost'>;
  platforms: () => ChatPlatform[];
  schedule: DoctorConfig['schedule'];
}): Promise<{ report: DoctorReport; posted: boolean }> {
  const report = await deps.doctor.run({ requestedBy: scheduleActor, trigger: 'schedule', sections: [] });
  const post = deps.schedule.post === 'always' || (deps.schedule.post === 'when_not_healthy' && report.overall !== 'HEALTHY');
  if (!post) return { report, posted: false };
  const card = doctorCard(report);
  for (const platform of deps.platforms()) {
    await deps.outbox.enqueuePost({ platform, channel: deps.schedule.channel, cardKey: `doctor:${report.runId}`, card });
  }
  return { report, posted: true };
}
