import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy } from './helpers.js';

/** Playbook scenario 7: "Redis memory usage > 90%", critical once idempotency keys are evicted. */
export default defineEntry({
  kind: 'redis_memory_pressure',
  source: 'playbook',
  name: 'Redis memory pressure',
  severity: 'warning',
  category: 'operational',
  thresholds: z.object({ usedPercent: z.number().min(0).max(100).default(90) }),
  detect({ window, now, thresholds }) {
    return [...latestBy(window, 'redis.memory', 'instance', now).values()]
      .filter((s) => s.attributes.usedPercent > thresholds.usedPercent)
      .map(({ attributes: a }): Detection => {
        const evicted = a.evictedIdempotencyKeys ?? 0;
        return {
          scope: a.instance,
          // Evicted idempotency keys mean duplicate signals get processed: no longer just capacity.
          ...(evicted > 0 ? { severity: 'critical' as const } : {}),
          summary: `Redis memory usage > ${thresholds.usedPercent}% on ${a.instance} (${a.usedPercent}%).`,
          detail: evicted > 0 ? 'Idempotency keys are being evicted: duplicate signals may be processed.' : 'Eviction of idempotency keys comes next.',
          entities: [{ kind: 'redis', id: a.instance }],
          fields: [
            ...(evicted > 0 ? [{ label: 'Evicted idempotency keys', value: String(evicted) }] : []),
            ...(a.evictedKeys ? [{ label: 'Evicted keys', value: String(a.evictedKeys) }] : []),
          ],
          facts: { usedPercent: a.usedPercent, evictedIdempotencyKeys: evicted },
        };
      });
  },
  title: (d) => `Redis memory pressure: ${d.scope}`,
  // The playbook's steps in its order; flushing and scaling need an approver (src/auth/requirements.ts).
  actions: (d) => {
    const redis = d.entities.find((e) => e.kind === 'redis');
    if (!redis) return [dismiss];
    return [
      {
        action: 'shorten_key_ttl' as const,
        label: 'Shorten key TTL',
        target: redis,
        style: 'primary' as const,
        confirm: `Halve the idempotency-key TTL of ${redis.id} (the playbook: 24 h → 12 h)? New keys expire sooner, so a retry arriving later than that is no longer deduplicated.`,
      },
      { action: 'flush_expired_keys' as const, label: 'Flush old keys', target: redis },
      { action: 'raise_redis_memory' as const, label: 'Raise maxmemory', target: redis },
      dismiss,
    ];
  },
  runbook: [
    'Check Redis memory (used_memory against maxmemory).',
    'Reduce the idempotency key TTL (the seed: 24 h → 12 h).',
    'Flush old idempotency keys.',
    'Scale Redis (raise maxmemory, the seed: 6 GB → 12 GB).',
  ],
  preventiveTicket: {
    title: 'Monitor Redis memory and auto-scale at 80%',
    description: 'Idempotency keys with a 24 h TTL filled Redis until it evicted them and duplicate signals were processed. Monitor Redis memory weekly and auto-scale at the 80% threshold.',
    owner: 'DevOps Lead',
    deliverables: ['Weekly Redis memory review', 'Auto-scaling at 80%', 'Idempotency TTL of 12 h'],
  },
  causedBy: [],
  recoveryRank: 8,
});
