import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { MINUTE, plural } from '../../insights/catalog/helpers.js';
import type { AgenticLoop, Platform, Provider } from '../../platform/port.js';
import { pass, type DoctorAction, type DoctorCheck, type Finding } from '../check.js';
import type { DoctorConfig, ProviderProbe } from '../config.js';
import { CONFIG_LINES, unconfigured } from './unconfigured.js';
import { probeProvider, seconds, type HealthStatus, type ProbeOutcome } from './providers-probe.js';

export type ProvidersCheckDeps = {
  platform: Platform;
  probes: DoctorConfig['providers'];
  database: Database;
  now?: () => number;
};

/** The error rate is a recent one: older provider.health samples describe an incident that may be over. */
const ERROR_WINDOW_MS = 15 * MINUTE;
/** Below this an error rate is noise and not worth a word on the line. */
const SHOWN_ERROR_RATE = 0.01;
/** The platform's latency is "slow" past this when no probe sets its own threshold (the config's default). */
const DEFAULT_SLOW_MS = 2_000;
/** The seed's loops_stuck threshold: loops running this long on a degraded provider are likely hung on it. */
const STUCK_LOOP_MS = 30 * MINUTE;

const RANK: Record<HealthStatus, number> = { connected: 0, degraded: 1, down: 2 };
const WORD: Record<HealthStatus, string> = { connected: 'Connected', degraded: 'Degraded', down: 'Down' };
const ICON: Record<HealthStatus, string> = { connected: '✅', degraded: '⚠️', down: '❌' };

type Entry = { keys: string[]; platform?: Provider; probe?: { config: ProviderProbe; outcome: ProbeOutcome } };
type Assessed = { name: string; keys: string[]; status: HealthStatus; reasons: string[] };

const lower = (values: Array<string | undefined>): string[] => values.flatMap((v) => (v ? [v.toLowerCase()] : []));

/**
 * A configured probe joins the platform's provider with the same id or name, case-insensitively.
 * Configured providers come first, in the operator's order; the platform's others follow.
 */
function join(providers: Provider[], probes: ProviderProbe[], outcomes: ProbeOutcome[]): Entry[] {
  const unmatched = [...providers];
  const entries: Entry[] = probes.map((config, i) => {
    const keys = lower([config.id, config.name]);
    const at = unmatched.findIndex((p) => lower([p.id, p.name]).some((k) => keys.includes(k)));
    const [platform] = at >= 0 ? unmatched.splice(at, 1) : [];
    const probe = { config, outcome: outcomes[i]! };
    return platform ? { keys: [...new Set([...lower([platform.id, platform.name]), ...keys])], platform, probe } : { keys, probe };
  });
  return [...entries, ...unmatched.map((p) => ({ keys: lower([p.id, p.name]), platform: p }))];
}

/** What the platform's own figures say about a provider it does not call connected. */
function platformReason(p: Provider, slowMs: number): string | undefined {
  if (p.status === 'connected' || p.latencyMs === null || p.latencyMs <= slowMs) return undefined;
  return `slow response, ${seconds(p.latencyMs)}`;
}

/** The worse of the platform's view and the probe's wins, with its reason; then the recent error rate. */
function assess(entry: Entry, rates: Map<string, number>): Assessed {
  const { platform, probe } = entry;
  const slowMs = probe?.config.degradedAfterMs ?? DEFAULT_SLOW_MS;
  const fromPlatform = platform ? { status: platform.status, reason: platformReason(platform, slowMs) } : undefined;
  const sides = [probe?.outcome, fromPlatform].flatMap((s) => (s ? [s] : []));
  const worst = sides.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
  const reason = worst.reason ?? sides.find((s) => s.status === worst.status && s.reason)?.reason;
  const rate = entry.keys.map((k) => rates.get(k)).find((r) => r !== undefined) ?? platform?.errorRate ?? undefined;
  const reasons = [
    ...(reason ? [reason] : []),
    ...(rate !== undefined && rate >= SHOWN_ERROR_RATE ? [`${Math.round(rate * 100)}% errors`] : []),
  ];
  return { name: platform?.name ?? probe?.config.name ?? probe?.config.id ?? '?', keys: entry.keys, status: worst.status, reasons };
}

