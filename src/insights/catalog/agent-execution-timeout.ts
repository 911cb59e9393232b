import { z } from 'zod';
import { defineEntry, type ActionSpec, type Detection } from './entry.js';
import { clock, dismiss, heardSince, latestBy, MINUTE, text } from './helpers.js';

/** Playbook scenario 5: "AgentContract timeout for Intent #789", EXECUTING for more than 5 minutes. */
export default defineEntry({
  kind: 'agent_execution_timeout',
  source: 'playbook',
  name: 'Agent execution timeout',
  severity: 'critical',
  category: 'workflow',
  thresholds: z.object({ executingMinutes: z.number().positive().default(5) }),
  detect({ window, now, thresholds, gaps }) {
    return [...latestBy(window, 'agent.execution', 'executionId', now).values()]
      // Its end may have been sent while Triage was down: the platform gets the whole timeout again.
      .filter((s) => s.attributes.state === 'executing' && now - heardSince(gaps, s.at) > thresholds.executingMinutes * MINUTE)
      .map((s): Detection => {
        const { agent, executionId } = s.attributes;
        const intent = text(s.attributes.intent);
        const what = intent ? `Intent ${intent}` : executionId;
        // The platform knows an intent by its name ("#789"), else by its execution.
        const target = intent ?? executionId;
        return {
          scope: executionId,
          summary: `${agent} timeout for ${what}.`,
          detail: `EXECUTING for more than ${thresholds.executingMinutes} minutes with no result: an infinite loop or an external API timeout.`,
          entities: [
            { kind: 'agent', id: agent, detail: what },
            { kind: 'intent', id: target, label: what, detail: `executing on ${agent}` },
          ],
          fields: [{ label: 'Executing since', value: clock(s.at) }],
          facts: { executionId, startedAt: new Date(s.at).toISOString() },
        };
      });
  },
  title: (d) => `Agent timeout: ${d.scope}`,
  actions: (d) => [
    ...d.entities
      .filter((e) => e.kind === 'intent')
      .map((intent): ActionSpec => ({
        action: 'kill_stuck_task',
        label: 'Kill stuck task',
        target: intent,
        style: 'danger',
        confirm: `Kill the task executing ${intent.label ?? intent.id} and mark the intent FAILED ("Agent timeout")? Its work in progress is lost.`,
      })),
    dismiss,
  ],
  runbook: [
    'Kill the stuck task (find the worker process executing it).',
    'Mark the intent FAILED with the reason "Agent timeout after 300s".',
    'Check the agent logs for the stack trace.',
    'Add a timeout guard to the agent method (e.g. a 60-second wait_for).',
  ],
  preventiveTicket: {
    title: 'Add timeout guards to all agent methods',
    description: 'An agent hung in EXECUTING past 5 minutes and no load was created. All agent methods must have timeout guards that fail with a result instead of hanging.',
    owner: 'Backend Lead',
    deliverables: ['Timeout guard on every agent method', 'Test that a hung call returns a timeout result'],
  },
  causedBy: ['provider_degraded', 'database_unreachable'],
  recoveryRank: 30,
});
