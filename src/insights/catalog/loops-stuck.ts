import { z } from 'zod';
import type { Signal } from '../signal-window.js';
import { defineEntry, type Entity } from './entry.js';
import { dismiss, heardSince, latestBy, MINUTE, naturally } from './helpers.js';
import { providerFailoverTicket } from './seed-tickets.js';

const labelOf = ({ attributes: a }: Signal<'loop.started'>): string =>
  a.ticket ? `Ticket ${a.ticket}${a.title ? ` (${a.title})` : ''}` : (a.title ?? a.loopId);

/** "openai ×4, anthropic ×1": which providers the stuck loops wait on points at the cause. */
function providerCounts(loops: Signal<'loop.started'>[]): string {
  const counts = new Map<string, number>();
  for (const loop of loops) {
    const provider = loop.attributes.provider ?? 'unknown';
    counts.set(provider, (counts.get(provider) ?? 0) + 1);
  }
  return [...counts].sort(([, a], [, b]) => b - a).map(([p, n]) => `${p} ×${n}`).join(', ');
}

/** Team-X: `7 agentic loops in "running" state > 30 minutes.`, one workspace card listing the loops. */
export default defineEntry({
  kind: 'loops_stuck',
  source: 'team-x',
  name: 'Stuck agentic loops',
  severity: 'critical',
  category: 'operational',
  thresholds: z.object({ runningMinutes: z.number().positive().default(30) }),
  detect({ window, now, thresholds, gaps }) {
    const finished = latestBy(window, 'loop.finished', 'loopId', now);
    const stuck = [...latestBy(window, 'loop.started', 'loopId', now).values()]
      // A loop.finished sent while Triage was down was lost: the platform gets the whole threshold again.
      .filter((s) => now - heardSince(gaps, s.at) > thresholds.runningMinutes * MINUTE && !((finished.get(s.attributes.loopId)?.at ?? -Infinity) >= s.at))
      .sort((a, b) => naturally(labelOf(a), labelOf(b)));
    if (stuck.length === 0) return [];
    const entities: Entity[] = stuck.map((s) => ({
      kind: 'loop',
      id: s.attributes.loopId,
      label: labelOf(s),
      ...(s.attributes.employee || s.attributes.provider
        ? { detail: [s.attributes.employee, s.attributes.provider].filter(Boolean).join(' · ') }
        : {}),
    }));
    const loops = stuck.length === 1 ? '1 agentic loop' : `${stuck.length} agentic loops`;
    return [
      {
        scope: 'workspace',
        summary: `${loops} in "running" state > ${thresholds.runningMinutes} minutes.`,
        detail: 'Possible hang or slow provider response.',
        entities,
        fields: [{ label: 'Providers', value: providerCounts(stuck) }],
        facts: { loops: stuck.length, oldestStartedAt: new Date(Math.min(...stuck.map((s) => s.at))).toISOString() },
      },
    ];
  },
  title: (d) => `${d.facts?.loops ?? 'Several'} stuck agentic loops`,
  actions: (d) => [
    ...d.entities.map((loop) => ({
      action: 'cancel_loop' as const,
      label: `Cancel ${loop.label ?? loop.id}`,
      target: loop,
      style: 'danger' as const,
      confirm: `Cancel ${loop.label ?? loop.id}? Its work so far is lost; the owner can retry it manually.`,
    })),
    dismiss,
  ],
  runbook: [
    'Check provider health: loops stuck behind a degraded provider often recover by themselves once it responds.',
    'Fix MCP servers and restart runtimes first; recovery order matters.',
    'Watch the agent runs: loops that complete have auto-recovered.',
    'Cancel loops still stuck after the provider recovers; their owners retry them manually.',
  ],
  preventiveTicket: providerFailoverTicket,
  causedBy: ['provider_degraded', 'runtime_unreachable'],
  // Last: the seed's Doctor says "monitor for stuck loops (may auto-recover with provider fix)".
  recoveryRank: 50,
  lessons: ['Recovery order matters: fix dependencies first.', 'Stuck loops may auto-recover once the provider responds again.'],
});
