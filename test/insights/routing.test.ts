import { describe, expect, it } from 'vitest';
import { Routing, routeInsight } from '../../src/insights/routing.js';

const routing = Routing.parse({
  defaultChannel: 'ops',
  channels: { leads: { minSeverity: 'critical' } },
  routes: [
    { channel: 'governance', categories: ['governance'] },
    { channel: 'leads', categories: ['operational', 'governance'] },
    { channel: 'mcp-team', kinds: ['mcp_pool_exhausted', 'mcp_server_failing'] },
  ],
});

describe('routing', () => {
  it('sends to every matching route, honouring each channel minimum severity', () => {
    expect(routeInsight(routing, { kind: 'routine_budget_exhausted', category: 'governance', severity: 'critical' })).toEqual(['governance', 'leads']);
    expect(routeInsight(routing, { kind: 'routine_budget_exhausted', category: 'governance', severity: 'warning' })).toEqual(['governance']);
    expect(routeInsight(routing, { kind: 'mcp_pool_exhausted', category: 'workflow', severity: 'warning' })).toEqual(['mcp-team']);
  });

  it('falls back to the default channel when no route matches', () => {
    expect(routeInsight(routing, { kind: 'task_queue_growing', category: 'workflow', severity: 'info' })).toEqual(['ops']);
    expect(routeInsight(Routing.parse({}), { kind: 'x', category: 'operational', severity: 'info' })).toEqual(['ops']);
  });

  it('can route nowhere when the only match is below the channel minimum', () => {
    expect(routeInsight(routing, { kind: 'loops_stuck', category: 'operational', severity: 'warning' })).toEqual([]);
  });
});
