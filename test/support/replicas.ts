import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { spawnTriage, type TriageProcess } from './process.js';

export const REPLICA_TOKEN = 'replica-ingest-token-0123456789';

/**
 * Real Triage processes (src/main.ts through tsx) on one real PostgreSQL database, as a
 * deployment of several replicas runs them. `config` is written as the replica's triage.config.yml.
 */
export async function startReplica(databaseUrl: string, config = '', extraEnv: Record<string, string> = {}, cwd?: string): Promise<TriageProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'triage-replica-'));
  const file = join(dir, 'triage.config.yml');
  writeFileSync(file, config || 'insights: {}\n');
  return spawnTriage({ DATABASE_URL: databaseUrl, INGEST_TOKEN: REPLICA_TOKEN, TRIAGE_DATA_DIR: dir, TRIAGE_CONFIG: file, ...extraEnv }, 90_000, cwd);
}

export async function postEvents(url: string, events: unknown[]): Promise<Response> {
  return fetch(url + '/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${REPLICA_TOKEN}` },
    body: JSON.stringify({ events }),
    signal: AbortSignal.timeout(10_000),
  });
}

/** A plain client on the database, to read what the replicas did (never through their code). */
export function observe(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  return {
    sql,
    leader: async () => (await sql<Array<{ holder: string; epoch: string; live: boolean }>>`select holder, epoch, expires_at > now() as live from leases where name = 'evaluator'`)[0],
    /** Insight cards posted, as "fingerprint#episode", sorted: the same story gives the same list. */
    postedInsightCards: async () =>
      (
        await sql<Array<{ card: string }>>`
          select i.fingerprint || '#' || split_part(o.card_key, ':', 3) as card
          from chat_outbox o join insights i on i.id = split_part(o.card_key, ':', 2)::bigint
          where o.kind = 'post' and o.card_key like 'insight:%'
          order by 1`
      ).map((r) => r.card),
    insightStates: async () =>
      (await sql<Array<{ s: string }>>`select fingerprint || '=' || status || '#' || episode as s from insights order by fingerprint`).map((r) => r.s),
    resolvedCount: async () => Number((await sql<Array<{ n: string }>>`select count(*) as n from insight_history where change = 'resolved'`)[0]!.n),
    outboxSettled: async () => Number((await sql<Array<{ n: string }>>`select count(*) as n from chat_outbox where status in ('pending', 'in_flight')`)[0]!.n) === 0,
    close: () => sql.end({ timeout: 5 }),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it answers a truthy value or the time runs out (then answers the last value). */
export async function waitFor<T>(check: () => Promise<T>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await check();
  while (!value && Date.now() < deadline) {
    await sleep(everyMs);
    value = await check();
  }
  return value;
}

export async function stopAll(processes: TriageProcess[]): Promise<void> {
  await Promise.all(
    processes.map(async (p) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return;
      p.child.kill('SIGCONT');
      p.child.kill('SIGTERM');
      const timer = setTimeout(() => p.child.kill('SIGKILL'), 12_000);
      await p.exited;
      clearTimeout(timer);
    }),
  );
}
