import { recentGaps } from '../../cluster/presence.js';
import type { Database } from '../../db/client.js';
import { clock, MINUTE } from '../../insights/catalog/helpers.js';
import type { Part } from './triage-itself-parts.js';

/**
 * How long after Triage's own downtime /doctor says so: the longest default threshold of the
 * time-based rules that give the platform grace (stuck loops, 30 minutes).
 */
const SHOWN_FOR_MS = 30 * MINUTE;

const minutes = (ms: number): string => (ms < MINUTE ? `${Math.max(1, Math.round(ms / 1_000))} s` : `${Math.round(ms / MINUTE)} min`);

/**
 * Triage's own downtime (src/cluster/presence.ts): while its grace lasts, a quiet runtime or a
 * loop that looks stuck may be Triage's blind spot, not the platform's problem, and on-call
 * should know why those cards wait.
 */
export async function downtimePart(database: Database, now: Date): Promise<Part> {
  const gaps = await recentGaps(database, new Date(now.getTime() - SHOWN_FOR_MS));
  const last = gaps.at(-1);
  if (!last) return { status: 'pass', details: [], actions: [] };
  const span = `${clock(last.from)} to ${clock(last.to)} (${minutes(last.to - last.from)})`;
  return {
    status: 'warning',
    headline: 'Triage itself was down recently',
    details: [
      `• no replica was accepting events from ${span}: whatever the platform sent then was lost`,
      '• until each rule has waited its own threshold again (no heartbeat, unresponsive worker, execution timeout; stuck loops: 30 min), silences that span this gap are not judged, so those cards may come late',
    ],
    actions: [],
    note: `Triage was down ${span}`,
  };
}
