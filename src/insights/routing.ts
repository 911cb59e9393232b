import { z } from 'zod';
import { Category, Severity } from '../chat/card.js';

/**
 * Which channels an insight goes to. A route matches when every filter it sets matches; an
 * insight goes to every matching route's channel, or to the default channel when none match.
 * A channel's minimum severity then filters (a #leads channel may want critical only).
 */
export const Routing = z
  .object({
    defaultChannel: z.string().min(1).default('ops'),
    channels: z.record(z.string(), z.object({ minSeverity: Severity.default('info') })).default({}),
    routes: z
      .array(
        z.object({
          channel: z.string().min(1),
          categories: z.array(Category).optional(),
          severities: z.array(Severity).optional(),
          kinds: z.array(z.string()).optional(),
        }),
      )
      .default([]),
  })
  .prefault({});
export type Routing = z.infer<typeof Routing>;

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function routeInsight(routing: Routing, insight: { kind: string; category: Category; severity: Severity }): string[] {
  const matched = routing.routes
    .filter(
      (r) =>
        (!r.categories || r.categories.includes(insight.category)) &&
        (!r.severities || r.severities.includes(insight.severity)) &&
        (!r.kinds || r.kinds.includes(insight.kind)),
    )
    .map((r) => r.channel);
  const candidates = matched.length ? [...new Set(matched)] : [routing.defaultChannel];
  return candidates.filter((channel) => rank[insight.severity] >= rank[routing.channels[channel]?.minSeverity ?? 'info']);
}
