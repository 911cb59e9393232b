import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import { AlertImage, AlertLink, AlertSeverity, alertScope, type BoardAlert } from './model.js';

/** A saved alert read back: parsed, so a row an older or newer release wrote cannot poison the board. */
const SavedAlert = z.object({
  origin: z.string(),
  key: z.string(),
  status: z.enum(['triggered', 'acknowledged', 'resolved']),
  summary: z.string(),
  severity: AlertSeverity,
  affected: z.string().optional(),
  component: z.string().optional(),
  group: z.string().optional(),
  class: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  links: z.array(AlertLink).catch([]),
  images: z.array(AlertImage).catch([]),
  expiresAt: z.string().optional(),
  by: z.string().optional(),
  triggeredAt: z.string(),
  updatedAt: z.string(),
});

/** The alerts a new leader starts from: every one not resolved (resolved ones stay only for retention). */
export async function loadOpenAlerts(database: Database): Promise<BoardAlert[]> {
  const rows = await database.query<{ alert: unknown }>(sql`select alert from alert_states where status <> 'resolved'`);
  const alerts: BoardAlert[] = [];
  for (const row of rows) {
    const parsed = SavedAlert.safeParse(typeof row.alert === 'string' ? JSON.parse(row.alert) : row.alert);
    if (parsed.success) alerts.push(parsed.data as BoardAlert);
  }
  return alerts;
}

/**
 * Saves the board's changes in one statement. A row is only replaced by a newer state (by the
 * sender's time): a deposed leader finishing a late save cannot undo what its successor saved.
 * Sorted by key, so two savers take the rows' locks in one order.
 */
export async function saveAlerts(database: Database, alerts: readonly BoardAlert[]): Promise<void> {
  if (!alerts.length) return;
  const sorted = [...alerts].sort((a, b) => (alertScope(a) < alertScope(b) ? -1 : 1));
  const values = sql.join(
    sorted.map((a) => sql`(${a.origin}, ${a.key}, ${a.status}, ${JSON.stringify(a)}::jsonb, ${a.updatedAt}::timestamptz)`),
    sql`, `,
  );
  await database.query(sql`
    insert into alert_states (origin, key, status, alert, updated_at) values ${values}
    on conflict (origin, key) do update set status = excluded.status, alert = excluded.alert, updated_at = excluded.updated_at
    where alert_states.updated_at <= excluded.updated_at`);
}
