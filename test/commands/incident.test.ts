import { asc, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorLabel, Actor } from '../../src/actor.js';
import { incidentCommand, type IncidentCommandDeps, type TimelineEntry } from '../../src/commands/incident.js';
import { insightHistory } from '../../src/db/schema/insights.js';
import { correlateInsights } from '../../src/incidents/correlate.js';
import { declareIncident } from '../../src/incidents/declare.js';
import { currentIncident, findIncident, incidentInsightIds, resolveIncident } from '../../src/incidents/lifecycle.js';
import { clock as hhmm } from '../../src/incidents/model.js';
import { findById } from '../../src/insights/store.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';
import { addInsight, elena, mike, minutes, setInsightStatus } from '../incidents/support.js';

const asMike = { actor: mike, channel: 'ops', platform: 'slack' as const };
const asElena = { actor: elena, channel: 'ops', platform: 'slack' as const };
const USAGE_LINE = 'Usage: /incident declare <title> | status [id] | resolve [id] | timeline [id]';

describe('/incident', () => {
  let database: TestDatabase;
  let now = minutes(0).getTime();
  let correlatedId = 0;
  const ctx = () => ({ db: database.db, now: () => now });

  /** A small real timeline over this test's data: the incident opening, its insights' history, its resolution. */
  const timeline = async (id: number): Promise<TimelineEntry[]> => {
    const incident = (await findIncident(database.db, id))!;
    const ids = await incidentInsightIds(database.db, id);
    const history = ids.length ? await database.db.select().from(insightHistory).where(inArray(insightHistory.insightId, ids)).orderBy(asc(insightHistory.at)) : [];
    const entries: TimelineEntry[] = [{ at: incident.openedAt, actor: actorLabel(incident.openedBy), text: `incident opened: ${incident.title}` }];
    for (const h of history) {
      const actor = h.actor ? actorLabel(Actor.parse(h.actor)) : undefined;
      entries.push({ at: h.at, ...(actor ? { actor } : {}), text: `insight #${h.insightId} ${h.change}` });
    }
    if (incident.resolvedAt) entries.push({ at: incident.resolvedAt, actor: actorLabel(incident.resolvedBy!), text: 'incident resolved' });
    return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
  };
  const deps = (): IncidentCommandDeps => ({
    declare: (input) => declareIncident(ctx(), input),
    status: async (id) => {
      const incident = await findIncident(database.db, id);
      if (!incident) return undefined;
      const found = await Promise.all((await incidentInsightIds(database.db, id)).map((i) => findById(database.db, i)));
      return { incident, insights: found.map((i) => ({ id: i!.id, title: i!.title, severity: i!.severity, status: i!.status })) };
    },
    resolve: (input) => resolveIncident(ctx(), input),
    timeline,
    current: () => currentIncident(database.db),
  });
  const run = (args: string, as = asMike) => incidentCommand(deps()).run(args, as);

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
  });
  afterAll(async () => database?.drop());

  it.each(['', 'help', 'HELP'])('"/incident %s" lists what it does, privately', async (args) => {
    const reply = await run(args);
    expect(reply.visibility).toBe('private');
    expect(reply.text.split('\n')).toEqual([
      '*/incident* declares, follows and resolves incidents:',
      '/incident declare <title> — open an incident by hand',
      '/incident status [id] — where an incident stands (the current one without an id)',
      '/incident resolve [id] — resolve it; the post-mortem and preventive tickets follow',
      '/incident timeline [id] — everything that happened in it, with times and who',
      '/incident help — this help',
    ]);
  });

  it('an unknown option is named, with the usage', async () => {
    expect(await run('close 12')).toEqual({ visibility: 'private', text: `/incident has no option "close". ${USAGE_LINE}` });
  });

  it.each(['status', 'resolve', 'timeline'])('/incident %s with no incident open says there is none and how to name or open one', async (verb) => {
    expect(await run(verb)).toEqual({
      visibility: 'private',
      text: `No incident is open right now, so there is nothing to ${verb}. Name one by number (/incident ${verb} 12), or open one with /incident declare <title>.`,
    });
  });

  it('declare without a title answers privately with an example; nothing is opened', async () => {
    expect(await run('declare')).toEqual({ visibility: 'private', text: 'An incident needs a title. For example: /incident declare Checkout API returns 500s' });
    expect(await currentIncident(database.db)).toBeUndefined();
  });

  it('a cascade correlated by Triage is the current incident: /incident status shows it with its card, privately', async () => {
    const a = await addInsight(database.db, { kind: 'runtime_execution_failures', scope: 'bash-runtime-mike', at: minutes(0), title: 'Runtime bash-runtime-mike failing' });
    const b = await addInsight(database.db, { kind: 'mcp_pool_exhausted', scope: 'database-query', at: minutes(3), title: 'MCP pool exhausted' });
    now = minutes(3).getTime();
    correlatedId = (await correlateInsights({ ...ctx(), windowMinutes: 10 }, [a, b])).opened!.id;
    await setInsightStatus(database.db, a, 'resolved', minutes(20));

    const reply = await run('status');
    expect(reply.visibility).toBe('private');
    expect(reply.text).toBe(
      `Incident #${correlatedId} is open: Cascading failure: runtime execution failures, MCP connection pool exhausted (opened 14:35 UTC; 2 insights, 1 live).`,
    );
    expect(reply.card?.title).toBe(`🚨 Incident #${correlatedId}: Cascading failure: runtime execution failures, MCP connection pool exhausted`);
    expect(reply.card?.entities.map((e) => e.label)).toEqual(['Runtime bash-runtime-mike failing', 'MCP pool exhausted']);
    expect((await run(`status #${correlatedId}`)).text).toBe(reply.text);
  });

  it('declare answers in the channel and the new incident becomes the current one', async () => {
    now = minutes(10).getTime();
    const reply = await run('declare   Checkout API returns 500s ');
    const current = await currentIncident(database.db);
    expect(reply).toEqual({ visibility: 'channel', text: `Incident #${current!.id} declared by Mike: Checkout API returns 500s` });
    expect(current!.id).not.toBe(correlatedId);
  });

  it.each([
    ['status abc', '/incident status takes an incident number, like /incident status 12 or #12; "abc" is not one.'],
    ['resolve 0', '/incident resolve takes an incident number, like /incident resolve 12 or #12; "0" is not one.'],
    ['timeline 12 13', '/incident timeline takes at most one incident number, like /incident timeline 12; "12 13" is more than one.'],
    ['status -3', '/incident status takes an incident number, like /incident status 12 or #12; "-3" is not one.'],
  ])('"/incident %s" is refused precisely, privately, with the usage', async (args, text) => {
    expect(await run(args)).toEqual({ visibility: 'private', text: `${text}\n${USAGE_LINE}` });
  });

  it.each(['status 99', 'resolve 99', 'timeline #99'])('"/incident %s" names the current incident instead', async (args) => {
    const current = await currentIncident(database.db);
    expect(await run(args)).toEqual({ visibility: 'private', text: `There is no incident #99; the current one is #${current!.id}.` });
  });

  it('resolve by number answers in the channel with the duration; a second resolve is told who and when, privately', async () => {
    now = minutes(47).getTime();
    expect(await run(`resolve ${correlatedId}`, asElena)).toEqual({
      visibility: 'channel',
      text: `Incident #${correlatedId} resolved by Elena after 44 min: Cascading failure: runtime execution failures, MCP connection pool exhausted`,
    });
    now = minutes(48).getTime();
    expect(await run(`resolve #${correlatedId}`)).toEqual({ visibility: 'private', text: `Incident #${correlatedId} was already resolved by Elena at 15:19 UTC; nothing changed.` });
    expect((await run(`status ${correlatedId}`)).text).toMatch(/^Incident #\d+ is resolved: .* \(opened 14:35 UTC, resolved 15:19 UTC after 44 min; 2 insights, 1 live\)\.$/);
  });

  it('/incident timeline shows what happened in order, with times and who, privately', async () => {
    const reply = await run(`timeline ${correlatedId}`);
    expect(reply.visibility).toBe('private');
    const ids = await incidentInsightIds(database.db, correlatedId);
    expect(reply.text.split('\n')).toEqual([
      `*Incident #${correlatedId} timeline*: Cascading failure: runtime execution failures, MCP connection pool exhausted`,
      `14:32 UTC  Triage  insight #${ids[0]} opened`,
      `14:35 UTC  Triage  incident opened: Cascading failure: runtime execution failures, MCP connection pool exhausted`,
      `14:35 UTC  Triage  insight #${ids[1]} opened`,
      `14:52 UTC  Triage  insight #${ids[0]} resolved`,
      `${hhmm(minutes(47))}  Elena  incident resolved`,
    ]);
  });

  it('without a number, resolve acts on the current incident; then none is open', async () => {
    const current = await currentIncident(database.db);
    expect((await run('resolve')).text).toMatch(new RegExp(`^Incident #${current!.id} resolved by Mike after \\d+ min: Checkout API returns 500s$`));
    expect(await run('status 99')).toEqual({ visibility: 'private', text: 'There is no incident #99, and none is open right now.' });
  });
});
