import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import { renderCard } from '../../../adapters/slack/render.js';
import { Card } from '../../../src/chat/card.js';
import { openDatabase, type Database } from '../../../src/db/client.js';
import { inPgliteChild } from './pglite-child.js';
import type { Accepted, SlackFarSide } from './slack-far-side.js';
import type { DatabaseTarget } from './slack-outage-run.js';

/**
 * What a run left behind, read from its database after the process stopped, and judged against
 * what Slack's far side took. A card's identity is stable across runs: an insight card is its
 * fingerprint and episode (insight ids are the database's own), any other card its key
 * (`incident:1`, `approval:1`, `action:1`).
 */
export type SlackRow = { id: number; kind: string; cardKey: string; status: string; card: unknown; identity: string };
export type SlackMessage = { cardKey: string; identity: string; messageId: string };
export type Outcome = {
  rows: SlackRow[];
  messages: SlackMessage[];
  /** The Restart pressed in a fault run: requests claimed, and distinct restarts the platform carried out. */
  restart: { requests: number; platformActs: number };
};

/** The runtime whose Restart a fault run presses (src/platform/scenarios/cascading-failure.ts: its OOM). */
export const RESTART_TARGET = 'bash-runtime-mike';

const identity = sql`case when o.card_key like 'insight:%' then i.fingerprint || '#' || split_part(o.card_key, ':', 3) else o.card_key end`;

export async function readOutcome(target: DatabaseTarget): Promise<Outcome> {
  if (!target.databaseUrl) return inPgliteChild<Outcome>('outcome', join(target.dataDir, 'pgdata'));
  const database = await openDatabase({ kind: 'postgres', url: target.databaseUrl, maxConnections: 2 });
  try {
    return await readOutcomeFrom(database);
  } finally {
    await database.close();
  }
}

export async function readOutcomeFrom(database: Database, restartTarget = RESTART_TARGET): Promise<Outcome> {
  const rows = await database.query<{ id: string | number; kind: string; card_key: string; status: string; card: unknown; identity: string }>(sql`
    select o.id, o.kind, o.card_key, o.status, o.card, ${identity} as identity
    from chat_outbox o left join insights i on o.card_key like 'insight:%' and i.id = split_part(o.card_key, ':', 2)::bigint
    where o.platform = 'slack' order by o.id`);
  const messages = await database.query<{ card_key: string; message_id: string; identity: string }>(sql`
    select o.card_key, o.message_id, ${identity} as identity
    from chat_messages o left join insights i on o.card_key like 'insight:%' and i.id = split_part(o.card_key, ':', 2)::bigint
    where o.platform = 'slack'`);
  const [requests] = await database.query<{ n: number }>(
    sql`select count(*)::int as n from action_requests where action = 'restart_runtime' and target_id = ${restartTarget}`,
  );
  // The simulator keeps one row per Idempotency-Key it acted on (src/platform/simulator/idempotency.ts).
  const [acts] = await database.query<{ n: number }>(
    sql`select count(*)::int as n from platform_idempotency_keys where state = 'done' and fingerprint = ${JSON.stringify(['restart', `runtime ${restartTarget}`, {}])}`,
  );
  return {
    rows: rows.map((r) => ({ id: Number(r.id), kind: r.kind, cardKey: r.card_key, status: r.status, card: r.card, identity: r.identity })),
    messages: messages.map((m) => ({ cardKey: m.card_key, identity: m.identity, messageId: m.message_id })),
    restart: { requests: Number(requests?.n ?? 0), platformActs: Number(acts?.n ?? 0) },
  };
}

export type Verdict = {
  /** Cards of the run, by identity, sorted. */
  cards: string[];
  /** Posts Slack took that are no card's message: each a second post of a card. */
  duplicates: Accepted[];
  /** Messages Triage recorded as posted that Slack never took. */
  phantoms: string[];
  /** Outbox rows not delivered: failed for good, or still waiting. */
  undelivered: string[];
  /** Cards whose last content in Slack is not Triage's latest version of the card. */
  stale: string[];
};

export function judge(outcome: Outcome, far: Pick<SlackFarSide, 'posts' | 'accepted'>): Verdict {
  const idOf = (m: Pick<Accepted, 'channel' | 'ts'>) => `${m.channel}:${m.ts}`;
  const recorded = new Map(outcome.messages.map((m) => [m.messageId, m]));
  const taken = new Set(far.posts().map(idOf));
  const stale = outcome.messages.flatMap((m) => {
    const latest = outcome.rows.filter((r) => r.cardKey === m.cardKey && r.status === 'sent').at(-1);
    const last = far.accepted.filter((a) => idOf(a) === m.messageId).at(-1);
    const parsed = Card.safeParse(latest?.card);
    if (!last || !parsed.success) return [m.identity];
    const wanted = JSON.parse(JSON.stringify(renderCard(parsed.data))) as unknown;
    return isDeepStrictEqual({ text: last.text, blocks: last.blocks }, wanted) ? [] : [m.identity];
  });
  return {
    cards: [...new Set(outcome.messages.map((m) => m.identity))].sort(),
    duplicates: far.posts().filter((p) => !recorded.has(idOf(p))),
    phantoms: outcome.messages.filter((m) => !taken.has(m.messageId)).map((m) => m.identity),
    undelivered: outcome.rows.filter((r) => r.status !== 'sent').map((r) => `${r.identity} (${r.kind}, ${r.status})`),
    stale,
  };
}
