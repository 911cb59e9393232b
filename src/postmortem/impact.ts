import { findEntry } from '../insights/catalog/index.js';
import type { InsightFact } from './facts.js';

/**
 * The impact line of the minutes ("5 stuck loops, 2 runtimes down, 1 routine paused") counted
 * from the insights' kinds, detection facts and affected entities, and the monitoring plan.
 */
export type ImpactCount = { label: string; count: number };
type Label = [one: string, many: string];

const distinct = (insights: InsightFact[], kinds: string[], entityKind: string): number =>
  new Set(insights.filter((i) => kinds.includes(i.kind)).flatMap((i) => i.entities.filter((e) => e.kind === entityKind).map((e) => e.id))).size;

const sumFact = (insights: InsightFact[], kind: string, fact: string): number =>
  insights.filter((i) => i.kind === kind).reduce((n, i) => n + (typeof i.facts[fact] === 'number' ? (i.facts[fact] as number) : 0), 0);

/** Kinds with a dedicated count; every other kind is counted as insights under its catalog name. */
const COUNTS: Array<{ kinds: string[]; label: Label; count: (insights: InsightFact[]) => number }> = [
  { kinds: ['loops_stuck'], label: ['stuck loop', 'stuck loops'], count: (i) => sumFact(i, 'loops_stuck', 'loops') || distinct(i, ['loops_stuck'], 'loop') },
  { kinds: ['runtime_unreachable'], label: ['runtime down', 'runtimes down'], count: (i) => distinct(i, ['runtime_unreachable'], 'runtime') },
  { kinds: ['runtime_execution_failures'], label: ['runtime execution failure', 'runtime execution failures'], count: (i) => sumFact(i, 'runtime_execution_failures', 'failures') },
  {
    kinds: ['routine_budget_exhausted'],
    label: ['routine paused', 'routines paused'],
    count: (i) => distinct(i.filter((x) => x.facts.paused !== false), ['routine_budget_exhausted'], 'routine'),
  },
  { kinds: ['mcp_server_failing', 'mcp_pool_exhausted'], label: ['MCP failure', 'MCP failures'], count: (i) => distinct(i, ['mcp_server_failing', 'mcp_pool_exhausted'], 'mcp_server') },
  { kinds: ['provider_degraded'], label: ['provider degraded', 'providers degraded'], count: (i) => distinct(i, ['provider_degraded'], 'provider') },
];

export function countImpact(insights: InsightFact[]): ImpactCount[] {
  const counted = COUNTS.map(({ label: [one, many], count }) => {
    const n = count(insights);
    return { label: n === 1 ? one : many, count: n };
  });
  const covered = new Set(COUNTS.flatMap((c) => c.kinds));
  const rest = new Map<string, number>();
  // Warnings without a dedicated count are signals of the cause, not impact.
  for (const i of insights.filter((x) => !covered.has(x.kind) && x.severity === 'critical')) {
    const label = (findEntry(i.kind)?.name ?? i.kind.replace(/_/g, ' ')).toLowerCase();
    rest.set(label, (rest.get(label) ?? 0) + 1);
  }
  return [...counted, ...[...rest].map(([label, count]) => ({ label, count }))].filter((c) => c.count > 0);
}

const scopes = (insights: InsightFact[], kind: string): string => {
  const ids = [...new Set(insights.filter((i) => i.kind === kind).map((i) => i.scope))];
  return ids.filter((s) => s !== 'workspace').join(', ');
};

/** What to watch per kind; kinds without a line get a generic one from their catalog name. */
const WATCH: Record<string, (where: string) => string> = {
  mcp_pool_exhausted: (w) => `MCP connection pool usage${w ? ` on ${w}` : ''}: alert at 80% before it is exhausted`,
  mcp_server_failing: (w) => `MCP server health${w ? ` of ${w}` : ''}: latency and failed health checks`,
  retry_storm: (w) => `Call rates against baseline${w ? ` on ${w}` : ''}: retries must back off`,
  runtime_memory_high: (w) => `Runtime memory${w ? ` on ${w}` : ''}: alert at 80% and 90% of the limit`,
  runtime_unreachable: (w) => `Runtime heartbeats${w ? ` of ${w}` : ''}: a missed interval means down`,
  runtime_execution_failures: () => 'Runtime execution failures: 3 in 10 minutes is an alert',
  loops_stuck: () => 'Agentic loops running longer than 30 minutes',
  provider_degraded: (w) => `Provider latency and error rate${w ? ` for ${w}` : ''}: fail over above 10% errors`,
  routine_budget_exhausted: (w) => `Routine spend against budget${w ? ` for ${w}` : ''}`,
};

export function monitoringPlan(insights: InsightFact[]): string[] {
  const kinds = [...new Set(insights.map((i) => i.kind))];
  return kinds.map((kind) => {
    const where = scopes(insights, kind);
    const line = WATCH[kind];
    return line ? line(where) : `${findEntry(kind)?.name ?? kind}${where ? ` (${where})` : ''}: watch for recurrence`;
  });
}
