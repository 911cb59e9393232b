import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardPlacement } from '../../../src/actions/card-sink.js';
import { createNotifier } from '../../../src/actions/recovery/checks/notifier.js';
import type { Card } from '../../../src/chat/card.js';
import { events } from '../../../src/db/schema/events.js';
import { Routing } from '../../../src/insights/routing.js';
import { oneDatabaseKind, openTestDatabase, type TestDatabase } from '../../support/databases.js';

const at = (minutesAgo: number) => new Date(Date.parse('2026-05-03T15:00:00Z') - minutesAgo * 60_000);

/**
 * The recovery actions' Notifier on Triage's own log and card sink (src/actions/recovery/checks/notifier.ts):
 * the newest report about one credential, and a card where insights of its kind and severity go.
 */
describe.each(oneDatabaseKind())('the checks notifier (%s)', (kind) => {
  let database: TestDatabase;
  const shown: Array<{ placement: CardPlacement; card: Card }> = [];
  const routing = Routing.parse({ channels: { leads: { minSeverity: 'critical' } }, routes: [{ channel: 'leads', severities: ['critical'] }, { channel: 'security', kinds: ['credential_expiring'] }] });
  const notifier = () => createNotifier({ db: database.db, routing, showCard: async (placement, card) => void shown.push({ placement, card }) });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const row = (key: string, minutesAgo: number, attributes: Record<string, unknown>, type = 'credential.expiry') => ({ source: 'test', eventKey: key, type, occurredAt: at(minutesAgo), attributes, known: true });
    await database.db.insert(events).values([
      row('a', 30, { credential: 'jira-api-token', expiresAt: '2026-05-04T00:00:00Z', owner: 'priya' }),
      // Received later, but it happened earlier: the newest report is the one that happened last.
      row('c', 20, { credential: 'jira-api-token', expiresAt: '2026-05-03T14:55:00Z', owner: 'omar' }),
      row('b', 40, { credential: 'jira-api-token', expiresAt: '2026-05-01T00:00:00Z', owner: 'alex' }),
      row('d', 10, { credential: 'github-app', expiresAt: '2026-05-05T00:00:00Z' }),
      row('e', 5, { probe: 'jira-api-token', ok: false }, 'probe.result'),
    ]);
  });
  afterAll(async () => database?.drop());

  it('reads the newest report about that one credential, of that type only', async () => {
    expect(await notifier().lastSaid('credential.expiry', 'credential', 'jira-api-token')).toMatchObject({ owner: 'omar' });
    expect(await notifier().lastSaid('credential.expiry', 'credential', 'nothing')).toBeUndefined();
    expect(await notifier().lastSaid('probe.result', 'credential', 'jira-api-token')).toBeUndefined();
  });

  it('shows the card once per key in every channel the routing sends such an insight to, as information', async () => {
    const card = { title: 'Reminder: rotate jira-api-token', severity: 'critical' as const, text: 'Omar: …' };
    const channels = await notifier().post({ key: 'reminder:k1', route: { kind: 'credential_expiring', category: 'operational', severity: 'critical' }, card });
    expect(channels).toEqual(['leads', 'security']);
    expect(shown.map((s) => s.placement)).toEqual([
      { cardKey: 'reminder:k1', channel: 'leads' },
      { cardKey: 'reminder:k1', channel: 'security' },
    ]);
    expect(shown[0]!.card).toMatchObject({ state: 'info', title: 'Reminder: rotate jira-api-token', actions: [], fields: [] });
    shown.length = 0;
    expect(await notifier().post({ key: 'reminder:k2', route: { kind: 'credential_expiring', category: 'operational', severity: 'warning' }, card: { ...card, severity: 'warning' } })).toEqual(['security']);
  });
});
