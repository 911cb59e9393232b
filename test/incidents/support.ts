import type { Db } from '../../src/db/client.js';
import { fingerprintOf, type Insight } from '../../src/insights/insight.js';
import { changeStatus, findByFingerprints, insertInsights } from '../../src/insights/store.js';

export const T0 = Date.parse('2026-05-03T14:32:00Z');
export const minutes = (n: number): Date => new Date(T0 + n * 60_000);
export const mike = { platform: 'slack' as const, userId: 'U0MIKE', name: 'Mike' };
export const elena = { platform: 'slack' as const, userId: 'U0ELENA', name: 'Elena' };

/** An insight written by the insights store itself, first seen at `at`. */
export async function addInsight(
  db: Db,
  input: { kind: string; scope: string; severity?: 'critical' | 'warning' | 'info'; at: Date; title?: string },
): Promise<Insight> {
  const fingerprint = fingerprintOf(input.kind, input.scope);
  await insertInsights(db, [
    {
      fingerprint,
      kind: input.kind,
      scope: input.scope,
      severity: input.severity ?? 'critical',
      category: 'operational',
      title: input.title ?? `${input.kind} on ${input.scope}`,
      detection: { scope: input.scope, summary: `${input.kind} detected`, entities: [] },
      detectionHash: 'h1',
      now: input.at,
    },
  ]);
  return (await findByFingerprints(db, [fingerprint])).get(fingerprint)!;
}

export async function setInsightStatus(db: Db, insight: Insight, to: 'resolved' | 'dismissed' | 'acknowledged', at: Date): Promise<Insight> {
  const extra = to === 'resolved' ? { resolvedAt: at } : to === 'dismissed' ? { dismissedAt: at, dismissedBy: 'Mike' } : { acknowledgedBy: 'Mike', acknowledgedAt: at };
  return (await changeStatus(db, insight.id, ['open', 'acknowledged'], to, extra, null, at))!;
}
