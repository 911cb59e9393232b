import { asc, inArray } from 'drizzle-orm';
import { pendingApprovals } from '../approvals/list.js';
import type { Db } from '../db/client.js';
import { incidents } from '../db/schema/incidents.js';
import { latestRuns } from '../doctor/store.js';
import { parseIncident } from '../incidents/model.js';
import { findLive } from '../insights/store.js';
import type { Overview } from './view.js';

/**
 * Reads what Home shows, once for every viewer: incidents not yet resolved (oldest first), live
 * critical insights (oldest first), approvals waiting for a decision, and the newest Doctor run.
 * Each read goes through the owning part's own queries (the approvals' and Doctor's stores).
 */
export async function readOverview(db: Db): Promise<Overview> {
  const [incidentRows, live, approvals, [doctor]] = await Promise.all([
    db.select().from(incidents).where(inArray(incidents.status, ['open', 'mitigated'])).orderBy(asc(incidents.openedAt), asc(incidents.id)),
    findLive(db),
    pendingApprovals(db),
    latestRuns(db, 1),
  ]);
  const critical = live.filter((i) => i.severity === 'critical').sort((a, b) => a.firstSeenAt.getTime() - b.firstSeenAt.getTime() || a.id - b.id);
  return { incidents: incidentRows.map(parseIncident), critical, approvals, ...(doctor ? { doctor } : {}) };
}
