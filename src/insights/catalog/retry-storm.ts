import { z } from 'zod';
import type { SignalWindow } from '../signal-window.js';
import { defineEntry, type Detection, type Entity } from './entry.js';
import { dismiss, isNewer, latestBy, MINUTE, num, ratio, text } from './helpers.js';
import { backoffTicket } from './seed-tickets.js';

type Storm = { endpoint: string; routine?: string; routineCalls?: number; breaker?: string };

/**
 * The two throttles the research names for a storm, as the endpoint's sample reports them: the
 * routine retrying hardest against it (`routine`, `routineCallsPerMinute`) and the circuit breaker
 * guarding it (`breaker`). One already paused, or a breaker already open, has nothing to offer.
 */
function throttles(window: SignalWindow, now: number, s: Storm): { entities: Entity[]; fields: Array<{ label: string; value: string }> } {
  const entities: Entity[] = [];
  const fields: Array<{ label: string; value: string }> = [];
  if (s.routine) {
    const paused = isNewer(latestBy(window, 'routine.paused', 'routine', now).get(s.routine), latestBy(window, 'routine.resumed', 'routine', now).get(s.routine));
    const calls = s.routineCalls !== undefined ? `${Math.round(s.routineCalls)} calls/min` : undefined;
    fields.push({ label: 'Storming routine', value: `${s.routine}${calls ? ` (${calls})` : ''}${paused ? ', paused' : ''}` });
    if (!paused) entities.push({ kind: 'routine', id: s.routine, ...(calls ? { detail: calls } : {}) });
  }
  if (s.breaker) {
    const state = latestBy(window, 'breaker.state', 'breaker', now).get(s.breaker)?.attributes.state;
    fields.push({ label: 'Guarded by', value: `circuit breaker ${s.breaker}${state ? ` (${state.replace('_', '-')})` : ''}` });
    if (state !== 'open') entities.push({ kind: 'breaker', id: s.breaker, ...(state ? { detail: state } : {}) });
  }
  return { entities, fields };
}

/** Self-healing research: a spike of calls to one endpoint, retries without backoff (a thundering herd). */
export default defineEntry({
  kind: 'retry_storm',
  source: 'self-healing',
  name: 'Retry storm',
  severity: 'warning',
  category: 'operational',
  thresholds: z.object({
    baselineMultiple: z.number().positive().default(5),
    // For endpoints with no baseline (new, or a sender that does not know it).
    callsPerMinute: z.number().positive().default(1000),
    windowMinutes: z.number().positive().default(15),
  }),
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    for (const sample of latestBy(window, 'endpoint.calls', 'endpoint', now).values()) {
      // An old sample says nothing about now: the storm may be long over.
      if (now - sample.at > thresholds.windowMinutes * MINUTE) continue;
      const a = sample.attributes;
      const { endpoint, callsPerMinute, baselinePerMinute } = a;
      const multiple = ratio(callsPerMinute, baselinePerMinute ?? 0);
      const spiking = multiple !== undefined && multiple >= thresholds.baselineMultiple;
      if (!spiking && callsPerMinute < thresholds.callsPerMinute) continue;
      const times = multiple !== undefined ? ` (${Math.round(multiple * 10) / 10}× baseline)` : '';
      const routine = text(a.routine);
      const breaker = text(a.breaker);
      const routineCalls = num(a.routineCallsPerMinute);
      const found = throttles(window, now, { endpoint, ...(routine ? { routine } : {}), ...(routineCalls !== undefined ? { routineCalls } : {}), ...(breaker ? { breaker } : {}) });
      detections.push({
        scope: endpoint,
        summary: `Retry storm on ${endpoint}: ${Math.round(callsPerMinute)} calls/min${times}.`,
        detail: 'Callers retry together without backoff; each wave reproduces the failure it retries.',
        entities: [{ kind: 'endpoint', id: endpoint }, ...found.entities],
        fields: [...(baselinePerMinute !== undefined ? [{ label: 'Baseline', value: `${Math.round(baselinePerMinute)} calls/min` }] : []), ...found.fields],
        facts: {
          callsPerMinute,
          ...(baselinePerMinute !== undefined ? { baselinePerMinute } : {}),
          ...(multiple !== undefined ? { multiple } : {}),
          ...(routine ? { routine } : {}),
          ...(breaker ? { breaker } : {}),
        },
      });
    }
    return detections;
  },
  title: (d) => `Retry storm: ${d.scope}`,
  actions: (d) => [
    ...d.entities
      .filter((e) => e.kind === 'routine')
      .map((routine) => ({
        action: 'pause_routine' as const,
        label: `Pause routine ${routine.id}`,
        target: routine,
        style: 'primary' as const,
        confirm: `Pause routine ${routine.id}? It stops calling ${d.scope} and makes no runs until someone resumes it.`,
      })),
    ...d.entities
      .filter((e) => e.kind === 'breaker')
      .map((breaker) => ({
        action: 'open_breaker' as const,
        label: `Open breaker ${breaker.id}`,
        target: breaker,
        style: 'danger' as const,
        confirm: `Open circuit breaker ${breaker.id}? Every call through it fails fast (or falls back) until it is reset or its half-open probe succeeds.`,
      })),
    dismiss,
  ],
  runbook: [
    'Find the callers: routines or agents retrying the same failure at fixed intervals.',
    'Throttle them (pause the routine, cap concurrency with a semaphore) so the dependency can recover.',
    'Open the circuit breaker that should have opened after sustained failure: callers fail fast instead of retrying into it.',
    'Fix the dependency that fails (MCP pool, provider rate limit).',
    'Retry with exponential backoff and full jitter and a maximum retry count.',
  ],
  preventiveTicket: backoffTicket,
  causedBy: ['provider_degraded'],
  // The storm feeds pool exhaustion and budget burn: calm it before fixing what it floods.
  recoveryRank: 9,
  lessons: ['Exponential backoff with jitter reduces retry storms by 60–80% versus fixed-interval retries.'],
});
