import { findEntry } from '../insights/catalog/index.js';
import type { InsightFact } from './facts.js';

/**
 * Root causes from the catalog's dependency map (`causedBy`) and the order of detection.
 *
 * 1. Insights become causes: kinds that share a preventive ticket (the catalog gives facets of one
 *    failure mode the same ticket: pool exhaustion, retry storm, routine budget) or an affected
 *    entity (the pool and the failing server are one MCP server) are one cause.
 * 2. Causes are ranked so that one whose kinds cause kinds of another ranks above it; among
 *    unconstrained causes the earlier first-seen wins, then the lower recoveryRank.
 * 3. The map can loop through a cascade (provider → retry storm → pool → runtimes → stuck loops →
 *    provider's group): then the cause that directly explains the most other kinds goes first.
 */
export const RANKS = ['primary', 'secondary', 'tertiary'] as const;
export type Rank = (typeof RANKS)[number] | 'contributing';

export type CauseGroup = {
  rank: Rank;
  /** The kind that explains most of the group: the cause's name comes from it. */
  head: InsightFact;
  members: InsightFact[];
  kinds: string[];
  /** Present insights the catalog lists as causes of the head, else of the other members. */
  upstream: InsightFact[];
  /** Present insights (other than the head) that this group's kinds cause. */
  effects: InsightFact[];
};

const causes = (cause: string, effect: string): boolean => cause !== effect && (findEntry(effect)?.causedBy.includes(cause) ?? false);
const rankOf = (kind: string): number => findEntry(kind)?.recoveryRank ?? 100;
const ticketOf = (kind: string): string | undefined => findEntry(kind)?.preventiveTicket.title;
const entityKeys = (i: InsightFact): string[] => i.entities.filter((e) => e.kind !== 'employee').map((e) => `${e.kind}:${e.id}`);

/** Union-find over insights: same kind, same preventive ticket, or a shared entity. */
function group(insights: InsightFact[]): InsightFact[][] {
  const parent = insights.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const byKey = new Map<string, number>();
  insights.forEach((insight, i) => {
    const ticket = ticketOf(insight.kind);
    for (const key of [`kind:${insight.kind}`, ...(ticket ? [`ticket:${ticket}`] : []), ...entityKeys(insight)]) {
      const seen = byKey.get(key);
      if (seen === undefined) byKey.set(key, i);
      else parent[find(i)] = find(seen);
    }
  });
  const groups = new Map<number, InsightFact[]>();
  insights.forEach((insight, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), insight]));
  return [...groups.values()];
}

const firstSeen = (members: InsightFact[]): number => Math.min(...members.map((m) => m.firstSeenAt.getTime()));
const minRank = (members: InsightFact[]): number => Math.min(...members.map((m) => rankOf(m.kind)));
const kindsOf = (members: InsightFact[]): string[] => [...new Set(members.map((m) => m.kind))];
const groupCauses = (a: InsightFact[], b: InsightFact[]): boolean => kindsOf(a).some((x) => kindsOf(b).some((y) => causes(x, y)));
/** How many kinds of the other groups this group's kinds directly cause. */
const breadth = (g: InsightFact[], others: InsightFact[][]): number =>
  new Set(others.flatMap((o) => kindsOf(o).filter((y) => kindsOf(g).some((x) => causes(x, y))))).size;

const earlier = (a: InsightFact[], b: InsightFact[]): number =>
  firstSeen(a) - firstSeen(b) || minRank(a) - minRank(b) || (kindsOf(a)[0] ?? '').localeCompare(kindsOf(b)[0] ?? '');

function order(groups: InsightFact[][]): InsightFact[][] {
  const remaining = [...groups];
  const ordered: InsightFact[][] = [];
  while (remaining.length) {
    let candidates = remaining.filter((g) => !remaining.some((h) => h !== g && groupCauses(h, g)));
    if (candidates.length === 0) {
      // A cycle in the map: the cause that explains the most of the rest goes first.
      const score = (g: InsightFact[]): number => breadth(g, remaining.filter((o) => o !== g));
      const best = Math.max(...remaining.map(score));
      candidates = remaining.filter((g) => score(g) === best);
    }
    const pick = [...candidates].sort(earlier)[0]!;
    ordered.push(pick);
    remaining.splice(remaining.indexOf(pick), 1);
  }
  return ordered;
}

/** The member that causes the most present kinds; ties: critical first, lower recoveryRank, earlier. */
function headOf(members: InsightFact[], all: InsightFact[]): InsightFact {
  const reach = (m: InsightFact): number => kindsOf(all).filter((k) => causes(m.kind, k)).length;
  const severity = (m: InsightFact): number => (m.severity === 'critical' ? 0 : 1);
  return [...members].sort(
    (a, b) =>
      reach(b) - reach(a) || severity(a) - severity(b) || rankOf(a.kind) - rankOf(b.kind) || a.firstSeenAt.getTime() - b.firstSeenAt.getTime() || a.id - b.id,
  )[0]!;
}

const causesAny = (members: InsightFact[], effect: InsightFact): boolean => members.some((m) => causes(m.kind, effect.kind));

export function rankRootCauses(insights: InsightFact[]): CauseGroup[] {
  const ordered = order(group(insights));
  return ordered.map((members, index) => {
    const head = headOf(members, insights);
    const outside = insights.filter((i) => !members.includes(i));
    const headCauses = insights.filter((i) => causes(i.kind, head.kind));
    return {
      rank: RANKS[index] ?? 'contributing',
      head,
      members,
      kinds: kindsOf(members),
      // The head's own causes first; else what, outside the group, fed its other members.
      upstream: headCauses.length ? headCauses : outside.filter((o) => members.some((m) => causes(o.kind, m.kind))),
      effects: insights.filter((i) => i !== head && causesAny(members, i)),
    };
  });
}
