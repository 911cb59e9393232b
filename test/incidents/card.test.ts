import { describe, expect, it } from 'vitest';
import { Card } from '../../src/chat/card.js';
import { parseActionId } from '../../src/chat/action-id.js';
import { incidentCard, incidentCardKey } from '../../src/incidents/card.js';
import type { Incident } from '../../src/incidents/model.js';
import { elena, minutes } from './support.js';

const open: Incident = {
  id: 12,
  title: 'Cascading failure: runtime execution failures, MCP connection pool exhausted',
  status: 'open',
  origin: 'correlated',
  openedBy: { platform: 'system', userId: 'triage', name: 'Triage' },
  resolvedBy: null,
  channel: 'ops',
  openedAt: minutes(0),
  mitigatedAt: null,
  resolvedAt: null,
  updatedAt: minutes(0),
};
const summary = {
  insights: [
    { id: 41, title: 'Runtime bash-runtime-mike: 3 execution failures', severity: 'critical' as const, status: 'resolved' as const },
    { id: 42, title: 'MCP pool exhausted on database-query', severity: 'critical' as const, status: 'open' as const },
  ],
};

describe('the incident header card', () => {
  it('while open: numbered title, opened time, its insights, and a confirmed Resolve button for this incident', () => {
    const card = incidentCard(open, summary);
    expect(Card.parse(card)).toEqual(card);
    expect(card).toMatchObject({ title: `🚨 Incident #12: ${open.title}`, severity: 'critical', state: 'open' });
    expect(card.text).toBe('1 of 2 insights still live. Recovery, Doctor runs and approvals go in this thread.');
    expect(card.fields).toEqual([
      { label: 'State', value: '🔴 Open' },
      { label: 'Opened', value: '14:32 UTC by Triage (correlated critical insights)' },
    ]);
    expect(card.entities).toEqual([
      { kind: 'insight', id: '41', label: 'Runtime bash-runtime-mike: 3 execution failures', detail: 'critical · resolved ✅' },
      { kind: 'insight', id: '42', label: 'MCP pool exhausted on database-query', detail: 'critical · open' },
    ]);
    expect(card.actions).toHaveLength(1);
    const [resolve] = card.actions;
    expect(resolve).toMatchObject({ label: 'Resolve', style: 'danger', confirm: { title: 'Resolve incident #12?', confirmLabel: 'Resolve', denyLabel: 'Cancel' } });
    expect(parseActionId(resolve!.id)).toEqual({ ok: true, value: { action: 'resolve_incident', subject: { kind: 'incident', id: '12' } } });
  });

  it('mitigated: still resolvable, with how long mitigation took', () => {
    const card = incidentCard({ ...open, status: 'mitigated', mitigatedAt: minutes(38) }, summary);
    expect(card).toMatchObject({ severity: 'warning', state: 'open' });
    expect(card.fields).toContainEqual({ label: 'State', value: '🩹 Mitigated' });
    expect(card.fields).toContainEqual({ label: 'Mitigated', value: '15:10 UTC (38 min after opening)' });
    expect(card.actions.map((a) => a.label)).toEqual(['Resolve']);
  });

  it('resolved: who resolved it, the duration from start to end, and no buttons', () => {
    const card = incidentCard({ ...open, status: 'resolved', mitigatedAt: minutes(38), resolvedAt: minutes(47), resolvedBy: elena }, summary);
    expect(card).toMatchObject({ severity: 'info', state: 'resolved', actions: [] });
    expect(card.fields).toEqual([
      { label: 'State', value: '✅ Resolved' },
      { label: 'Opened', value: '14:32 UTC by Triage (correlated critical insights)' },
      { label: 'Mitigated', value: '15:10 UTC (38 min after opening)' },
      { label: 'Resolved', value: '15:19 UTC by Elena' },
      { label: 'Duration', value: '47 min (14:32 UTC – 15:19 UTC)' },
    ]);
  });

  it('a declared incident names who declared it', () => {
    const card = incidentCard({ ...open, origin: 'declared', openedBy: elena, title: 'Checkout down' }, { insights: [] });
    expect(card.fields).toContainEqual({ label: 'Opened', value: '14:32 UTC by Elena' });
    expect(card.text).toBe('Declared by hand. Everything about it goes in this thread.');
    expect(card.context).toBe('incident #12 · declared · 0 insights');
  });

  it('has one outbox key per incident', () => {
    expect(incidentCardKey(12)).toBe('incident:12');
  });
});
