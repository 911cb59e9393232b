import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { createPostgresDatabase, realPostgresUrl } from '../support/databases.js';
import type { TriageProcess } from '../support/process.js';
import { observe, postEvents, REPLICA_TOKEN, sleep, startReplica, stopAll, waitFor } from '../support/replicas.js';

const EVERY_SECOND = 'insights:\n  tickCron: "* * * * * *"\n';

const failure = (id: string, runtime: string, at = new Date()) => ({
  id,
  type: 'runtime.execution_failed',
  source: 'replica-test',
  occurredAt: at.toISOString(),
  attributes: { runtime, reason: 'connection_refused' },
});

/**
 * Several Triage processes on one real PostgreSQL behave as one (docs/architecture.md, "One
 * evaluation"): real processes, real HTTP intake, SIGKILL and SIGSTOP.
 */
describe.runIf(realPostgresUrl())('replicas on one PostgreSQL', () => {
  const running: TriageProcess[] = [];
  const drops: Array<() => Promise<void>> = [];
  const observers: Array<{ close(): Promise<void> }> = [];
  const database = async () => {
    const db = await createPostgresDatabase();
    drops.push(db.drop);
    const seen = observe(db.url);
    observers.push(seen);
    return { url: db.url, seen };
  };
  const replica = async (url: string, config = EVERY_SECOND) => {
    const p = await startReplica(url, config);
    running.push(p);
    return p;
  };
  afterEach(async () => {
    await stopAll(running.splice(0));
    await Promise.all(observers.splice(0).map((o) => o.close()));
  });
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  it('evaluates events split across two intakes as one stream: 2 failures to each replica raise the "3 in 10 minutes" card once', async () => {
    const { url, seen } = await database();
    const a = await replica(url);
    const b = await replica(url);
    expect((await postEvents(a.url, [failure('f1', 'rt-1'), failure('f2', 'rt-2')])).status).toBe(202);
    expect((await postEvents(b.url, [failure('f3', 'rt-3'), failure('f4', 'rt-4')])).status).toBe(202);

    const posted = async () => {
      const cards = (await seen.postedInsightCards()).filter((c) => c.startsWith('runtime_execution_failures'));
      return cards.length ? cards : undefined;
    };
    const cards = await waitFor(posted, 10_000);
    expect(cards).toEqual(['runtime_execution_failures:workspace#1']);
    const [row] = await seen.sql<Array<{ failures: number }>>`select (detection->'facts'->>'failures')::int as failures from insights where kind = 'runtime_execution_failures'`;
    expect(row!.failures).toBe(4);

    // Every replica says who leads and how far behind the log it is.
    const metric = async (p: TriageProcess, name: string) => {
      const text = await (await fetch(p.url + '/metrics')).text();
      return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    };
    expect([await metric(a, 'triage_evaluator_leader'), await metric(b, 'triage_evaluator_leader')]).toEqual([1, 0]);
    const lag = await waitFor(async () => ((await metric(b, 'triage_evaluator_lag_seconds')) === 0 ? 'caught up' : undefined), 5_000);
    expect(lag).toBe('caught up');
  }, 120_000);

  it('plays the seed story through one of two replicas with the same cards and states as one replica, through two ticks on both', async () => {
    const single = await database();
    const pair = await database();
    const alone = await replica(single.url);
    const a = await replica(pair.url);
    await replica(pair.url);
    const scenario = findScenario('cascading-failure')!;
    const start = new Date();
    const [one, two] = await Promise.all([
      playScenario({ scenario, url: alone.url, token: REPLICA_TOKEN, speed: 50, start }),
      playScenario({ scenario, url: a.url, token: REPLICA_TOKEN, speed: 50, start }),
    ]);
    expect(one.ok && two.ok).toBe(true);
    // Two 15-s ticks (insights.tickCron) on both deployments: the time-based rules ran alike.
    await sleep(31_000);
    await waitFor(async () => (await single.seen.outboxSettled()) && (await pair.seen.outboxSettled()), 20_000);

    const posted = await single.seen.postedInsightCards();
    expect(posted).toContain('runtime_unreachable:bash-runtime-mike#1');
    expect(await pair.seen.postedInsightCards()).toEqual(posted);
    expect(await pair.seen.insightStates()).toEqual(await single.seen.insightStates());
    expect(await pair.seen.resolvedCount()).toBe(await single.seen.resolvedCount());
  }, 240_000);

  it('after SIGKILL of the leader mid-storm, the other replica takes over within 15 s, evaluates every accepted event and resolves nothing', async () => {
    const { url, seen } = await database();
    const a = await replica(url);
    const b = await replica(url);
    const first = await seen.leader();
    expect(first?.holder).toContain(`:${a.child.pid}:`);

    let accepted = 0;
    let unanswered = 0;
    let n = 0;
    const storm = async (target: TriageProcess, until: () => boolean) => {
      while (!until()) {
        const batch = Array.from({ length: 20 }, () => failure(`s-${n++}`, `rt-${n % 7}`));
        try {
          const answer = await postEvents(target.url, batch);
          if (answer.status === 202) accepted += ((await answer.json()) as { accepted: number }).accepted;
        } catch {
          unanswered += batch.length; // the connection died with A: no 202, perhaps stored
        }
      }
    };
    let killedAt = 0;
    const stormEnds = Date.now() + 8_000;
    const killing = sleep(3_000).then(() => {
      a.child.kill('SIGKILL');
      killedAt = Date.now();
    });
    await Promise.all([storm(a, () => killedAt > 0), storm(b, () => Date.now() > stormEnds), killing]);

    const taken = await waitFor(async () => {
      const now = await seen.leader();
      return now?.live && now.holder !== first!.holder ? now : undefined;
    }, 20_000, 100);
    const takeoverMs = Date.now() - killedAt;
    expect(taken?.holder).toContain(`:${b.child.pid}:`);
    expect(takeoverMs).toBeLessThanOrEqual(15_000);
    expect(Number(taken!.epoch)).toBe(Number(first!.epoch) + 1);

    const counted = async () => {
      const [row] = await seen.sql<Array<{ failures: number }>>`select (detection->'facts'->>'failures')::int as failures from insights where kind = 'runtime_execution_failures' and status = 'open'`;
      return row?.failures ?? 0;
    };
    const failures = await waitFor(async () => ((await counted()) >= accepted ? counted() : 0), 20_000);
    expect(failures).toBeGreaterThanOrEqual(accepted);
    expect(failures).toBeLessThanOrEqual(accepted + unanswered);
    expect(await seen.resolvedCount()).toBe(0);
    const posts = await seen.sql<Array<{ n: string }>>`select count(*) as n from chat_outbox where kind = 'post' and card_key like 'insight:%'`;
    expect(Number(posts[0]!.n)).toBe(1);
  }, 180_000);

  it('a leader frozen for 20 s (SIGSTOP) loses the lease, and after it resumes none of its writes land', async () => {
    const { url, seen } = await database();
    const a = await replica(url);
    const b = await replica(url);
    expect((await seen.leader())?.holder).toContain(`:${a.child.pid}:`);
    expect((await postEvents(b.url, [failure('x1', 'rt-1'), failure('x2', 'rt-2'), failure('x3', 'rt-3')])).status).toBe(202);
    await waitFor(async () => (await seen.postedInsightCards()).length === 1, 10_000);

    a.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    const taken = await waitFor(async () => {
      const now = await seen.leader();
      return now?.live && now.holder.includes(`:${b.child.pid}:`) ? now : undefined;
    }, 20_000, 100);
    expect(taken, `B did not take over:\n${b.output().slice(-4000)}`).toBeDefined();
    expect(Date.now() - frozenAt).toBeLessThanOrEqual(15_000);
    // While A sleeps, B takes new evidence: A's window, frozen, does not have it.
    expect((await postEvents(b.url, [failure('x4', 'rt-4')])).status).toBe(202);
    await waitFor(async () => {
      const [row] = await seen.sql<Array<{ failures: number }>>`select (detection->'facts'->>'failures')::int as failures from insights where kind = 'runtime_execution_failures'`;
      return row?.failures === 4;
    }, 10_000);
    const before = await seen.sql<Array<{ updated: Date; version: number }>>`select updated_at as updated, version from insights where kind = 'runtime_execution_failures'`;
    await sleep(Math.max(0, 20_000 - (Date.now() - frozenAt)));
    a.child.kill('SIGCONT');
    await sleep(5_000);

    expect((await seen.leader())?.holder).toContain(`:${b.child.pid}:`);
    expect(a.output()).toContain('no longer the leader');
    const after = await seen.sql<Array<{ updated: Date; version: number }>>`select updated_at as updated, version from insights where kind = 'runtime_execution_failures'`;
    expect(after).toEqual(before);
    expect(await seen.resolvedCount()).toBe(0);
  }, 180_000);
});
