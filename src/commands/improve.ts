import { err, ok, type Result } from '../result.js';
import type { Ticket } from '../tickets/port.js';
import { improvementSummary } from '../tickets/improve.js';
import { privately, type Command } from './command.js';

export type ImproveCommandDeps = {
  /** Runs the improvement loop for that incident, or the latest one; its error message is shown as it is. */
  improve: (incidentId?: number) => Promise<Result<{ created: Ticket[]; existing: Ticket[] }, { message: string }>>;
};

const usage = [
  '/improve — turn the latest incident\'s failures into preventive tickets',
  '/improve <incident id> — the same for one incident, e.g. /improve 12',
  '/improve help — this help',
];

const ID = /^#?(\d{1,15})$/;

/** "", "12" or "#12"; anything else is named back with the right form. */
export function parseIncidentId(args: string): Result<number | undefined, string> {
  const words = args.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return ok(undefined);
  const [word = ''] = words;
  if (words.length > 1) return err(`/improve takes one incident id, not "${args.trim()}". For example: /improve 12, or /improve for the latest incident.`);
  const match = ID.exec(word);
  const id = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) {
    return err(`"${word}" is not an incident id; ids are whole numbers like 12 (as in "Incident #12"). Use /improve 12, or /improve for the latest incident.`);
  }
  return ok(id);
}

/**
 * `/improve [incident id]`: the summary goes to the channel, so the room sees which tickets were
 * filed; mistakes and failures are answered privately.
 */
export function improveCommand(deps: ImproveCommandDeps): Command {
  return {
    name: 'improve',
    summary: 'turn an incident\'s failures into deduplicated preventive tickets',
    usage,
    async run(args) {
      if (args.trim().toLowerCase() === 'help') {
        return privately(['*/improve* files one preventive ticket per failure the incident showed, skipping those already open:', ...usage].join('\n'));
      }
      const id = parseIncidentId(args);
      if (!id.ok) return privately(id.error);
      const result = await deps.improve(id.value);
      if (!result.ok) return privately(result.error.message);
      return { visibility: 'channel', text: improvementSummary(result.value) };
    },
  };
}
