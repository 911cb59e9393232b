import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy } from './helpers.js';

/** Team-X: the improvement loop's "1 runtime session.stale event found" (Priya's hung session). */
export default defineEntry({
  kind: 'runtime_session_stale',
  source: 'team-x',
  name: 'Runtime session stale',
  severity: 'warning',
  category: 'operational',
  // The seed's runtime timeout was 5 minutes before it was cut to 2.
  thresholds: z.object({ idleSeconds: z.number().positive().default(300) }),
  detect({ window, now, thresholds }) {
    const heartbeats = latestBy(window, 'runtime.heartbeat', 'runtime', now);
    const detections: Detection[] = [];
    for (const stale of latestBy(window, 'runtime.session_stale', 'sessionId', now).values()) {
      const { runtime, sessionId, idleSeconds } = stale.attributes;
      const beat = heartbeats.get(runtime);
      // A heartbeat after the report means the runtime came back.
      if (idleSeconds < thresholds.idleSeconds || (beat && beat.at > stale.at)) continue;
      detections.push({
        scope: `${runtime}/${sessionId}`,
        summary: `Runtime session ${sessionId} on ${runtime} stale (idle ${Math.floor(idleSeconds / 60)} min).`,
        detail: 'Likely a hung process waiting on a failing dependency.',
        entities: [{ kind: 'runtime', id: runtime, detail: `session ${sessionId}` }],
        fields: [{ label: 'Idle', value: `${Math.round(idleSeconds)} s` }],
        facts: { runtime, sessionId, idleSeconds },
      });
    }
    return detections;
  },
  title: (d) => `Stale runtime session: ${d.scope}`,
  actions: (d) => [
    ...d.entities.map((runtime) => ({ action: 'restart_runtime' as const, label: `Restart ${runtime.id}`, target: runtime, style: 'primary' as const })),
    dismiss,
  ],
  runbook: [
    'Check what the session waits on: a hung process usually waits on a failing database or MCP server.',
    'Fix that dependency first, then restart the runtime and verify its heartbeat.',
    'Cut the runtime timeout so hung sessions fail faster (the seed: 5 min → 2 min).',
  ],
  preventiveTicket: {
    title: 'Add a health check endpoint and fail-fast timeouts to external runtimes',
    description:
      "bash-runtime-priya hung waiting on the failing database and was only noticed when it timed out. Add a health check endpoint and cut the runtime timeout from 5 min to 2 min so hung sessions fail fast.",
    owner: 'James',
    deliverables: ['Health check endpoint per runtime', 'Runtime timeout 2 min', 'Stale-session alert'],
  },
  causedBy: ['runtime_unreachable', 'mcp_server_failing', 'database_unreachable'],
  recoveryRank: 22,
});
