import { sql } from 'drizzle-orm';
import { createSlackAdapter } from '../../../adapters/slack/index.js';
import { buildActionId } from '../../../src/chat/action-id.js';
import { Card } from '../../../src/chat/card.js';
import type { SlackConfig } from '../../../src/config.js';
import type { DatabaseKind } from '../../support/databases.js';
import { startTestTriage, type TestTriage } from '../../support/triage.js';
import { slackConfig } from './support.js';

/** The real Triage with only the Slack adapter, storm control off so tests need not wait. */
export function startSlackTriage(kind: DatabaseKind, config: SlackConfig = slackConfig()): Promise<TestTriage> {
  return startTestTriage(kind, { outbox: { channelPostIntervalMs: 0, minUpdateIntervalMs: 0, workspaceUpdateIntervalMs: 0, baseBackoffMs: 50 } } as never, {
    adapters: [createSlackAdapter(config)],
  });
}

let seq = 0;
/** Three runtime failures through the real intake: enough for one critical insight card. */
export async function raiseRuntimeFailures(triage: TestTriage, runtime = 'bash-runtime-mike'): Promise<void> {
  const occurredAt = new Date().toISOString();
  const events = [1, 2, 3].map(() => ({
    id: `slack-test-${++seq}`,
    type: 'runtime.execution_failed',
    source: 'slack-test',
    occurredAt,
    attributes: { runtime, reason: 'oom' },
  }));
  const res = await triage.post('/v1/events', { events });
  if (res.status !== 202) throw new Error(`intake refused the fixture: ${res.status} ${await res.text()}`);
}

export async function insightId(triage: TestTriage, kind: string): Promise<number> {
  const rows = await triage.database.query<{ id: number }>(sql`select id from insights where kind = ${kind} order by id desc limit 1`);
  if (!rows[0]) throw new Error(`no ${kind} insight`);
  return Number(rows[0].id);
}

export const dismissId = (id: number): string => buildActionId({ action: 'dismiss', subject: { kind: 'insight', id: String(id) } });

/** The card the outbox last sent for a card key on Slack: what chat.update must have carried. */
export async function lastSentCard(triage: TestTriage, kind: 'post' | 'update'): Promise<Card[]> {
  const rows = await triage.database.query<{ card: unknown }>(
    sql`select card from chat_outbox where platform = 'slack' and kind = ${kind} and status = 'sent' order by id`,
  );
  return rows.map((r) => Card.parse(r.card));
}
