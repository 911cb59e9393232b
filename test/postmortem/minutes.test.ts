import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Card } from '../../src/chat/card.js';
import { gatherFacts, type IncidentFacts } from '../../src/postmortem/facts.js';
import { generateMinutes, minutesCard, renderMarkdown, type Minutes } from '../../src/postmortem/minutes.js';
import { incidentTimeline } from '../../src/postmortem/timeline.js';
import { oneDatabaseKind } from '../support/databases.js';
import { playSeedIncident, resolveIncident, type SeedIncident } from './support.js';

const tickets = [
  { title: 'Add connection backoff logic to routines', owner: 'Mike', url: 'https://tickets.example/61', status: 'open' },
  { title: 'Implement memory monitoring for external runtimes', owner: 'James', status: 'open' },
  { title: 'Add provider failover for critical agentic loops', owner: 'Elena', status: 'open' },
];

/** The seed incident, played and recovered for real; the minutes come from what was recorded. */
describe.each(oneDatabaseKind())('post-mortem minutes of the seed incident on %s', (kind) => {
  let seed: SeedIncident;
  let facts: IncidentFacts;
  let minutes: Minutes;
  beforeAll(async () => {
    seed = await playSeedIncident(kind);
    await resolveIncident(seed.triage, seed.incidentId);
    facts = (await gatherFacts(seed.triage.testDatabase.db, seed.incidentId))!;
    minutes = generateMinutes(facts, { tickets });
  });
  afterAll(async () => seed?.triage.close());

  it('ranks MCP pool exhaustion primary, the runtime OOM secondary and the provider degradation tertiary', () => {
    const [primary, secondary, tertiary] = minutes.rootCauses;
    expect(primary).toMatchObject({ rank: 'primary', title: 'MCP connection pool exhausted', prevention: 'Add connection backoff logic to routines', owner: 'Mike' });
    expect(primary!.kinds).toEqual(expect.arrayContaining(['mcp_pool_exhausted', 'mcp_server_failing', 'retry_storm']));
    expect(primary!.cause).toMatch(/Max connections set to 5, but 8 concurrent queries/);
    expect(primary!.contributingFactor).toMatch(/^Retry storm: mcp:database-query\/query$/);
    expect(primary!.impact).toEqual(expect.arrayContaining(['Routine daily-code-review out of budget', 'Runtime bash-runtime-mike unreachable']));
    expect(secondary!.rank).toBe('secondary');
    expect(secondary!.kinds).toEqual(expect.arrayContaining(['runtime_unreachable', 'runtime_execution_failures', 'runtime_memory_high']));
    expect(secondary!.prevention).toBe('Implement memory monitoring for external runtimes');
    expect(tertiary).toMatchObject({ rank: 'tertiary', title: 'LLM provider degraded', prevention: 'Add provider failover for critical agentic loops' });
    expect(tertiary!.kinds).toEqual(expect.arrayContaining(['provider_degraded', 'loops_stuck']));
    expect(tertiary!.impact).toEqual(expect.arrayContaining(['5 stuck agentic loops']));
    expect(minutes.rootCauses).toHaveLength(3);
  });

  it('summarises duration in UTC and the impact counted from the insights', () => {
    expect(minutes.ongoing).toBe(false);
    expect(minutes.startedAt).toBe(facts.incident.openedAt.toISOString());
    expect(minutes.duration).toMatch(/^(under 1 min|\d+ min)$/);
    const impact = Object.fromEntries(minutes.impact.map((i) => [i.label, i.count]));
    expect(impact).toMatchObject({ 'stuck loops': 5, 'runtimes down': 2, 'routine paused': 1, 'MCP failure': 1, 'provider degraded': 1 });
    expect(impact).not.toHaveProperty('retry storm');
    expect(minutes.summary).toMatch(/Impact: 5 stuck loops, 2 runtimes down/);
  });

  it('lists the recorded restart and approval with their actors as done, the tickets as open with owners', () => {
    const done = minutes.actionItems.filter((i) => i.status === 'done');
    expect(done).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ owner: 'James', text: expect.stringMatching(/^restarted runtime bash-runtime-mike \(heartbeat back after \d+\.\d s\), took \d+\.\d s$/) }),
        expect.objectContaining({ owner: 'Elena', text: 'approved a +$5.00 budget override for routine daily-code-review (new limit $15.00)' }),
      ]),
    );
    expect(done.every((i) => i.at && !Number.isNaN(Date.parse(i.at)))).toBe(true);
    expect(minutes.actionItems.filter((i) => i.status === 'open')).toEqual(tickets.map((t) => expect.objectContaining({ text: t.title, owner: t.owner })));
  });

  it('gives identical minutes for the same incident, gathered twice', async () => {
    const again = generateMinutes((await gatherFacts(seed.triage.testDatabase.db, seed.incidentId))!, { tickets });
    expect(JSON.stringify(again)).toBe(JSON.stringify(minutes));
    expect(renderMarkdown(again)).toBe(renderMarkdown(minutes));
  });

  it('learns the catalog lessons once each and plans monitoring per kind', () => {
    expect(minutes.lessons).toEqual(expect.arrayContaining(['Single points of failure (MCP, runtimes) cause cascading issues.', 'Budget gates prevent runaway spend during incidents.', 'Recovery order matters: fix dependencies first.']));
    expect(new Set(minutes.lessons).size).toBe(minutes.lessons.length);
    expect(minutes.followUp).toEqual(expect.arrayContaining([expect.stringMatching(/MCP connection pool usage on database-query: alert at 80%/), 'Daily check-ins for 1 week (monitor for recurrence).']));
  });

  it('renders the seed shape as Markdown and as a card within Block Kit limits', () => {
    const md = renderMarkdown(minutes);
    expect(md).toMatch(/^# Incident Post-Mortem — Cascading failure/);
    expect(md).toMatch(/1\. \*\*Primary: MCP connection pool exhausted\*\*\n {3}- Cause: .+\n {3}- Contributing factor: .+/);
    expect(md).toMatch(/- James:\n {2}- ✅ restarted runtime bash-runtime-mike \(heartbeat back after/);
    expect(md).toMatch(/- Mike:\n(.*\n)*? {2}- ⏳ \[Add connection backoff logic to routines\]\(https:\/\/tickets\.example\/61\)/);
    const card = Card.parse(minutesCard(minutes, seed.incidentId));
    expect(card.text.length).toBeLessThanOrEqual(3000);
    expect(card.text).toMatch(/\*Primary: MCP connection pool exhausted\*/);
    expect(card.fields.map((f) => f.label)).toEqual(['Duration', 'Impact']);
    // Where the whole minutes are, for a chat that must leave part out.
    expect(card.context).toBe('deterministic minutes · full minutes: /incidents/1/postmortem.md');
    // The long form for platforms that show documents: the seed's minutes fit Slack's markdown block.
    expect(card.markdown).toMatch(/^## Incident summary\n/);
    expect(card.markdown).toMatch(/\n1\. \*\*Primary: MCP connection pool exhausted\*\*\n/);
    expect(card.markdown!.length).toBeLessThan(12_000);
  });

  it('puts every insight, Doctor run, action and approval on a timeline in time order with its actor', async () => {
    const timeline = await incidentTimeline(seed.triage.testDatabase.db, seed.incidentId);
    const times = timeline.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The cascade's first insights come before the incident they opened.
    expect(timeline.find((e) => e.kind === 'incident')).toMatchObject({ text: expect.stringMatching(/^Incident opened \(correlated\): Cascading failure/) });
    expect(timeline[0]).toMatchObject({ kind: 'insight' });
    expect(timeline.filter((e) => e.kind === 'insight' && e.text.startsWith('Insight opened'))).toHaveLength(facts.insights.length);
    expect(timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'action', actor: 'James', text: expect.stringMatching(/^restarted runtime bash-runtime-mike \(heartbeat back after \d+\.\d s\), took \d+\.\d s$/) }),
        expect.objectContaining({ kind: 'approval', actor: 'Elena', text: 'approved a +$5.00 budget override for routine daily-code-review (new limit $15.00)' }),
        expect.objectContaining({ kind: 'approval', text: expect.stringMatching(/^asked for a \+\$5\.00 budget override for routine daily-code-review \(/) }),
        expect.objectContaining({ kind: 'doctor', actor: 'Sofia', text: expect.stringMatching(/^ran Doctor \(command, run #\d+\): (CRITICAL|WARNING|HEALTHY) in \d+\.\d s$/) }),
      ]),
    );
    expect(timeline.at(-1)).toMatchObject({ kind: 'incident', actor: 'Elena', text: 'Incident resolved' });
  });

  it('has no facts for an incident that does not exist', async () => {
    expect(await gatherFacts(seed.triage.testDatabase.db, 999_999)).toBeUndefined();
    expect(await incidentTimeline(seed.triage.testDatabase.db, 999_999)).toEqual([]);
  });
});
