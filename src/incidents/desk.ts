import { desc, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Actor } from '../actor.js';
import type { CardSink } from '../actions/card-sink.js';
import type { Card, Severity } from '../chat/card.js';
import type { IncidentsConfig } from '../config.js';
import type { Db } from '../db/client.js';
import { incidents } from '../db/schema/incidents.js';
import { insights as insightsTable } from '../db/schema/insights.js';
import { findEntry } from '../insights/catalog/index.js';
import { Insight } from '../insights/insight.js';
import { gatherFacts } from '../postmortem/facts.js';
import { rankRootCauses } from '../postmortem/root-causes.js';
import { incidentTimeline } from '../postmortem/timeline.js';
import { generateMinutes, minutesCard, renderMarkdown, type Minutes } from '../postmortem/minutes.js';
import type { Polisher } from '../postmortem/polish.js';
import { err, ok, type Result } from '../result.js';
import { listTickets } from '../tickets/builtin.js';
import { improvementSummary, improveFromIncident, ticketFingerprint, type Improvement } from '../tickets/improve.js';
import type { Tickets } from '../tickets/port.js';
import { incidentCard, incidentCardKey } from './card.js';
import { wordedMirror } from './mirror-words.js';
import { adoptRecentInsights, correlateInsights } from './correlate.js';
import { declareIncident } from './declare.js';
import { currentIncident, findIncident, incidentInsightIds, mitigateIfClear, openIncidentIdsOf, resolveIncident } from './lifecycle.js';
import { parseIncident, type Incident } from './model.js';
import { utcClock } from '../clock.js';

export type IncidentDeskDeps = {
  db: Db;
  config: IncidentsConfig;
  showCard: CardSink;
  tickets: Tickets;
  polisher: Polisher;
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  /** Declaring and resolving need a responder; the refusal's words come back as the message. */
  authorise?: (actor: Actor, action: 'declare_incident' | 'resolve_incident') => Promise<Result<unknown, { message: string }>>;
  now?: () => number;
};

type Refused = { code: 'forbidden'; message: string };

const textCard = (title: string, text: string, context?: string, severity: Severity = 'info'): Card => ({
  title,
  severity,
  state: 'info',
  text,
  fields: [],
  entities: [],
  actions: [],
  ...(context ? { context } : {}),
});

/**
 * Incidents from chat and from the insight stream: the header card is the thread, and what
 * happens to the incident (insights joining, the minutes, the preventive tickets) goes in it.
 */
