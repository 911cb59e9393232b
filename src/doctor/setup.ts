import type { Outbox } from '../chat/outbox/index.js';
import type { ChatPlatform } from '../chat/port.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { findEntry } from '../insights/catalog/index.js';
import type { Scheduler } from '../jobs/scheduler.js';
import type { DoctorCheck } from './check.js';
import { DOCTOR_JOB, scheduledDoctor } from './schedule.js';
import { createDoctor, type Doctor } from './service.js';

/** Doctor with its checks, its plan ordered by the catalog, and its daily run (unless 'never'). */
export function startDoctor(deps: {
  config: Config;
  database: Database;
  checks: DoctorCheck[];
  scheduler: Scheduler;
  outbox: Pick<Outbox, 'enqueuePost'>;
  platforms: () => ChatPlatform[];
}): Doctor {
  const { config } = deps;
  const doctor = createDoctor({
    db: deps.database.db,
    checks: deps.checks,
    timeoutMs: config.doctor.checkTimeoutMs,
    rankOf: (kind) => findEntry(kind)?.recoveryRank,
  });
  if (config.doctor.schedule.post !== 'never') {
    deps.scheduler.schedule(DOCTOR_JOB, config.doctor.schedule.cron, () =>
      scheduledDoctor({ doctor, outbox: deps.outbox, platforms: deps.platforms, schedule: config.doctor.schedule }),
    );
  }
  return doctor;
}