/** Mean error rate per provider (lower-cased) from provider.health events of the last 15 minutes. */
async function recentErrorRates(database: Database, at: number): Promise<Map<string, number>> {
  const since = new Date(at - ERROR_WINDOW_MS).toISOString();
  const until = new Date(at).toISOString();
  try {
    const rows = await database.query<{ provider: string; rate: number | string }>(sql`
      select lower(attributes->>'provider') as provider, avg((attributes->>'errorRate')::float8) as rate
      from events
      where type = 'provider.health' and known and jsonb_typeof(attributes->'errorRate') = 'number'
        and occurred_at > ${since}::timestamptz and occurred_at <= ${until}::timestamptz
      group by 1`);
    return new Map(rows.map((r) => [r.provider, Number(r.rate)]));
  } catch {
    // The events are extra detail; without them the platform's own error rate stands.
    return new Map();
  }
}

const line = (a: Assessed): string =>
  `${a.name}: ${WORD[a.status]}${a.reasons.length ? ` (${a.reasons.join(', ')})` : ''} ${ICON[a.status]}`;

function summaryOf(total: number, degraded: number, down: number): string {
  if (down === total) return `all ${plural(total, 'provider')} down`;
  // "1 of 3 degraded", or "1 of 3 degraded, 1 down": the first count carries the total.
  const counts = [...(degraded ? [`${degraded} degraded`] : []), ...(down ? [`${down} down`] : [])];
  const [first, ...rest] = counts;
  return [first!.replace(' ', ` of ${total} `), ...rest].join(', ');
}

/** Loops hung behind a bad provider recover when it does: watch them rather than fail over at once. */
async function actionsFor(platform: Platform, bad: Assessed[], at: number): Promise<DoctorAction[]> {
  const listed = await platform.listLoops();
  const loops: AgenticLoop[] = listed.ok ? listed.value : [];
  const hasStuckLoops = (a: Assessed): boolean =>
    loops.some((l) => l.status === 'running' && !!l.provider && a.keys.includes(l.provider.toLowerCase()) && at - Date.parse(l.startedAt) > STUCK_LOOP_MS);
  const watch = bad.filter((a) => !hasStuckLoops(a));
  return [
    ...(watch.length < bad.length ? [{ kind: 'loops_stuck', text: 'Monitor for stuck loops (may auto-recover with provider fix)', buttons: [] }] : []),
    ...watch.map((a) => ({ kind: 'provider_degraded', text: `Watch ${a.name}; consider failing over`, buttons: [] })),
  ];
}

/**
 * Provider health: the platform's view of each LLM provider joined with a real GET of each
 * configured probe URL, one line per provider as the seed shows them ("OpenAI: Degraded (slow
 * response) ⚠️"). Some providers down while another still answers is PARTIAL: work goes on.
 */
export function providersCheck({ platform, probes, database, now }: ProvidersCheckDeps): DoctorCheck {
  return {
    section: 'providers',
    name: 'Provider health',
    async run(ctx): Promise<Finding> {
      const at = now?.() ?? ctx.now.getTime();
      const [listed, outcomes, rates] = await Promise.all([
        platform.listProviders(),
        Promise.all(probes.map((p) => probeProvider(p, ctx.signal))),
        recentErrorRates(database, at),
      ]);
      if (!listed.ok && !probes.length) {
        return { status: 'fail', summary: `could not list providers: ${listed.error.message}`, details: [], actions: [] };
      }
      const assessed = join(listed.ok ? listed.value : [], probes, outcomes).map((e) => assess(e, rates));
      const listingProblem = listed.ok ? [] : [`platform providers unknown: ${listed.error.message}`];
      if (!assessed.length) return unconfigured('LLM providers', CONFIG_LINES.providers);
      const bad = assessed.filter((a) => a.status !== 'connected');
      if (!bad.length) return pass(`${plural(assessed.length, 'provider')} connected`, listingProblem);

      const down = bad.filter((a) => a.status === 'down').length;
      const connected = assessed.length - bad.length;
      return {
        status: down === assessed.length ? 'fail' : connected > 0 ? 'partial' : 'warning',
        summary: summaryOf(assessed.length, bad.length - down, down),
        details: [...assessed.map(line), ...listingProblem],
        actions: await actionsFor(platform, bad, at),
      };
    },
  };
}
