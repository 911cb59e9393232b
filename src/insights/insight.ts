import { z } from 'zod';
import { Category, Severity } from '../chat/card.js';

export const InsightStatus = z.enum(['open', 'acknowledged', 'resolved', 'dismissed']);
export type InsightStatus = z.infer<typeof InsightStatus>;

const EntitySchema = z.object({ kind: z.string(), id: z.string(), label: z.string().optional(), detail: z.string().optional() });

/** A Detection as stored in insights.detection (JSON read back from the database is parsed). */
export const StoredDetection = z.object({
  scope: z.string(),
  severity: Severity.optional(),
  summary: z.string(),
  detail: z.string().optional(),
  entities: z.array(EntitySchema),
  fields: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  links: z.array(z.object({ text: z.string(), url: z.string() })).optional(),
});
export type StoredDetection = z.infer<typeof StoredDetection>;

export const Insight = z.object({
  id: z.number(),
  fingerprint: z.string(),
  kind: z.string(),
  scope: z.string(),
  severity: Severity,
  category: Category,
  status: InsightStatus,
  episode: z.number(),
  title: z.string(),
  detection: StoredDetection,
  detectionHash: z.string(),
  count: z.number(),
  version: z.number(),
  publishedVersion: z.number(),
  firstSeenAt: z.date(),
  lastSeenAt: z.date(),
  resolvedAt: z.date().nullable(),
  acknowledgedBy: z.string().nullable(),
  dismissedBy: z.string().nullable(),
  dismissedAt: z.date().nullable(),
  suppressedUntil: z.date().nullable(),
});
export type Insight = z.infer<typeof Insight>;

export const fingerprintOf = (kind: string, scope: string): string => `${kind}:${scope}`;

/** The card for one insight episode: the key the outbox uses for "one message per card". */
export const cardKeyOf = (insight: Pick<Insight, 'id' | 'episode'>): string => `insight:${insight.id}:${insight.episode}`;

/** 'insight:42' → 42: the subject of a button pressed on an insight's card (src/actions/run-recovery.ts). */
export function insightIdOfSubject(subject: string | null | undefined): number | undefined {
  const match = /^insight:(\d+)$/.exec(subject ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * What an evaluation means for one fingerprint. Pure, so the lifecycle's rules are tested
 * without a database:
 * - open: first time seen → new card;
 * - changed: live and the evidence changed → count + 1, card updated in place;
 * - unchanged: live, same evidence → last seen only, no card traffic;
 * - reopen: resolved, or dismissed with its suppression over → a new episode, a new card;
 * - suppressed: dismissed and still inside its suppression window → recorded, silent.
 */
export type Transition = 'open' | 'changed' | 'unchanged' | 'reopen' | 'suppressed';

export function transitionFor(existing: Insight | undefined, detectionHash: string, now: Date): Transition {
  if (!existing) return 'open';
  if (existing.status === 'dismissed') {
    return existing.suppressedUntil && existing.suppressedUntil > now ? 'suppressed' : 'reopen';
  }
  if (existing.status === 'resolved') return 'reopen';
  return existing.detectionHash === detectionHash ? 'unchanged' : 'changed';
}
