import type { Logger } from 'pino';
import type { CardSink } from '../actions/card-sink.js';
import type { Authoriser } from '../auth/authoriser.js';
import { actionInWords, requiredRole } from '../auth/requirements.js';
import type { Config } from '../config.js';
import { err, ok } from '../result.js';
import type { Database } from '../db/client.js';
import { weeklyDigest } from '../digest/weekly.js';
import type { Scheduler } from '../jobs/scheduler.js';
import { createPolisher } from '../postmortem/polish.js';
import { builtinTickets } from '../tickets/builtin.js';
import { githubTickets } from '../tickets/github.js';
import { mirroredTickets } from '../tickets/mirror.js';
import type { Tickets } from '../tickets/port.js';
import { createIncidentDesk, type IncidentDesk } from './desk.js';

export const DIGEST_JOB = 'weekly-digest';

/**
 * Incidents from config: GitHub Issues for preventive tickets when GITHUB_TOKEN and
 * GITHUB_REPOSITORY are set (else the built-in tracker), the LLM polisher when configured (one
 * per process, so its circuit breaker remembers failures), and the weekly digest's schedule.
 */
export function createIncidents(deps: {
  config: Config;
  database: Database;
  showCard: CardSink;
  scheduler: Scheduler;
  authoriser: Pick<Authoriser, 'authorise'>;
  tickets: Tickets;
  logger: Logger;
}): IncidentDesk {
  const { config, database, logger, tickets } = deps;
  const desk = createIncidentDesk({
    db: database.db,
    config: config.incidents,
    showCard: deps.showCard,
    tickets,
    polisher: createPolisher(config.incidents.llm),
    logger,
    authorise: async (actor, action) => {
      const decided = await deps.authoriser.authorise(actor, requiredRole(action));
      return decided.ok ? ok(undefined) : err({ message: `${actionInWords(action)} ${decided.error.message}` });
    },
  });
  if (config.incidents.digestCron !== 'off') {
    deps.scheduler.schedule(DIGEST_JOB, config.incidents.digestCron, async ({ tick }) => {
      const card = await weeklyDigest({ db: database.db, now: () => tick.getTime() });
      await deps.showCard({ cardKey: `digest:${tick.toISOString().slice(0, 10)}`, channel: config.incidents.channel }, card);
    });
  }
  return desk;
}

/**
 * The ticket tracker from config, one per process: GitHub Issues when GITHUB_TOKEN and
 * GITHUB_REPOSITORY are set, else the built-in one. Preventive tickets (the minutes) and the
 * regression cases of failed intents (src/actions/recovery/work/fail-intent.ts) go to it.
 */
export function createTickets(config: Config, database: Database, logger: Logger): Tickets {
  const github = config.incidents.github;
  // GitHub issues are mirrored in the built-in table, so the console and the digest see them too.
  const tickets = github
    ? mirroredTickets(githubTickets(github), database.db, { onError: (error) => logger.warn({ err: error }, 'could not mirror a GitHub issue') })
    : builtinTickets(database.db);
  logger.info({ tracker: tickets.tracker }, github ? `preventive tickets go to GitHub ${github.repository}` : 'preventive tickets go to the built-in tracker');
  return tickets;
}
