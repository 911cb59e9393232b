import { describe, expect, it } from 'vitest';
import { AlertBoard } from '../../../src/alerts/board.js';
import externalAlert from '../../../src/insights/catalog/external-alert.js';
import { detect, NOW, stored } from '../../support/signals.js';

const HOUR = 60;
const pd = (action: 'alert.firing' | 'alert.acknowledged' | 'alert.resolved', minutes: number, extra: Record<string, unknown> = {}) =>
  stored(action, minutes, { origin: 'pagerduty:langfuse', key: 'latency-agent-x', ...extra } as never);

const trigger = (minutes: number, extra: Record<string, unknown> = {}) =>
  pd('alert.firing', minutes, {
    summary: 'Agent x p95 latency 42 s',
    severity: 'error',
    affected: 'agent-x',
    component: 'planner',
    details: { p95: '42 s', threshold: '20 s' },
    links: [{ href: 'https://cloud.langfuse.com/project/p/traces', text: 'Traces' }],
    ...extra,
  });

describe('external_alert: one card per sender and dedup key, kept until the sender resolves it', () => {
  it('a trigger is one card naming the sender, the summary, the severity mapped, the details and the links', () => {
    const [d] = detect(externalAlert, [trigger(5)]);
    expect(d).toMatchObject({ scope: 'pagerduty:langfuse/latency-agent-x', severity: 'critical', summary: 'Agent x p95 latency 42 s' });
    expect(d!.fields).toEqual(
      expect.arrayContaining([
        { label: 'Source', value: 'langfuse (PagerDuty Events v2)' },
        { label: 'Affected', value: 'agent-x' },
        { label: 'Component', value: 'planner' },
        { label: 'p95', value: '42 s' },
      ]),
    );
    expect(d!.links).toEqual([{ text: 'Traces', url: 'https://cloud.langfuse.com/project/p/traces' }]);
    expect(externalAlert.title(d!)).toBe('Agent x p95 latency 42 s');
    expect(externalAlert.actions(d!).map((a) => a.action)).toEqual(['resolve_alert', 'dismiss']);
  });

  it('an acknowledge without a payload keeps the trigger\'s summary, severity and links, and says who acknowledged it', () => {
    const [d] = detect(externalAlert, [trigger(10), pd('alert.acknowledged', 5, { by: 'Elena' })]);
    expect(d).toMatchObject({ severity: 'critical', summary: 'Agent x p95 latency 42 s' });
    expect(d!.detail).toBe('Acknowledged in langfuse (PagerDuty Events v2) by Elena; still open there.');
    expect(d!.links).toHaveLength(1);
  });

  it('a resolve clears it; a trigger after that is a new episode', () => {
    expect(detect(externalAlert, [trigger(10), pd('alert.resolved', 5)])).toEqual([]);
    const again = detect(externalAlert, [trigger(10), pd('alert.resolved', 5), trigger(1, { summary: 'Agent x p95 latency 50 s' })]);
    expect(again.map((d) => d.summary)).toEqual(['Agent x p95 latency 50 s']);
  });

  it('a resolve older than the trigger it meets (out of order) does not clear it', () => {
    expect(detect(externalAlert, [pd('alert.resolved', 10), trigger(5)])).toHaveLength(1);
  });

  it('a trigger older than the six-hour window stays open (the board is not the window); an expiry the sender stated ends it', () => {
    const board = new AlertBoard();
    board.apply([trigger(30 * HOUR)]);
    expect(board.open(NOW).map((a) => a.key)).toEqual(['latency-agent-x']);
    const expiring = new AlertBoard();
    expiring.apply([trigger(30, { expiresAt: new Date(NOW - 60_000).toISOString() })]);
    expect(expiring.open(NOW)).toEqual([]);
  });

  it('a board restored from saved state and then fed the same events again changes nothing', () => {
    const first = new AlertBoard();
    first.apply([trigger(10), pd('alert.acknowledged', 5, { by: 'Elena' })]);
    const saved = first.takeChanged();
    expect(saved.map((a) => a.status)).toEqual(['acknowledged']);
    const next = new AlertBoard();
    next.restore(saved);
    next.apply([trigger(10)]);
    expect(next.takeChanged()).toEqual([]);
    expect(next.open(NOW)[0]).toMatchObject({ status: 'acknowledged', by: 'Elena' });
  });

  it("Alertmanager's events from an earlier release (no normalised fields) still make a card from its labels and annotations", () => {
    const old = stored('alert.firing', 3, {
      alertname: 'AgentErrorRate',
      labels: { alertname: 'AgentErrorRate', severity: 'critical' },
      annotations: { summary: 'Agent error rate 25%' },
      startsAt: new Date(NOW - 180_000).toISOString(),
      fingerprint: 'abc123',
    });
    const [d] = detect(externalAlert, [{ ...old, source: 'alertmanager' }]);
    expect(d).toMatchObject({ scope: 'alertmanager/abc123', severity: 'critical', summary: 'Agent error rate 25%' });
  });
  it('orders states by instant, not by text: a resolve sent a minute after the trigger, written in -05:00, clears it', () => {
    const trig = trigger(10);
    const later = Date.parse(trig.occurredAt) + 60_000;
    // The later instant written in -05:00 reads as text before the trigger's Z time.
    const local = new Date(later - 5 * 3_600_000).toISOString().replace(/\.\d+Z$/, '-05:00');
    expect(Date.parse(local)).toBe(Math.floor(later / 1000) * 1000);
    expect(local < trig.occurredAt).toBe(true);
    expect(detect(externalAlert, [trig, { ...pd('alert.resolved', 9), occurredAt: local }])).toEqual([]);
  });
});
