import { describe, expect, it } from 'vitest';
import { parseActionId } from '../../src/chat/action-id.js';
import { insightCard } from '../../src/insights/card.js';
import { insightActionId } from '../../src/insights/publish.js';
import { runtimeFailuresEntry, runtimeFailuresInsight } from '../support/seed-insight.js';

const entry = runtimeFailuresEntry;
const insight = runtimeFailuresInsight;

describe('insight cards', () => {
  it("carries the seed's content: severity, category, summary, runtimes with reasons, restart buttons", () => {
    const card = insightCard(entry, insight(), insightActionId);
    expect(card).toMatchObject({ severity: 'critical', category: 'operational', state: 'open' });
    expect(card.text).toContain('3 runtime execution failed events in last 10 minutes.');
    expect(card.entities.map((e) => e.id)).toEqual(['bash-runtime-mike', 'bash-runtime-priya']);
    expect(card.fields).toContainEqual({ label: 'Affected employees', value: 'Mike, Priya' });
    expect(card.context).toBe('Seen 2 times · first 14:32 UTC · last 14:41 UTC');
    const restart = card.actions.find((a) => a.label === 'Restart bash-runtime-mike')!;
    const parsed = parseActionId(restart.id);
    expect(parsed.ok && parsed.value).toEqual({ action: 'restart_runtime', subject: { kind: 'insight', id: '42' }, target: { kind: 'runtime', id: 'bash-runtime-mike' } });
    expect(card.actions.slice(-2).map((a) => a.label)).toEqual(['Acknowledge', 'Dismiss']);
    const acknowledged = insightCard(entry, insight({ status: 'acknowledged', acknowledgedBy: 'James' }), insightActionId);
    expect(acknowledged.actions.map((a) => a.label)).not.toContain('Acknowledge');
    expect(acknowledged.text).toContain('Acknowledged by James.');
  });

  it('drops the buttons once resolved or dismissed, and says who and when', () => {
    const resolved = insightCard(entry, insight({ status: 'resolved', resolvedAt: new Date('2026-05-03T15:19:00Z') }), insightActionId);
    expect(resolved.actions).toEqual([]);
    expect(resolved.text).toContain('Resolved automatically at 15:19 UTC');
    const dismissed = insightCard(
      entry,
      insight({ status: 'dismissed', dismissedBy: 'james', dismissedAt: new Date('2026-05-03T14:50:00Z'), suppressedUntil: new Date('2026-05-03T15:50:00Z') }),
      insightActionId,
    );
    expect(dismissed.actions).toEqual([]);
    expect(dismissed.text).toContain('Dismissed by james at 14:50 UTC; silenced until 15:50 UTC.');
  });
});
