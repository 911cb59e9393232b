import { z } from 'zod';

/** PagerDuty's Events API v2 endpoint, where `kind: pagerduty` sends when no URL is given. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/**
 * `heartbeat:` in triage.config.yml, or HEARTBEAT_URL / HEARTBEAT_KIND / HEARTBEAT_ROUTING_KEY /
 * HEARTBEAT_EVERY: Triage's own dead-man's switch (src/observability/heartbeat.ts). Off unless a
 * URL (ping) or a routing key (pagerduty) is given. The URL and the routing key are secrets: a
 * healthchecks-style URL carries its token in the path.
 */
export const HeartbeatConfig = z
  .strictObject({
    /** `ping`: GET the URL (healthchecks.io, Better Stack, Cronitor, Uptime Kuma push, Dead Man's Snitch). `pagerduty`: an Events API v2 event. */
    kind: z.enum(['ping', 'pagerduty']).default('ping'),
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** The Events API v2 integration key of the PagerDuty service; `pagerduty` only. */
    routingKey: z.string().min(1).optional(),
    /** Seconds between two heartbeats from the leader. 60 in production; as low as 1 for tests. */
    everySeconds: z.coerce.number().min(1).max(3600).default(60),
  })
  .superRefine((h, ctx) => {
    if (h.kind === 'pagerduty' && !h.routingKey) ctx.addIssue({ code: 'custom', path: ['routingKey'], message: 'HEARTBEAT_KIND=pagerduty needs HEARTBEAT_ROUTING_KEY (the Events API v2 integration key)' });
    if (h.kind === 'ping' && h.routingKey) ctx.addIssue({ code: 'custom', path: ['routingKey'], message: 'HEARTBEAT_ROUTING_KEY is for HEARTBEAT_KIND=pagerduty' });
  })
  .prefault({});

export type HeartbeatConfig = z.infer<typeof HeartbeatConfig>;

/** Where to send, or undefined when the heartbeat is off. */
export function heartbeatTarget(config: HeartbeatConfig): string | undefined {
  if (config.kind === 'pagerduty') return config.url ?? PAGERDUTY_EVENTS_URL;
  return config.url;
}
