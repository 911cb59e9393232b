import type { Logger } from 'pino';
import { createInteractions } from './actions/interactions.js';
import type { ActionDesk } from './actions/setup.js';
import { latestAudit } from './audit/log.js';
import type { Interactions } from './chat/interactions.js';
import { createCommands } from './commands/index.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { Doctor } from './doctor/service.js';
import type { IncidentDesk } from './incidents/desk.js';
import { doctorMirror } from './incidents/mirror-words.js';
import type { InsightLifecycle } from './insights/lifecycle.js';

/**
 * What every chat adapter calls: the commands and the buttons, over the use cases. A Doctor run
 * asked for during an incident is also mirrored into the incident's thread.
 */
export function createChatEntry(deps: {
  config: Config;
  database: Database;
  doctor: Doctor;
  actions: ActionDesk;
  incidents: IncidentDesk;
  lifecycle: InsightLifecycle;
  logger: Logger;
}): Interactions {
  const { config, doctor, incidents, actions, logger } = deps;
  const commands = createCommands({
    runDoctor: async (input) => {
      const report = await doctor.run({ ...input, trigger: 'command' });
      const entry = doctorMirror(report);
      await incidents
        .mirror(`doctor:${report.runId}`, entry.title, entry.text, entry.severity)
        .catch((error: unknown) => logger.warn({ err: error }, 'could not mirror the Doctor run'));
      return report;
    },
    requestBudget: actions.approvals.requestBudget,
    maxOverrideUsd: config.approvals.maxOverrideUsd,
    latestAudit: (limit) => latestAudit(deps.database.db, limit),
    incidents,
  });
  return createInteractions({
    commands,
    lifecycle: deps.lifecycle,
    doctor,
    recovery: actions.recovery,
    approvals: actions.approvals,
    incidents,
    suppressMinutes: config.insights.suppressMinutes,
  });
}
