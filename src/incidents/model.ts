import { z } from 'zod';
import { Actor } from '../actor.js';
import type { Db } from '../db/client.js';
import type { incidents } from '../db/schema/incidents.js';

/**
 * An incident as the core sees it. Rows are parsed when read back (docs/architecture.md, conventions §5): the actors are
 * JSON, and a row written by an older Triage must fail here, not half-render on a card.
 */
export const IncidentStatus = z.enum(['open', 'mitigated', 'resolved']);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** 'correlated': opened by Triage from critical insights close together; 'declared': by a person. */
export const IncidentOrigin = z.enum(['correlated', 'declared']);
export type IncidentOrigin = z.infer<typeof IncidentOrigin>;

export const Incident = z.object({
  id: z.number().int(),
  title: z.string(),
  status: IncidentStatus,
  origin: IncidentOrigin,
  openedBy: Actor,
  resolvedBy: Actor.nullable(),
  channel: z.string(),
  openedAt: z.date(),
  mitigatedAt: z.date().nullable(),
  resolvedAt: z.date().nullable(),
  updatedAt: z.date(),
});
export type Incident = z.infer<typeof Incident>;

export type IncidentRow = typeof incidents.$inferSelect;

/** Throws on a row that does not parse: that is a bug or a hand edit, never an expected outcome. */
export const parseIncident = (row: IncidentRow): Incident => Incident.parse(row);

/** "14:32 UTC": how every incident message quotes a time. */
export { utcClock as clock } from '../clock.js';

/** "47 min", "2 h 05 min", "3 d 4 h": durations as people say them. */
export function duration(from: Date, to: Date): string {
  const minutes = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** What every incident use case takes: the database (or a transaction) and a clock for tests. */
export type IncidentContext = { db: Db; now?: () => number };

export const nowOf = (ctx: { now?: () => number }): Date => new Date(ctx.now?.() ?? Date.now());