export function createIncidentDesk(deps: IncidentDeskDeps) {
  const ctx = { db: deps.db, ...(deps.now ? { now: deps.now } : {}) };
  const correlationContext = () => ({ ...ctx, windowMinutes: deps.config.correlationMinutes, channel: deps.config.channel });

  async function insightsOf(incidentId: number): Promise<Insight[]> {
    const ids = await incidentInsightIds(deps.db, incidentId);
    if (ids.length === 0) return [];
    const rows = await deps.db.select().from(insightsTable).where(inArray(insightsTable.id, ids));
    return rows.map((r) => Insight.parse(r)).sort((a, b) => a.firstSeenAt.getTime() - b.firstSeenAt.getTime() || a.id - b.id);
  }

  async function status(incidentId: number) {
    const incident = await findIncident(deps.db, incidentId);
    if (!incident) return undefined;
    const members = await insightsOf(incidentId);
    return { incident, insights: members.map((i) => ({ id: i.id, title: i.title, severity: i.severity, status: i.status })) };
  }

  async function showHeader(incident: Incident): Promise<void> {
    const found = await status(incident.id);
    await deps.showCard({ cardKey: incidentCardKey(incident.id), channel: incident.channel }, incidentCard(incident, { insights: found?.insights ?? [] }));
  }

  const inThread = (incident: Incident, key: string, card: Card) =>
    deps.showCard({ cardKey: `${incidentCardKey(incident.id)}:${key}`, channel: incident.channel, threadCardKey: incidentCardKey(incident.id) }, card);

  /**
   * Doctor runs, actions and decisions taken while an incident is open go into its thread too,
   * so the thread reads as the incident's story; the key makes a repeat an update, not a post.
   * An action or an approval is worded from its row, as /audit words it (mirror-words.ts); the
   * severity labels the entry by what it says (a CRITICAL Doctor run is not INFO).
   */
  async function mirror(key: string, title: string, text: string, severity: Severity = 'info'): Promise<void> {
    const incident = await currentIncident(deps.db);
    if (!incident) return;
    const worded = await wordedMirror(deps.db, key);
    await inThread(incident, key, worded ? textCard(worded.title, worded.text, undefined, worded.severity) : textCard(title, text, undefined, severity));
  }

  /** The Copilot publisher's hook: correlate, mirror joins in the thread, mitigate when clear. */
  async function onInsights(changed: Insight[]): Promise<void> {
    const correlation = await correlateInsights(correlationContext(), changed);
    const touched = new Map<number, Incident>();
    for (const incident of correlation.reopened ?? []) touched.set(incident.id, incident);
    for (const { incident } of correlation.joined) touched.set(incident.id, incident);
    const cleared = changed.filter((i) => i.status === 'resolved' || i.status === 'dismissed').map((i) => i.id);
    for (const id of cleared.length ? await openIncidentIdsOf(deps.db, cleared) : []) {
      const mitigated = await mitigateIfClear(ctx, id);
      if (mitigated) touched.set(id, mitigated);
    }
    for (const incident of touched.values()) {
      const current = (await findIncident(deps.db, incident.id)) ?? incident;
      await showHeader(current);
      await showMembers(current);
    }
  }

  /**
   * The insights in the incident, as ONE card in its thread updated in place: a storm of 50
   * joining insights is one message that changes, not 50 replies competing for Slack's budget.
   */
  async function showMembers(incident: Incident): Promise<void> {
    const members = await insightsOf(incident.id);
    const icon = { critical: '🔴', warning: '⚠️', info: 'ℹ️' } as const;
    const lines = members.map((i) => `${icon[i.severity]} ${i.title} — ${i.status}, first seen ${utcClock(i.firstSeenAt)}`);
    await inThread(incident, 'insights', textCard(`Insights in this incident (${members.length})`, lines.join('\n')));
  }

  async function allowed(actor: Actor, action: 'declare_incident' | 'resolve_incident'): Promise<Refused | undefined> {
    const decided = await deps.authorise?.(actor, action);
    return decided && !decided.ok ? { code: 'forbidden', message: decided.error.message } : undefined;
  }

  async function declare(input: { title: string; actor: Actor; channel: string }) {
    const refused = await allowed(input.actor, 'declare_incident');
    if (refused) return err(refused);
    const declared = await declareIncident(ctx, { ...input, channel: input.channel || deps.config.channel });
    if (!declared.ok) return declared;
    const adopted = await adoptRecentInsights(correlationContext(), declared.value.id);
    await showHeader(declared.value);
    if (adopted.length) await showMembers(declared.value);
    return declared;
  }

  /** Resolve, then the minutes and the preventive tickets in the thread. */
  async function resolve(input: { incidentId: number; actor: Actor }) {
    const refused = await allowed(input.actor, 'resolve_incident');
    if (refused) return err(refused);
    const resolved = await resolveIncident(ctx, input);
    if (!resolved.ok) return resolved;
    await showHeader(resolved.value);
    const improved = await improve(resolved.value.id);
    if (!improved.ok) deps.logger.warn({ incident: resolved.value.id, reason: improved.error.message }, 'preventive tickets could not be filed');
    await postMinutes(resolved.value.id);
    return resolved;
  }

  /** The minutes as of now; the same incident state gives the same minutes. */
  async function minutes(incidentId: number): Promise<Minutes | undefined> {
    const facts = await gatherFacts(deps.db, incidentId, deps.now ? { now: new Date(deps.now()) } : {});
    if (!facts) return undefined;
    const fingerprints = new Set(facts.insights.flatMap((i) => {
      const template = findEntry(i.kind)?.preventiveTicket;
      return template ? [ticketFingerprint(template)] : [];
    }));
    const tickets = (await listTickets(deps.db, { status: 'open' })).filter((t) => fingerprints.has(t.fingerprint));
    return generateMinutes(facts, { tickets: tickets.map((t) => ({ title: t.title, status: t.status, ...(t.owner ? { owner: t.owner } : {}), ...(t.url ? { url: t.url } : {}) })) });
  }

  async function postMinutes(incidentId: number): Promise<Result<Minutes, string>> {
    const incident = await findIncident(deps.db, incidentId);
    const plain = incident ? await minutes(incidentId) : undefined;
    if (!incident || !plain) return err(`There is no incident #${incidentId}.`);
    const polished = await deps.polisher.polish(plain);
    const final = { ...polished.minutes, note: polished.note };
    await inThread(incident, 'minutes', minutesCard(final, incidentId));
    return ok(final);
  }

  async function improve(incidentId?: number): Promise<Result<Improvement, { message: string }>> {
    const incident = incidentId === undefined ? await currentOrLatest() : await findIncident(deps.db, incidentId);
    if (!incident) return err({ message: incidentId === undefined ? 'There is no incident yet: /improve works on an incident\'s failures.' : `There is no incident #${incidentId}.` });
    // The critical failures ask for prevention; the warnings around them are context, not causes.
    // Filed in root-cause order, so the primary cause's ticket comes first (the seed's #61).
    const facts = await gatherFacts(deps.db, incident.id, deps.now ? { now: new Date(deps.now()) } : {});
    const order = facts ? rankRootCauses(facts.insights).flatMap((c) => c.kinds) : [];
    const rank = (kind: string) => (order.includes(kind) ? order.indexOf(kind) : order.length);
    const members = (await insightsOf(incident.id)).filter((i) => i.severity === 'critical').sort((a, b) => rank(a.kind) - rank(b.kind));
    const kinds = members.map((i) => ({ kind: i.kind, scope: i.scope, evidence: i.detection.summary }));
    const result = await improveFromIncident({ tickets: deps.tickets, ...(deps.now ? { now: deps.now } : {}) }, { incidentId: incident.id, kinds });
    if (!result.ok) return err({ message: `The tickets could not be filed: ${result.error.message}` });
    await inThread(incident, 'tickets', textCard('Improvement tickets', improvementSummary(result.value)));
    return ok(result.value);
  }

  /** Without a number: the incident in progress, else the one resolved last. */
  const currentOrLatest = async (): Promise<Incident | undefined> => {
    const current = await currentIncident(deps.db);
    if (current) return current;
    const [latest] = await deps.db.select().from(incidents).orderBy(desc(incidents.id)).limit(1);
    return latest ? parseIncident(latest) : undefined;
  };

  async function markdown(incidentId: number): Promise<string | undefined> {
    const m = await minutes(incidentId);
    return m ? renderMarkdown(m) : undefined;
  }

  return { onInsights, mirror, status, timeline: (id: number) => incidentTimeline(deps.db, id), declare, resolve, postMinutes, improve, markdown, showHeader, current: () => currentIncident(deps.db), currentOrLatest };
}
export type IncidentDesk = ReturnType<typeof createIncidentDesk>;
