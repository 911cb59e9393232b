import { err, ok, type Result } from '../result.js';
import { Section } from './check.js';

/** What people type after /doctor, and what each word means. */
const ALIASES: Record<string, Section> = {
  db: 'db', database: 'db',
  backup: 'backup', backups: 'backup', recovery: 'backup',
  runtimes: 'runtimes', runtime: 'runtimes',
  secrets: 'secrets', secret: 'secrets', credentials: 'secrets',
  providers: 'providers', provider: 'providers', llm: 'providers',
  mcp: 'mcp',
  budget: 'budget', budgets: 'budget',
  triage: 'triage', self: 'triage',
};

export const SECTION_HELP: Record<Section, string> = {
  db: "Triage's own database: reachable, migrations, a write round trip, connection headroom",
  backup: 'age of the newest backup',
  runtimes: 'every runtime against its heartbeat',
  secrets: 'required secrets present, credentials expiring, the chat bot token valid',
  providers: 'each LLM provider probed, with its recent error rate',
  mcp: 'each MCP server: initialize and ping',
  budget: 'routines at or over budget, pending overrides',
  triage: "Triage itself: undelivered cards, open breakers, unresponsive workers",
};

/** Words → sections, or the words nobody knows (all of them, so one answer fixes the command). */
export function parseSections(text: string): Result<Section[], string[]> {
  const words = text.trim().toLowerCase().split(/[\s,]+/).filter(Boolean);
  // Own keys only: `in` also finds Object.prototype's, so "constructor" ran zero checks and reported HEALTHY.
  const unknown = words.filter((w) => !Object.hasOwn(ALIASES, w));
  if (unknown.length > 0) return err(unknown);
  return ok([...new Set(words.map((w) => ALIASES[w]!))].sort((a, b) => Section.options.indexOf(a) - Section.options.indexOf(b)));
}
