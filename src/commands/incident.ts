import { actorLabel, type Actor } from '../actor.js';
import type { InteractionReply } from '../chat/interactions.js';
import { incidentCard, type IncidentSummary } from '../incidents/card.js';
import type { DeclareError } from '../incidents/declare.js';
import type { ResolveError } from '../incidents/lifecycle.js';
import { clock, duration, type Incident } from '../incidents/model.js';
import { err, ok, type Result } from '../result.js';
import { privately, type Command } from './command.js';

export type TimelineEntry = { at: Date; actor?: string; text: string };

/** Someone without the role: the words say which role and who has it. */
type Forbidden = { code: 'forbidden'; message: string };

export type IncidentCommandDeps = {
  declare: (input: { title: string; actor: Actor; channel: string }) => Promise<Result<Incident, DeclareError | Forbidden>>;
  /** The incident and its insights, or undefined when there is no such incident. */
  status: (incidentId: number) => Promise<{ incident: Incident; insights: IncidentSummary['insights'] } | undefined>;
  resolve: (input: { incidentId: number; actor: Actor }) => Promise<Result<Incident, ResolveError | Forbidden>>;
  timeline: (incidentId: number) => Promise<TimelineEntry[]>;
  /** The latest incident not yet resolved: what the verbs act on without a number. */
  current: () => Promise<Incident | undefined>;
};

const usage = [
  '/incident declare <title> — open an incident by hand',
  '/incident status [id] — where an incident stands (the current one without an id)',
  '/incident resolve [id] — resolve it; the post-mortem and preventive tickets follow',
  '/incident timeline [id] — everything that happened in it, with times and who',
  '/incident help — this help',
];
const USAGE_LINE = 'Usage: /incident declare <title> | status [id] | resolve [id] | timeline [id]';
const MAX_TIMELINE = 60;
const ID = /^#?(\d{1,12})$/;

const inChannel = (text: string): InteractionReply => ({ visibility: 'channel', text });

/** "", "12" or "#12" → which incident; anything else → what was wrong, precisely. */
export function parseIncidentId(verb: string, words: string[]): Result<number | undefined, string> {
  if (words.length === 0) return ok(undefined);
  const match = words.length === 1 ? ID.exec(words[0]!) : null;
  if (match && Number(match[1]) > 0) return ok(Number(match[1]));
  if (words.length > 1) return err(`/incident ${verb} takes at most one incident number, like /incident ${verb} 12; "${words.join(' ')}" is more than one.`);
  return err(`/incident ${verb} takes an incident number, like /incident ${verb} 12 or #12; "${words[0]}" is not one.`);
}

/** `/incident declare|status|resolve|timeline`: declaring and resolving answer in the channel, looking privately. */
export function incidentCommand(deps: IncidentCommandDeps): Command {
  /** Which incident the verb is about, or the private answer explaining why there is none. */
  const target = async (verb: string, words: string[]): Promise<Result<number, InteractionReply>> => {
    const parsed = parseIncidentId(verb, words);
    if (!parsed.ok) return err(privately(`${parsed.error}\n${USAGE_LINE}`));
    if (parsed.value !== undefined) return ok(parsed.value);
    const current = await deps.current();
    if (current) return ok(current.id);
    return err(privately(`No incident is open right now, so there is nothing to ${verb}. Name one by number (/incident ${verb} 12), or open one with /incident declare <title>.`));
  };
  const unknown = async (id: number): Promise<InteractionReply> => {
    const current = await deps.current();
    return privately(current ? `There is no incident #${id}; the current one is #${current.id}.` : `There is no incident #${id}, and none is open right now.`);
  };

  const verbs: Record<string, (words: string[], actor: Actor, channel: string) => Promise<InteractionReply>> = {
    declare: async (words, actor, channel) => {
      const declared = await deps.declare({ title: words.join(' '), actor, channel });
      if (!declared.ok) return privately(declared.error.message);
      return inChannel(`Incident #${declared.value.id} declared by ${actorLabel(actor)}: ${declared.value.title}`);
    },
    status: async (words) => {
      const id = await target('status', words);
      if (!id.ok) return id.error;
      const found = await deps.status(id.value);
      if (!found) return unknown(id.value);
      return { ...privately(statusLine(found.incident, found.insights)), card: incidentCard(found.incident, { insights: found.insights }) };
    },
    resolve: async (words, actor) => {
      const id = await target('resolve', words);
      if (!id.ok) return id.error;
      const resolved = await deps.resolve({ incidentId: id.value, actor });
      if (resolved.ok) return inChannel(resolvedLine(resolved.value, actor));
      return resolved.error.code === 'not_found' ? unknown(id.value) : privately(resolved.error.message);
    },
    timeline: async (words) => {
      const id = await target('timeline', words);
      if (!id.ok) return id.error;
      const found = await deps.status(id.value);
      if (!found) return unknown(id.value);
      return privately(timelineText(found.incident, await deps.timeline(id.value)));
    },
  };

  return {
    name: 'incident',
    summary: 'declare, follow and resolve incidents',
    usage,
    async run(args, ctx) {
      const [verb = '', ...words] = args.trim().split(/\s+/).filter(Boolean);
      const option = verb.toLowerCase();
      if (option === '' || option === 'help') return privately(['*/incident* declares, follows and resolves incidents:', ...usage].join('\n'));
      // Own keys only: "__proto__" or "constructor" would find Object.prototype's and crash.
      const handler = Object.hasOwn(verbs, option) ? verbs[option] : undefined;
      if (!handler) return privately(`/incident has no option "${verb}". ${USAGE_LINE}`);
      return handler(words, ctx.actor, ctx.channel);
    },
  };
}

function statusLine(incident: Incident, insights: IncidentSummary['insights']): string {
  const live = insights.filter((i) => i.status === 'open' || i.status === 'acknowledged').length;
  const since = `opened ${clock(incident.openedAt)}`;
  const end = incident.resolvedAt ? `, resolved ${clock(incident.resolvedAt)} after ${duration(incident.openedAt, incident.resolvedAt)}` : '';
  return `Incident #${incident.id} is ${incident.status}: ${incident.title} (${since}${end}; ${insights.length} insights, ${live} live).`;
}

function resolvedLine(incident: Incident, actor: Actor): string {
  const took = incident.resolvedAt ? ` after ${duration(incident.openedAt, incident.resolvedAt)}` : '';
  return `Incident #${incident.id} resolved by ${actorLabel(actor)}${took}: ${incident.title}`;
}

function timelineText(incident: Incident, entries: TimelineEntry[]): string {
  const head = `*Incident #${incident.id} timeline*: ${incident.title}`;
  if (entries.length === 0) return `${head}\nNothing recorded yet.`;
  const shown = entries.slice(0, MAX_TIMELINE).map((e) => `${clock(e.at)}  ${e.actor ?? 'Triage'}  ${e.text}`);
  const more = entries.length > MAX_TIMELINE ? [`… and ${entries.length - MAX_TIMELINE} more; the post-mortem has them all.`] : [];
  return [head, ...shown, ...more].join('\n');
}
