import type { Logger } from 'pino';
import type { ActionRequest } from '../actions/request-store.js';
import type { ClickOptions, RecoveryRunner } from '../actions/run-recovery.js';
import type { ChatPlatform } from '../chat/port.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { leadsEvaluation } from './leader.js';
import { createPolicies } from './policies.js';
import { createRestartLoopCheck } from './restart-loop.js';

export type Remediation = {
  /** After the leader publishes insights: each kind with a policy runs its action, within its bound. */
  onInsights: ReturnType<typeof createPolicies>['onInsights'];
  /** What a click tells remediation (src/actions/run-recovery.ts ClickOptions): a restart past the bound is flagged, escalation cards follow the press. */
  clicks: Required<ClickOptions>;
};

/** Remediation policies and the restart bound, built from config (docs/architecture.md, "Remediation policies"). */
export function createRemediation(deps: {
  config: Config;
  database: Database;
  /** Names this replica in the evaluator's lease. */
  replicaId: string;
  runner: Pick<RecoveryRunner, 'runForPolicy'>;
  platforms: () => ChatPlatform[];
  kick: () => void;
  logger: Logger;
}): Remediation {
  const { config, database, platforms, kick, logger } = deps;
  const policies = createPolicies({
    db: database.db,
    config: config.remediation,
    routing: config.routing,
    platforms,
    kick,
    runner: deps.runner,
    leading: leadsEvaluation(database, deps.replicaId),
    logger,
  });
  const loops = createRestartLoopCheck({ db: database.db, config: config.remediation, defaultChannel: config.routing.defaultChannel, platforms, kick });
  const afterFinish = async (request: ActionRequest): Promise<void> => {
    await loops.afterFinish(request);
    await policies.afterFinish(request);
  };
  return { onInsights: policies.onInsights, clicks: { afterClaim: loops.afterClaim, afterFinish } };
}
