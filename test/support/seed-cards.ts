import { systemActor } from '../../src/actor.js';
import { approvalCard } from '../../src/approvals/card.js';
import { Approval } from '../../src/approvals/model.js';
import { Card } from '../../src/chat/card.js';
import { doctorCard } from '../../src/doctor/card.js';
import { DoctorReport } from '../../src/doctor/report.js';
import { checkEvent } from '../../src/events/envelope.js';
import { incidentCard } from '../../src/incidents/card.js';
import type { Incident } from '../../src/incidents/model.js';
import { insightCard } from '../../src/insights/card.js';
import { catalog } from '../../src/insights/catalog/index.js';
import { evaluate, hashDetection } from '../../src/insights/evaluate.js';
import type { Insight } from '../../src/insights/insight.js';
import { emptySnapshot } from '../../src/insights/platform-snapshot.js';
import { insightActionId } from '../../src/insights/publish.js';
import { SignalWindow } from '../../src/insights/signal-window.js';
import type { StoredEvent } from '../../src/intake/event-writer.js';
import { scenarios } from '../../src/platform/scenarios/index.js';
import { minutesCard, type Minutes } from '../../src/postmortem/minutes.js';
import { escalationCard } from '../../src/remediation/escalation-card.js';

/*
 * The seed's cards, as a user sees them: every card the scenarios raise, plus the Doctor report
 * (short, long, healthy), approvals and incidents in each state, the minutes and an escalation.
 * One set, so every renderer (embeds, Components V2, the builders' checks) is judged on the same cards.
 */
const START = new Date('2026-05-03T14:32:00Z');

/** Every card the scenarios raise, as the publisher draws it (the same as test/adapters/every-card-renders.test.ts). */
export const catalogCards = scenarios.flatMap((scenario) => {
  const events: StoredEvent[] = scenario.build(START).map(({ event }) => {
    const checked = checkEvent(event, 0);
    if (!checked.ok) throw new Error(`${scenario.name}: ${JSON.stringify(checked.problems)}`);
    return { ...checked.event, eventKey: event.id! };
  });
  const window = new SignalWindow();
  window.add(events);
  return evaluate(catalog, { window, platform: emptySnapshot(), now: START.getTime() }).detections.map(({ entry, detection }, n) => {
    const insight = {
      id: 1000 + n,
      fingerprint: `${entry.kind}:${detection.scope}`,
      kind: entry.kind,
      scope: detection.scope,
      severity: detection.severity ?? entry.severity,
      category: entry.category,
      status: 'open',
      episode: 1,
      title: entry.title(detection),
      detection: detection as Insight['detection'],
      detectionHash: hashDetection(detection),
      count: 1,
      version: 1,
      publishedVersion: 0,
      firstSeenAt: START,
      lastSeenAt: START,
      resolvedAt: null,
      acknowledgedBy: null,
      dismissedBy: null,
      dismissedAt: null,
      suppressedUntil: null,
    } satisfies Insight;
    return [`${scenario.name}: ${insight.title}`, insightCard(entry, insight, insightActionId)] as const;
  });
});

export const doctorReport = (overall: DoctorReport['overall'], details: string[]) =>
  DoctorReport.parse({
    runId: 3,
    overall,
    counts: '1 fail, 1 passed',
    results: [
      { section: 'db', name: 'Database', status: 'pass', summary: 'reachable', details: [], actions: [], durationMs: 12 },
      { section: 'runtimes', name: 'Runtimes', status: overall === 'HEALTHY' ? 'pass' : 'fail', summary: '2 unreachable:', details, actions: [], durationMs: 900 },
    ],
    plan:
      overall === 'HEALTHY'
        ? []
        : [
            {
              kind: 'runtime_unreachable',
              text: 'Restart bash-runtime-mike',
              buttons: [{ action: 'restart_runtime', label: 'Restart bash-runtime-mike', target: { kind: 'runtime', id: 'bash-runtime-mike' }, style: 'danger', confirm: 'Restart it now?' }],
            },
          ],
    sections: [],
    requestedBy: 'Sofia',
    startedAt: '2026-05-03T14:30:00.000Z',
    durationMs: 1200,
  });

