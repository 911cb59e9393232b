import { z } from 'zod';
import type { ActionSpec } from '../insights/catalog/entry.js';

/**
 * What one Doctor check is and what it finds. A check is a factory's product: its dependencies
 * (the database, the Platform port, its slice of config) are injected when it is built, so `run`
 * needs only a deadline. Checks never print a secret: names of secrets, never values.
 */
export const Section = z.enum(['db', 'backup', 'runtimes', 'secrets', 'providers', 'mcp', 'budget', 'triage']);
export type Section = z.infer<typeof Section>;

/**
 * - partial: some of a set is degraded but the whole still works (the seed's "Provider health
 *   PARTIAL"); shown, but not counted as a warning.
 */
export type FindingStatus = 'pass' | 'partial' | 'warning' | 'fail';
/** What the runner adds: a check that did not answer in time. */
export type CheckStatus = FindingStatus | 'timeout';

/** A step of the action plan. `kind` is a catalog kind: its recoveryRank orders the plan. */
export type DoctorAction = {
  kind: string;
  text: string;
  /** Buttons that do it (restart this runtime, restart that MCP server); may be empty. */
  buttons: ActionSpec[];
};

export type Finding = {
  status: FindingStatus;
  /** Shown after the status word, e.g. "backup: 1 hour ago". */
  summary?: string;
  /** Short lines under the check: "• bash-runtime-mike (connection refused)". */
  details: string[];
  actions: DoctorAction[];
};

export type CheckContext = {
  /** Aborted when the check's time is up: pass it to fetch, SQL cancels and SDK calls. */
  signal: AbortSignal;
  now: Date;
};

export type DoctorCheck = {
  section: Section;
  /** As the report shows it: "Database integrity". */
  name: string;
  run(ctx: CheckContext): Promise<Finding>;
};

export const pass = (summary?: string, details: string[] = []): Finding => ({
  status: 'pass',
  ...(summary ? { summary } : {}),
  details,
  actions: [],
});
