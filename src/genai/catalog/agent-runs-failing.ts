import { z } from 'zod';
import { defineEntry, type ActionSpec, type Detection } from '../../insights/catalog/entry.js';
import { dismiss, MINUTE, percent } from '../../insights/catalog/helpers.js';
import { latestOf } from './latest-of.js';

/**
 * Issue 17: invoke_agent spans in error, from OpenTelemetry GenAI traces (agent.runs, derived by
 * src/genai/signals.ts). Where a platform routine runs the agent, pausing it stops the failures
 * from spending and retrying; otherwise the card says what fails and Doctor looks for the cause.
 */
export default defineEntry({
  kind: 'agent_runs_failing',
  source: 'self-healing',
  name: 'Agent runs failing',
  severity: 'warning',
  category: 'workflow',
  thresholds: z.object({
    errorRate: z.number().min(0).max(1).default(0.2),
    minRuns: z.number().int().positive().default(5),
    /** At this error rate the agent is effectively down: critical. */
    criticalErrorRate: z.number().min(0).max(1).default(0.5),
    /** A report older than this says nothing about now (the agent may have stopped running). */
    freshMinutes: z.number().positive().default(15),
  }),
  detect({ window, now, thresholds }) {
    const detections: Detection[] = [];
    for (const { attributes: a } of latestOf(window, 'agent.runs', 'agent', now, thresholds.freshMinutes * MINUTE).values()) {
      if (a.runs < thresholds.minRuns || a.errorRate < thresholds.errorRate) continue;
      detections.push({
        scope: a.agent,
        ...(a.errorRate >= thresholds.criticalErrorRate ? { severity: 'critical' as const } : {}),
        summary: `Agent ${a.agent}: ${a.failed} of ${a.runs} runs failed in ${a.windowMinutes} min (${percent(a.errorRate)}).`,
        detail: a.routine ? `Routine ${a.routine} runs it: pause it to stop failing runs from spending and retrying.` : 'Its runs end in error; the error below is the newest seen.',
        entities: [{ kind: 'agent', id: a.agent }, ...(a.routine ? [{ kind: 'routine' as const, id: a.routine }] : [])],
        fields: [
          { label: 'Failed runs', value: `${a.failed} of ${a.runs} (${percent(a.errorRate)})` },
          ...(a.lastError ? [{ label: 'Error', value: a.lastError }] : []),
          ...(a.routine ? [{ label: 'Routine', value: a.routine }] : []),
        ],
        facts: { runs: a.runs, failed: a.failed, errorRate: a.errorRate, ...(a.routine ? { routine: a.routine } : {}) },
      });
    }
    return detections;
  },
  title: (d) => `Agent ${d.scope} runs failing`,
  actions: (d) => [
    ...d.entities
      .filter((e) => e.kind === 'routine')
      .map((routine): ActionSpec => ({
        action: 'pause_routine',
        label: `Pause routine ${routine.id}`,
        target: routine,
        style: 'primary',
        confirm: `Pause routine ${routine.id}? It makes no runs of ${d.scope} until someone resumes it.`,
      })),
    { action: 'run_doctor', label: 'Run Doctor' },
    dismiss,
  ],
  runbook: [
    'Read the error on the card and in the agent\'s traces (gen_ai.conversation.id groups one run\'s spans).',
    'Check what the agent depends on: its provider (provider_degraded), its tools (mcp_server_failing, tool_failing), its context (context_window_high).',
    'Pause the routine that runs it while the cause is fixed, so failing runs do not spend or retry.',
    'Resume it and watch the next runs succeed.',
  ],
  preventiveTicket: {
    title: 'Alert on agent run failures and stop runs whose dependencies are down',
    description: 'An agent kept starting runs that failed. Check its provider and tools before a run starts, and stop scheduling it while they fail.',
    deliverables: ['Pre-run dependency check', 'Run failure rate per agent on the dashboard', 'Automatic pause after repeated failures'],
  },
  causedBy: ['provider_degraded', 'mcp_server_failing', 'tool_failing', 'context_window_high', 'retry_storm'],
  recoveryRank: 45,
});
