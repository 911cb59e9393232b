import type { InteractionReply } from '../chat/interactions.js';
import type { DoctorReport } from '../doctor/report.js';
import type { DoctorInput } from '../doctor/run.js';
import type { AuditRecord } from '../audit/log.js';
import { auditCommand } from './audit.js';
import { budgetCommand, type BudgetCommandDeps } from './budget.js';
import { privately, type Command, type CommandContext } from './command.js';
import { doctorCommand } from './doctor.js';
import { incidentCommands } from './incident-commands.js';
import type { IncidentDesk } from '../incidents/desk.js';
import { triageCommand } from './triage.js';

/** The use cases commands call; each command takes only what it needs. */
export type CommandDeps = {
  runDoctor: (input: Omit<DoctorInput, 'trigger'>) => Promise<DoctorReport>;
  requestBudget: BudgetCommandDeps['request'];
  maxOverrideUsd?: number;
  latestAudit: (limit: number) => Promise<AuditRecord[]>;
  /** Absent in tests of other commands: /incident, /postmortem and /improve then say so. */
  incidents?: IncidentDesk;
};

/** The one list of slash commands; adapters route every command text here. */
export function createCommands(deps: CommandDeps) {
  const commands: Command[] = [];
  commands.push(
    triageCommand(() => commands),
    doctorCommand(deps.runDoctor),
    budgetCommand({ request: deps.requestBudget, ...(deps.maxOverrideUsd ? { maxOverrideUsd: deps.maxOverrideUsd } : {}) }),
    auditCommand(deps.latestAudit),
    ...incidentCommands(deps.incidents),
  );
  const byName = new Map(commands.map((c) => [c.name, c]));

  return {
    list: () => [...commands],
    async run(command: string, args: string, ctx: CommandContext): Promise<InteractionReply> {
      const name = command.replace(/^\//, '').trim().toLowerCase();
      const found = byName.get(name);
      if (!found) {
        const known = commands.map((c) => `/${c.name}`).join(', ');
        return privately(`Unknown command /${name}. Triage knows ${known}; try /triage help.`);
      }
      return found.run(args, ctx);
    },
  };
}
export type Commands = ReturnType<typeof createCommands>;
