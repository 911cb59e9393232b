import type { Db } from '../../db/client.js';
import {
  events,
  platformBreakers,
  platformEmployees,
  platformLoops,
  platformMcpServers,
  platformProviders,
  platformRoutines,
  platformRuntimes,
  platformSeed,
  platformTasks,
  platformWorkers,
  platformWorkstreams,
} from '../../db/schema/index.js';
import {
  PROVIDER_NAMES,
  runtimeIdFor,
  SEED_BACKUP,
  SEED_BREAKERS,
  SEED_EMPLOYEES,
  SEED_HEARTBEAT_INTERVAL_SECONDS,
  SEED_LOOPS,
  SEED_MCP_SERVERS,
  SEED_PROVIDERS,
  SEED_ROUTINES,
  SEED_TASKS,
  SEED_WORKERS,
  SEED_WORKSTREAMS,
} from './seed-data.js';

const WORKSPACE = 'team-x';
/** The event source of what the seed itself reports, apart from the platform's own events. */
const SEED_SOURCE = 'triage-simulator-seed';

/**
 * Seeds the workspace once. The marker row and the seed share one transaction, so a second start
 * (or a second replica racing the first) finds the marker and leaves the half-recovered workspace
 * alone instead of resetting it to healthy. Returns whether this call seeded.
 */
export async function seedWorkspace(db: Db, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const marker = await tx.insert(platformSeed).values({ id: WORKSPACE, seededAt: now }).onConflictDoNothing().returning();
    if (!marker.length) return false;
    await tx.insert(platformEmployees).values(SEED_EMPLOYEES.map(({ id, name, role }) => ({ id, name, role })));
    await tx.insert(platformRuntimes).values(
      SEED_EMPLOYEES.map((e) => ({
        id: runtimeIdFor(e.id),
        employeeId: e.id,
        status: 'connected',
        heartbeatIntervalSeconds: SEED_HEARTBEAT_INTERVAL_SECONDS,
        lastHeartbeatAt: now,
        memoryLimitMb: e.memoryLimitMb,
      })),
    );
    await tx.insert(platformRoutines).values(SEED_ROUTINES.map((r) => ({ ...r, status: 'active' })));
    await tx.insert(platformMcpServers).values(SEED_MCP_SERVERS.map((s) => ({ ...s, status: 'healthy' })));
    await tx
      .insert(platformProviders)
      .values(SEED_PROVIDERS.map((p) => ({ ...p, name: PROVIDER_NAMES[p.id] ?? p.id, status: 'connected' })));
    await tx.insert(platformWorkers).values(SEED_WORKERS.map((id) => ({ id, status: 'healthy', lastHeartbeatAt: now })));
    await tx.insert(platformWorkstreams).values([...SEED_WORKSTREAMS]);
    await tx
      .insert(platformTasks)
      .values(SEED_TASKS.map((t) => ({ ...t, attempt: 1, maxAttempts: 3, timeoutSeconds: 600 })));
    await tx.insert(platformLoops).values(
      SEED_LOOPS.map(({ minutesAgo, ...loop }) => ({
        ...loop,
        status: 'completed',
        startedAt: new Date(now.getTime() - minutesAgo * 60_000),
        finishedAt: new Date(now.getTime() - (minutesAgo - 20) * 60_000),
      })),
    );
    await tx.insert(platformBreakers).values(SEED_BREAKERS.map((b) => ({ ...b, state: 'closed', failureRate: 0 })));
    // Into the event log, where a real backup job reports too (doctor/checks/backup.ts reads it), in
    // the seed's own transaction: one seeded workspace, one backup, whichever replica seeds it.
    const { minutesAgo, ...backup } = SEED_BACKUP;
    await tx.insert(events).values({
      source: SEED_SOURCE,
      eventKey: `${WORKSPACE}-seed-backup`,
      type: 'backup.completed',
      occurredAt: new Date(now.getTime() - minutesAgo * 60_000),
      receivedAt: now,
      attributes: backup,
      known: true,
    });
    return true;
  });
}
