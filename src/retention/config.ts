import { z } from 'zod';
import { RETENTION_POLICIES } from './policies.js';

const days = (policy: (typeof RETENTION_POLICIES)[number]) =>
  z
    .number()
    .min(policy.minDays, `${policy.name} must be kept at least ${policy.minDays} day(s): ${policy.keeps}`)
    .max(36_500)
    .default(policy.defaultDays);

/** Days kept per policy; an unknown name is refused, with the names that exist. */
const Days = z.strictObject(Object.fromEntries(RETENTION_POLICIES.map((p) => [p.name, days(p)])) as Record<string, ReturnType<typeof days>>).prefault({});

/** `retention:` in triage.config.yml: days per policy (`days:`), plus how the leader prunes. */
export const RetentionConfig = z
  .strictObject({
    days: Days,
    /**
     * Rows per DELETE: one short transaction each, so intake never waits long behind a prune.
     * bench/retention (fsync on, a 1,000,000-row backlog) put intake's p99 while pruning at 99 ms
     * with 1,000 rows, 53 ms with 250 and 56 ms with 100, against 38-63 ms with no prune at all;
     * 250 still prunes about 4,000 rows a second: a day of 20 events/s in about 7 minutes.
     */
    batchSize: z.number().int().min(1).max(50_000).default(250),
    /**
     * Breathing room between two batches, for intake and the evaluator on the same server: at
     * least this, and at least `idleRatio` times what the batch took, so pruning takes a bounded
     * share of the database however slow a batch is (1,000,000 old events: about 4 minutes).
     */
    pauseMs: z.number().int().min(0).max(60_000).default(50),
    idleRatio: z.number().min(0).max(100).default(2),
    /** How often the leader looks for rows past their age. */
    everyMinutes: z.number().positive().max(24 * 60).default(10),
    /** The first pass waits this long after start: taking up leadership (restoring the window) comes first. */
    startAfterSeconds: z.number().min(0).max(3600).default(60),
  })
  .prefault({});

export type RetentionConfig = z.infer<typeof RetentionConfig>;
