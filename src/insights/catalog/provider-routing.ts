import { z } from 'zod';
import type { Signal, SignalWindow } from '../signal-window.js';
import { clock, num, percent, upTo } from './helpers.js';

/** #63's failover trigger is an error rate above 10%; 5 s latency marks "slow response". */
export const healthLimits = z.object({ latencyMs: z.number().positive().default(5000), errorRate: z.number().min(0).max(1).default(0.1) });
export type Limits = z.output<typeof healthLimits>;

/** Why the provider counts as degraded, in the Doctor's words ("Degraded (slow response)"); none when healthy. */
export function problems({ attributes: a }: Signal<'provider.health'>, limits: Limits): string[] {
  // A sender that judged the latency itself states its limit (OTLP: a model call's p95, src/genai/signals.ts).
  const latencyLimit = num((a as Record<string, unknown>).latencyLimitMs) ?? limits.latencyMs;
  return [
    ...(a.status === 'down' ? ['down'] : []),
    ...(a.latencyMs > latencyLimit ? ['slow response'] : []),
    ...(a.errorRate > limits.errorRate ? [`error rate ${percent(a.errorRate)}`] : []),
    ...(a.status === 'degraded' && a.latencyMs <= latencyLimit && a.errorRate <= limits.errorRate ? ['reported degraded'] : []),
  ];
}

/** Where a provider's new work goes while it is failed over, and since when. */
export type Routing = { routedTo: string; since: number };

/**
 * Each provider's failover as its newest health report that says where its work goes
 * (`routedTo`, docs/platform-api.md "Recovery operations"): a report that leaves it out (a plain
 * health sample) neither starts nor ends one, `routedTo: null` ends it.
 */
export function routings(window: SignalWindow, now: number): Map<string, Routing> {
  const newest = new Map<string, Signal<'provider.health'>>();
  for (const s of upTo(window, 'provider.health', now)) {
    if (Object.hasOwn(s.attributes, 'routedTo')) newest.set(s.attributes.provider, s);
  }
  const routed = new Map<string, Routing>();
  for (const [provider, s] of newest) {
    const to = s.attributes.routedTo;
    if (typeof to !== 'string' || !to) continue;
    const since = typeof s.attributes.routedSince === 'string' ? Date.parse(s.attributes.routedSince) : NaN;
    routed.set(provider, { routedTo: to, since: Number.isFinite(since) ? since : s.at });
  }
  return routed;
}

export const routingWords = (r: Routing): string => `routed to ${r.routedTo} since ${clock(r.since)}`;
