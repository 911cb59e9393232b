import type { Config } from '../../config.js';
import type { Database } from '../../db/client.js';
import type { Platform } from '../../platform/port.js';
import type { Result } from '../../result.js';
import type { DoctorCheck } from '../check.js';
import { backupCheck } from './backup.js';
import { budgetCheck, type BudgetCheckDeps } from './budget.js';
import { databaseCheck } from './database.js';
import { mcpCheck } from './mcp.js';
import { providersCheck } from './providers.js';
import { runtimesCheck } from './runtimes.js';
import { secretsCheck } from './secrets.js';
import { triageItselfCheck, type TriageItselfCheckDeps } from './triage-itself.js';

/** A chat platform's own "is my token good" call (Slack's auth.test), given by its adapter. */
export type ChatProbe = { name: string; probe(signal: AbortSignal): Promise<Result<string, string>> };

/** Every check, in the report's order (the seed's: database first, budgets last, Triage itself after). */
export function buildChecks(deps: {
  config: Config;
  database: Database;
  platform: Platform;
  chatProbes: ChatProbe[];
  pendingOverrides?: BudgetCheckDeps['pendingOverrides'];
  evaluator?: TriageItselfCheckDeps['evaluator'];
  platformBreaker?: TriageItselfCheckDeps['platformBreaker'];
}): DoctorCheck[] {
  const { config, database, platform } = deps;
  const doctor = config.doctor;
  return [
    databaseCheck({ database }),
    backupCheck({ database, config: doctor.backup }),
    runtimesCheck({ platform }),
    secretsCheck({
      required: doctor.requiredSecrets,
      present: new Set(config.environmentNames),
      database,
      warnDays: doctor.credentialWarnDays,
      chatProbes: deps.chatProbes,
    }),
    providersCheck({ platform, probes: doctor.providers, database }),
    // Each server's probe ends well inside the check's own deadline, so a hung server is named, not a TIMEOUT.
    mcpCheck({ platform, servers: doctor.mcpServers, database, timeoutMs: Math.floor(doctor.checkTimeoutMs * 0.6) }),
    budgetCheck({ platform, ...(deps.pendingOverrides ? { pendingOverrides: deps.pendingOverrides } : {}) }),
    triageItselfCheck({
      database,
      platform,
      outboxStuckAfterMinutes: doctor.outboxStuckAfterMinutes,
      ...(deps.evaluator ? { evaluator: deps.evaluator } : {}),
      ...(deps.platformBreaker ? { platformBreaker: deps.platformBreaker } : {}),
    }),
  ];
}