const approval = (status: 'pending' | 'approved' | 'denied') =>
  Approval.parse({
    id: 7,
    kind: 'budget_override',
    targetKind: 'routine',
    targetId: 'daily-code-review',
    params: { routineId: 'daily-code-review', amountUsd: 5, limitUsd: 10, spentUsd: 12.47, period: 'month' },
    rationale: '5 routine runs in the last hour (retry storm during the incident): 3 retries, 4 failed; budget exhausted at 14:49 UTC',
    requestedBy: systemActor,
    requestedByKey: 'system:triage',
    status,
    ...(status === 'pending'
      ? { decidedBy: null, decidedByKey: null, decidedAt: null, outcome: null }
      : { decidedBy: { platform: 'discord', userId: '1500000000000000001', name: 'Elena' }, decidedByKey: 'discord:1500000000000000001', decidedAt: new Date('2026-05-03T14:52:00Z'), outcome: null }),
    insightId: 42,
    createdAt: new Date('2026-05-03T14:50:00Z'),
  });

const incident = (status: Incident['status']): Incident => ({
  id: 12,
  title: 'Cascading failure: runtime execution failures, MCP connection pool exhausted',
  status,
  origin: 'correlated',
  openedBy: { platform: 'system', userId: 'triage', name: 'Triage' },
  resolvedBy: status === 'resolved' ? { platform: 'discord', userId: '1500000000000000001', name: 'Elena' } : null,
  channel: 'ops',
  openedAt: START,
  mitigatedAt: status === 'open' ? null : START,
  resolvedAt: status === 'resolved' ? START : null,
  updatedAt: START,
});
const incidentSummary = {
  insights: [
    { id: 41, title: 'Runtime bash-runtime-mike: 3 execution failures', severity: 'critical' as const, status: 'resolved' as const },
    { id: 42, title: 'MCP pool exhausted on database-query', severity: 'critical' as const, status: 'open' as const },
  ],
};

export const minutes: Minutes = {
  incidentId: 7,
  title: 'Cascading failure',
  startedAt: '2026-05-03T14:02:00.000Z',
  endedAt: '2026-05-03T15:10:00.000Z',
  ongoing: false,
  duration: '1h 8m',
  summary: 'The database-query MCP pool ran dry; runtimes failed behind it.',
  impact: [{ label: 'runtimes unreachable', count: 2 }],
  rootCauses: Array.from({ length: 30 }, (_, i) => ({
    rank: i === 0 ? ('primary' as const) : ('contributing' as const),
    title: `Cause ${i}: MCP connection pool exhausted`,
    kinds: ['mcp_pool_exhausted'],
    cause: 'Pool of 10 for 40 routines '.repeat(8),
    contributingFactor: 'No backoff',
    impact: ['7 loops stuck'],
    prevention: 'Add backoff',
    owner: 'Mike',
    runbook: [],
  })),
  actionItems: [
    { status: 'done', text: 'restart runtime bash-runtime-mike', owner: 'James', at: '2026-05-03T14:40:00.000Z' },
    { status: 'open', text: 'Add connection backoff logic to routines', owner: 'Mike', url: 'https://tickets.example/61' },
  ],
  lessons: ['Recovery order matters: fix dependencies first.'],
  followUp: ['Daily check-ins for 1 week (monitor for recurrence).'],
  note: 'deterministic minutes',
};

const escalation = escalationCard({
  action: 'restart_runtime',
  target: { kind: 'runtime', id: 'bash-runtime-mike' },
  why: 'Triage restarted it 3 times in 30 minutes (policy restart-oom-runtimes) and stopped.',
  runs: [],
  bound: { maxRuns: 3, windowMinutes: 30, by: 'policy restart-oom-runtimes' },
  severity: 'critical',
  runbook: ['Check the runtime memory limit', 'Look for a leaking routine'],
  buttons: [{ id: 'restart_runtime:runtime:bash-runtime-mike', label: 'Restart anyway', style: 'danger' }],
  context: 'Asks #ops to take over',
});

export const otherCards = ([
  ['Doctor report, critical with a fix', doctorCard(doctorReport('CRITICAL', ['• bash-runtime-mike (connection refused)', '• bash-runtime-priya (timeout)']))],
  ['Doctor report, long', doctorCard(doctorReport('WARNING', Array.from({ length: 400 }, (_, i) => `• bash-runtime-${i} (connection refused after 5 s)`)))],
  ['Doctor report, healthy', doctorCard(doctorReport('HEALTHY', []))],
  ...(['pending', 'approved', 'denied'] as const).map((s) => [`approval card, ${s}`, approvalCard(approval(s))] as const),
  ...(['open', 'mitigated', 'resolved'] as const).map((s) => [`incident card, ${s}`, incidentCard(incident(s), incidentSummary)] as const),
  ['post-mortem minutes (30 causes)', minutesCard(minutes, 7)],
  ['escalation card', escalation],
] as Array<readonly [string, Card]>).map(([name, card]) => [name, Card.parse(card)] as const);
