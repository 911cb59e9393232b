import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/actor.js';
import runtimeFailures from '../../src/insights/catalog/runtime-execution-failures.js';
import { evaluate } from '../../src/insights/evaluate.js';
import type { Insight } from '../../src/insights/insight.js';
import { createInsightLifecycle, type InsightLifecycle } from '../../src/insights/lifecycle.js';
import { emptySnapshot } from '../../src/insights/platform-snapshot.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { NOW, stored, windowOf } from '../support/signals.js';

const mike: Actor = { platform: 'console', userId: 'mike', name: 'Mike' };
const failures = (n: number, at = NOW) =>
  Array.from({ length: n }, (_, i) => stored('runtime.execution_failed', 1 + i, { runtime: 'bash-runtime-mike', reason: 'timeout', employee: 'Mike' }, at));

describe.each(databaseKinds())('insight lifecycle on %s', (kind) => {
  let database: TestDatabase;
  let lifecycle: InsightLifecycle;
  let published: Insight[][];
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    await database.query(sql`truncate insight_history, insights restart identity cascade`);
    published = [];
    lifecycle = createInsightLifecycle({ database, publisher: async (i) => void published.push(i), suppressMinutes: 60 });
  });

  const run = (events: ReturnType<typeof failures>, at = NOW) =>
    lifecycle.reconcile(evaluate([runtimeFailures], { window: windowOf(events), platform: emptySnapshot(), now: at }), new Date(at));
  const rows = () => database.query<{ status: string; count: number; episode: number }>(sql`select status, count, episode from insights`);

  it('opens one insight and publishes its card once for repeated identical evidence', async () => {
    expect(await run(failures(3))).toMatchObject({ opened: 1 });
    expect(await run(failures(3))).toMatchObject({ opened: 0, changed: 0 });
    expect(await rows()).toEqual([{ status: 'open', count: 1, episode: 1 }]);
    expect(published.flat().map((i) => i.version)).toEqual([1]);
  });

  it('updates the same insight in place when the evidence changes', async () => {
    await run(failures(3));
    expect(await run(failures(4))).toMatchObject({ changed: 1 });
    expect(await rows()).toEqual([{ status: 'open', count: 2, episode: 1 }]);
    const last = published.flat().at(-1)!;
    expect(last.detection.summary).toBe('4 runtime execution failed events in last 10 minutes.');
    expect(last.version).toBe(2);
  });

  it('resolves automatically when the condition clears, and a recurrence is a new episode', async () => {
    await run(failures(3));
    expect(await run([])).toMatchObject({ resolved: 1 });
    expect(published.flat().at(-1)!.status).toBe('resolved');
    expect(await run(failures(3))).toMatchObject({ reopened: 1 });
    expect(await rows()).toEqual([{ status: 'open', count: 2, episode: 2 }]);
  });

  it('does not resolve insights of a rule that failed this round', async () => {
    await run(failures(3));
    const outcome = await lifecycle.reconcile({ detections: [], evaluatedKinds: new Set(), failures: [{ kind: runtimeFailures.kind, error: 'boom' }] }, new Date(NOW));
    expect(outcome.resolved).toBe(0);
    expect((await rows())[0]!.status).toBe('open');
  });

  it('dismiss suppresses repeats for the configured time, is recorded with who did it, then the insight may return', async () => {
    await run(failures(3));
    const [insight] = published.flat();
    const dismissed = await lifecycle.dismiss(insight!.id, mike, new Date(NOW));
    expect(dismissed.ok && dismissed.value.status).toBe('dismissed');
    expect(published.flat().at(-1)!.status).toBe('dismissed');

    const quiet = published.length;
    const later = NOW + 30 * 60_000;
    expect(await run(failures(5, later), later)).toMatchObject({ suppressed: 1 });
    expect(published.length).toBe(quiet);

    const afterSuppression = NOW + 61 * 60_000;
    expect(await run(failures(5, afterSuppression), afterSuppression)).toMatchObject({ reopened: 1 });
    expect(published.flat().at(-1)).toMatchObject({ status: 'open', episode: 2 });
    const history = await database.query<{ change: string; actor: Actor | null }>(sql`select change, actor from insight_history order by id`);
    expect(history.map((h) => h.change)).toEqual(['opened', 'dismissed', 'reopened']);
    expect(history[1]!.actor).toMatchObject({ platform: 'console', userId: 'mike' });
  });

  it('answers a second dismiss with who already did it, and an unknown id with not_found', async () => {
    await run(failures(3));
    const id = published.flat()[0]!.id;
    await lifecycle.dismiss(id, mike, new Date(NOW));
    const again = await lifecycle.dismiss(id, { platform: 'console', userId: 'priya' }, new Date(NOW));
    expect(!again.ok && again.error).toMatchObject({ code: 'already_dismissed', insight: { dismissedBy: 'Mike' } });
    const missing = await lifecycle.dismiss(9999, mike, new Date(NOW));
    expect(!missing.ok && missing.error.code).toBe('not_found');
  });

  it('re-publishes a card whose publish failed, so a crash between commit and outbox loses nothing', async () => {
    let fail = true;
    lifecycle = createInsightLifecycle({
      database,
      publisher: async (i) => {
        if (fail) throw new Error('outbox down');
        published.push(i);
      },
      suppressMinutes: 60,
    });
    await expect(run(failures(3))).rejects.toThrow('outbox down');
    fail = false;
    expect(await lifecycle.publishPending()).toBe(1);
    expect(published.flat()).toHaveLength(1);
    expect(await lifecycle.publishPending()).toBe(0);
  });
});
