import { z } from 'zod';
import { defineEntry, type Detection } from './entry.js';
import { dismiss, latestBy, percent, ratio } from './helpers.js';

/** Self-healing research: context fills past the compaction trigger and quality slips before any error. */
export default defineEntry({
  kind: 'context_window_high',
  source: 'self-healing',
  name: 'Context window nearly full',
  severity: 'warning',
  category: 'workflow',
  // The research's ContextManager compacts at 0.75; an agent's own threshold in the event wins.
  thresholds: z.object({ compactionThreshold: z.number().positive().max(1).default(0.75) }),
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    for (const usage of latestBy(window, 'context.usage', 'agent', now).values()) {
      const { agent, usedTokens, windowTokens } = usage.attributes;
      const trigger = usage.attributes.compactionThreshold ?? thresholds.compactionThreshold;
      const used = ratio(usedTokens, windowTokens);
      if (used === undefined || used < trigger) continue;
      detections.push({
        scope: agent,
        summary: `Context window at ${percent(used)} for ${agent} (compaction threshold ${percent(trigger)}).`,
        detail: 'Compact now: overflow is silent truncation, not an error, and the original task is lost first.',
        entities: [{ kind: 'agent', id: agent, detail: `${usedTokens} of ${windowTokens} tokens` }],
        facts: { usedTokens, windowTokens, compactionThreshold: trigger },
      });
    }
    return detections;
  },
  title: (d) => `Context window high: ${d.scope}`,
  actions: (d) => {
    const agent = d.entities.find((e) => e.kind === 'agent');
    return [...(agent ? [{ action: 'compact_context' as const, label: 'Compact context', target: agent, style: 'primary' as const }] : []), dismiss];
  },
  runbook: [
    'Compact: summarise earlier turns, keeping the original task anchor and the last messages.',
    'Clear old tool results (they can be re-fetched).',
    'Offload intermediate findings to external memory and re-read them after compaction.',
  ],
  preventiveTicket: {
    title: 'Compact agent context automatically at the compaction threshold',
    description:
      'An agent\'s context crept past its compaction threshold with no compaction and its answers drifted from the task. Every context window should have a compaction trigger (anchored summarisation, tool-result clearing).',
    deliverables: ['Automatic compaction at the threshold', 'Context usage metric per agent'],
  },
  causedBy: [],
  // Before duplicate spawns (25): a context monitor spawns them because the context is full.
  recoveryRank: 24,
  lessons: ['Bound everything: every context window needs a compaction trigger.'],
});
