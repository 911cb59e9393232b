import type { PreventiveTicket } from './entry.js';

/**
 * The three tickets the Team-X improvement loop filed after the cascading failure (#61, #62,
 * #63). Several failure kinds suggest the same one, and the Tickets port dedupes by title, so
 * they are written once here.
 */
const labels = ['agent-improvement', 'self-improvement', 'reliability'];

export const backoffTicket: PreventiveTicket = {
  title: 'Add connection backoff logic to routines',
  description:
    'During the incident, routines created retry storms when the MCP server failed, exhausting the connection pool. ' +
    'Implement exponential backoff for routine retries: first retry 1 s, second 2 s, third 4 s, max retries 3. ' +
    'Also add jitter (random ±20%) to prevent thundering herd.',
  owner: 'Mike',
  deliverables: ['Backoff implementation', 'Unit tests for retry logic', 'Documentation for routine developers'],
  labels,
};

export const memoryMonitoringTicket: PreventiveTicket = {
  title: 'Implement memory monitoring for external runtimes',
  description:
    'The bash-runtime-mike OOM was preventable with memory monitoring. Add memory usage tracking to external runtimes: ' +
    'log memory usage every 30 seconds, alert at 80% of the memory limit, alert at 90% (critical), auto-restart at 95%.',
  owner: 'James',
  deliverables: ['Memory monitoring script', 'CloudWatch alarms (if applicable)', 'Runtime health dashboard'],
  labels,
};

export const providerFailoverTicket: PreventiveTicket = {
  title: 'Add provider failover for critical agentic loops',
  description:
    'OpenAI degradation caused stuck loops waiting for API responses. Implement provider failover for critical work: ' +
    'primary provider OpenAI, backup provider Anthropic, failover trigger timeout > 2 min OR error rate > 10%, ' +
    'auto-switch back when the primary is healthy.',
  owner: 'Elena',
  deliverables: ['Provider abstraction layer', 'Failover logic', 'Logging for provider switches', 'Testing procedures'],
  labels,
};
