import { z } from 'zod';
import type { Signal, SignalWindow } from '../signal-window.js';
import { defineEntry, type Detection, type Entity } from './entry.js';
import { clock, dismiss, heardSince, isNewer, latestBy, text, upTo, words } from './helpers.js';
import { memoryMonitoringTicket } from './seed-tickets.js';

type DownSignal = Signal<'runtime.disconnected'> | Signal<'runtime.execution_failed'>;

/** What went wrong since the runtime's last heartbeat: the newest reason, and whether OOM was behind it. */
function outage(window: SignalWindow, runtime: string, since: number, now: number): { latest?: DownSignal; oom: boolean } {
  const evidence: DownSignal[] = [...upTo(window, 'runtime.disconnected', now), ...upTo(window, 'runtime.execution_failed', now)]
    .filter((s) => s.attributes.runtime === runtime && s.at >= since)
    .sort((a, b) => a.at - b.at);
  // A supervisor often sees only the refused socket; the OOM that caused it is in an earlier event or a `cause`.
  const oom = evidence.some((s) => s.attributes.reason === 'oom' || text(s.attributes.cause) === 'oom');
  return { latest: evidence.at(-1), oom };
}

/** Team-X: "External runtimes disconnected: bash-runtime-mike (connection refused)", one card per runtime. */
export default defineEntry({
  kind: 'runtime_unreachable',
  source: 'team-x',
  name: 'External runtime unreachable',
  severity: 'critical',
  category: 'operational',
  thresholds: z.object({ missedIntervals: z.number().positive().default(2) }),
  detect({ window, now, thresholds, gaps }) {
    const heartbeats = latestBy(window, 'runtime.heartbeat', 'runtime', now);
    const disconnects = latestBy(window, 'runtime.disconnected', 'runtime', now);
    const detections: Detection[] = [];
    for (const runtime of new Set([...heartbeats.keys(), ...disconnects.keys()])) {
      const beat = heartbeats.get(runtime);
      const down = disconnects.get(runtime);
      const silent = !!beat && now - heardSince(gaps, beat.at) > thresholds.missedIntervals * beat.attributes.intervalSeconds * 1000;
      const disconnected = isNewer(down, beat);
      if (!silent && !disconnected) continue;
      const { latest, oom } = outage(window, runtime, beat?.at ?? 0, now);
      const reason = latest ? words(latest.attributes.reason) : 'no heartbeat';
      const employee = beat?.attributes.employee ?? down?.attributes.employee ?? latest?.attributes.employee;
      const entities: Entity[] = [{ kind: 'runtime', id: runtime, detail: reason, ...(employee ? { label: `${runtime} (${employee})` } : {}) }];
      if (employee) entities.push({ kind: 'employee', id: employee });
      detections.push({
        scope: runtime,
        summary: `External runtime ${runtime} unreachable (${reason}).`,
        detail: [
          beat ? `No heartbeat since ${clock(beat.at)} (interval ${beat.attributes.intervalSeconds} s).` : 'Disconnected; no heartbeat seen.',
          oom ? 'Process crashed (OOM).' : '',
        ].filter(Boolean).join(' '),
        entities,
        fields: [...(employee ? [{ label: 'Affected employee', value: employee }] : []), { label: 'Reason', value: reason }],
        facts: { reason, oom, ...(beat ? { lastHeartbeatAt: new Date(beat.at).toISOString() } : {}) },
      });
    }
    return detections;
  },
  title: (d) => `Runtime ${d.scope} unreachable`,
  actions: (d) => [
    ...d.entities
      .filter((e) => e.kind === 'runtime')
      .map((runtime) => ({ action: 'restart_runtime' as const, label: `Restart ${runtime.id}`, target: runtime, style: 'primary' as const })),
    dismiss,
  ],
  runbook: [
    'Fix upstream dependencies first (MCP servers, database): a runtime hung waiting on them fails again after a restart.',
    'Kill the existing runtime process and clear its workspace temp files.',
    'Restart the runtime with a higher memory limit if it crashed with OOM (the seed: 2 GB → 4 GB) and a restart policy.',
    'Verify the heartbeat (HEARTBEAT_DETECTED) and tell the affected employee they will receive work again.',
  ],
  preventiveTicket: memoryMonitoringTicket,
  causedBy: ['runtime_memory_high', 'mcp_server_failing', 'mcp_pool_exhausted'],
  recoveryRank: 20,
  lessons: [
    'Single points of failure (MCP, runtimes) cause cascading issues.',
    'A shorter heartbeat interval (the seed: 30 s → 15 s) detects a dead runtime sooner.',
  ],
});
